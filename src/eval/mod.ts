/**
 * Scoring: the super-resolution literature's protocol (Y-PSNR/SSIM of weights or bicubic on a
 * folder of high-resolution images), the realistic suite (low-resolution images made by
 * ffmpeg's scalers and a codec round trip, FSRCNN beside lanczos and bicubic), and the
 * real-footage yardstick (camera clips coded as low-resolution video, run through `upscaleFile`).
 *
 * @example Score the shipped ×2 weights on Set5, as the papers do
 * ```ts ignore
 * import { evaluate } from "@fsrcnn/deno/eval";
 * const report = await evaluate({ data: "../shared/datasets/Set5", scale: 2 });
 * console.log(`${report.meanPsnr.toFixed(2)} dB, SSIM ${report.meanSsim.toFixed(4)}`);
 * ```
 *
 * @example The footage yardstick's cells: each scaler with each codec
 * ```ts
 * import assert from "node:assert/strict";
 * import { footageDegradations } from "@fsrcnn/deno/eval";
 * const cells = footageDegradations(["area", "neighbor"], [{ codec: "x264", crf: 23 }]);
 * assert.deepEqual(cells, [
 *   { scaler: "area", codec: "x264", crf: 23 },
 *   { scaler: "neighbor", codec: "x264", crf: 23 },
 * ]);
 * ```
 * @module
 */

export { type EvalOptions, type EvalReport, evaluate } from "./run.ts";
export type { ImageScore, ScoreReport } from "./protocol.ts";
export {
  DEFAULT_DEGRADATIONS,
  type DegradationReport,
  type DegradationRow,
  type DegradationSuiteOptions,
  evaluateDegradations,
  type SuiteMethod,
} from "./degradations/suite.ts";
export {
  checkDegradations,
  type Degradation,
  DEGRADATION_REGISTRY,
  type DegradationName,
  DEGRADATIONS,
  gaussianBlur,
  MATLAB_BICUBIC,
  type Shrink,
  type SourceStep,
  swscale,
} from "./degradations/registry.ts";
export {
  compareFootage,
  evaluateFootage,
  type FootageCell,
  type FootageCodec,
  type FootageComparison,
  type FootageDegradation,
  footageDegradations,
  type FootageOptions,
  type FootageReport,
  parseFootageCodecs,
  parseFootageScalers,
  type SwsScaler,
} from "./footage.ts";
export type { Yuv420Frame } from "../media/ffmpeg/degrade.ts";
