/** The weights a planned video's segments run, read back from the work folder. */
import { InputError } from "../core/errors.ts";
import { loadWeights } from "../net/weights/file.ts";
import type { RunWeights } from "../upscale/engine.ts";
import { weightsDigest, type WorkPlan } from "./manifest.ts";
import { weightsFile } from "./work.ts";

/**
 * The weights the segments of a plan's video run, from its folder, checked against the
 * digest the plan recorded.
 *
 * @throws {WeightsError} The file is missing or damaged.
 * @throws {InputError} The file is not the weights the plan recorded.
 */
export async function itemWeights(work: string, plan: WorkPlan, item: number): Promise<RunWeights> {
  const it = plan.items[item];
  const file = weightsFile(work, it);
  const weights = await loadWeights(file, plan.settings.scale);
  if (await weightsDigest(weights) !== it.weights.digest) {
    throw new InputError(file, "is not the weights this job was planned with");
  }
  return { weights, choice: { name: it.weights.name, path: file, reason: it.weights.reason } };
}
