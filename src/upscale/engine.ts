/**
 * The weights and the engine of one upscaling run: the caller's engine or weights, named
 * shipped weights, or shipped weights chosen for the input from its first pictures.
 */
import { UsageError } from "../core/errors.ts";
import type { LrStatistics } from "../net/weights/lr_statistics.ts";
import { isLossyCodec } from "../media/ffmpeg/lossy.ts";
import { checkScale } from "../net/arch.ts";
import { createEngine } from "../net/create.ts";
import { blendFsrcnn } from "../net/fsrcnn/blend.ts";
import type { SrEngine } from "../net/engine.ts";
import { type FsrcnnWeights, loadWeights } from "../net/weights/file.ts";
import { chooseShipped, type WeightsChoice } from "../net/weights/choice.ts";
import type { ShippedChoice } from "../net/weights/shipped.ts";
import type { UpscaleOptions } from "./options.ts";

/** The options that decide the engine. */
export type EngineRequest = Pick<
  UpscaleOptions,
  "scale" | "weights" | "backend" | "engine" | "threads"
>;

/** The weights a run uses, and why. */
export interface RunWeights {
  weights: FsrcnnWeights;
  choice: WeightsChoice;
}

/** The shipped choice asked for: `auto` when no weights are given. */
export function shippedChoiceOf(weights: UpscaleOptions["weights"]): ShippedChoice | null {
  if (weights === undefined) return "auto";
  if (typeof weights === "object" && "shipped" in weights) return weights.shipped;
  return null;
}

/**
 * The weights of a run: the given ones (checked against `o.scale`), shipped weights by name,
 * or (`auto`, the default) the shipped weights (or blend of two) that suit the input, chosen
 * from the statistics `measure` returns and the codec the input's pictures are stored in (`codec`,
 * ffprobe's name: a lossy one rules out clean pictures). `measure` is called only when there is
 * a choice to make (×2); without it, `auto` chooses as for pictures that could not be measured.
 *
 * @throws {UsageError} Weights given as data are for another scale than `o.scale`; an
 *   {@link OptionError} for a named choice that is not shipped for the scale.
 * @throws {WeightsError} The weights file is missing, corrupt, or for another scale.
 */
export async function resolveWeights(
  o: Pick<EngineRequest, "scale" | "weights">,
  measure?: () => Promise<LrStatistics | null>,
  codec?: string,
): Promise<RunWeights> {
  const shipped = shippedChoiceOf(o.weights);
  if (shipped === null) {
    if (typeof o.weights === "string") {
      return {
        weights: await loadWeights(o.weights, o.scale),
        choice: { name: null, path: o.weights, reason: `${o.weights}: the weights given` },
      };
    }
    const given = o.weights as FsrcnnWeights;
    if (o.scale !== undefined && given.config.scale !== o.scale) {
      throw new UsageError(`weights are for scale ${given.config.scale}, not ${o.scale}`);
    }
    return { weights: given, choice: { name: null, path: null, reason: "the weights given" } };
  }
  const scale = checkScale(o.scale ?? 2);
  const choice = await chooseShipped(
    shipped,
    scale,
    measure,
    isLossyCodec(codec) ? codec : undefined,
  );
  if (choice.blend) {
    const [a, b] = choice.blend.paths!;
    const weights = blendFsrcnn(
      await loadWeights(a, scale),
      await loadWeights(b, scale),
      choice.blend.share,
    );
    weights.metadata = { blend: choice.reason };
    return { weights, choice };
  }
  return { weights: await loadWeights(choice.path!, scale), choice };
}

/**
 * `o.engine` when given (its scale must be `o.scale`, if that is given); otherwise a new engine
 * for `weights`, disposed by `cleanups`.
 *
 * @throws {UsageError} The engine is for another scale than `o.scale`.
 */
export async function engineFor(
  o: EngineRequest,
  weights: () => Promise<RunWeights>,
  cleanups: Array<() => Promise<void>>,
): Promise<SrEngine> {
  if (o.engine) {
    if (o.scale !== undefined && o.engine.config.scale !== o.scale) {
      throw new UsageError(`the engine upscales x${o.engine.config.scale}, not x${o.scale}`);
    }
    return o.engine;
  }
  const created = await createEngine((await weights()).weights, {
    backend: o.backend ?? "auto",
    threads: o.threads,
  });
  cleanups.push(() => Promise.resolve(created.dispose()));
  return created;
}
