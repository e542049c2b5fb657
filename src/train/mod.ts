/**
 * Training FSRCNN weights with the project's own loop: patches from folders of
 * high-resolution images (low-resolution made as `eval` makes it, or as video is made),
 * validation, the best weights kept, checkpoints to resume from.
 *
 * @example Train ×2 for at most half an hour, printing progress
 * ```ts ignore
 * import { train } from "@fsrcnn/deno/train";
 * const progress = await train({
 *   scale: 2,
 *   data: ["../shared/datasets/T91", "../shared/datasets/BSDS200"],
 *   out: "fsrcnn_x2.safetensors",
 *   maxMinutes: 30,
 *   onReport: (r) => console.log(r.event, r.step, r.loss.toFixed(5), r.psnr?.toFixed(2)),
 * });
 * console.log(`best ${progress.bestPsnr.toFixed(2)} dB at step ${progress.bestStep}`);
 * ```
 *
 * @example The settings a run takes when it does not say
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_SETTINGS, TRAIN_INITS } from "@fsrcnn/deno/train";
 * // FSRCNN(56, 12, 4), the paper's network.
 * assert.deepEqual([DEFAULT_SETTINGS.d, DEFAULT_SETTINGS.s, DEFAULT_SETTINGS.m], [56, 12, 4]);
 * assert.ok(TRAIN_INITS.includes("bicubic"));
 * ```
 * @module
 */

export { DEFAULT_HOLDOUT, trainFromFolders as train, type TrainOptions } from "./run.ts";
export {
  DEFAULT_CHECKPOINT_MINUTES,
  DEFAULT_SETTINGS,
  TRAIN_INITS,
  type TrainBackend,
  type TrainInit,
  type TrainReport,
  type TrainSettings,
} from "./trainer.ts";
export type { TrainProgress } from "./checkpoint.ts";
