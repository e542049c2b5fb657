/**
 * The engine of one upscaling run: the caller's, or one created for the run from the given or
 * the shipped weights.
 */
import { UsageError } from "../errors.ts";
import { checkScale } from "../model/config.ts";
import { createEngine } from "../model/create.ts";
import type { SrEngine } from "../model/engine.ts";
import { defaultWeightsPath, type FsrcnnWeights, loadWeights } from "../model/weights.ts";
import type { UpscaleOptions } from "./options.ts";

/** The options that decide the engine. */
export type EngineRequest = Pick<
  UpscaleOptions,
  "scale" | "weights" | "backend" | "engine" | "threads"
>;

/**
 * The weights of a run: the given ones (checked against `o.scale`), or the shipped ones for
 * the scale (default 2).
 *
 * @throws {UsageError} Weights given as data are for another scale than `o.scale`.
 * @throws {WeightsError} The weights file is missing, corrupt, or for another scale.
 */
export async function resolveWeights(
  o: Pick<EngineRequest, "scale" | "weights">,
): Promise<FsrcnnWeights> {
  if (o.weights && typeof o.weights !== "string") {
    if (o.scale !== undefined && o.weights.config.scale !== o.scale) {
      throw new UsageError(`weights are for scale ${o.weights.config.scale}, not ${o.scale}`);
    }
    return o.weights;
  }
  if (o.weights) return await loadWeights(o.weights, o.scale);
  const scale = checkScale(o.scale ?? 2);
  return await loadWeights(defaultWeightsPath(scale), scale);
}

/**
 * `o.engine` when given (its scale must be `o.scale`, if that is given); otherwise a new engine
 * for the resolved weights, disposed by `cleanups`.
 *
 * @throws {UsageError} The engine or weights are for another scale than `o.scale`.
 * @throws {WeightsError} The weights file is missing, corrupt, or for another scale.
 */
export async function engineFor(
  o: EngineRequest,
  cleanups: Array<() => Promise<void>>,
): Promise<SrEngine> {
  if (o.engine) {
    if (o.scale !== undefined && o.engine.config.scale !== o.scale) {
      throw new UsageError(`the engine upscales x${o.engine.config.scale}, not x${o.scale}`);
    }
    return o.engine;
  }
  const weights = await resolveWeights(o);
  const created = await createEngine(weights, { backend: o.backend ?? "auto", threads: o.threads });
  cleanups.push(() => Promise.resolve(created.dispose()));
  return created;
}
