/**
 * fsrcnn-deno: FSRCNN super-resolution for videos, frame sequences and images on WebGPU and
 * CPU. This module is the library API; `cli/main.ts` is a thin shell over it.
 *
 * @example
 * ```ts
 * import { train } from "./mod.ts";
 * await train({ scale: 2, data: "../shared/datasets/T91", out: "x2.safetensors", steps: 10 });
 * ```
 * @module
 */
export { trainFromFolders as train, type TrainOptions } from "./src/train/run.ts";
export { type EvalOptions, type EvalReport, evaluate } from "./src/eval/run.ts";
export {
  defaultWeightsPath,
  upscaleFile,
  type UpscaleOptions,
  type UpscaleSummary,
} from "./src/pipeline/upscale.ts";
export type { UpscaleProgress } from "./src/pipeline/progress.ts";
export { benchmark } from "./src/bench/run.ts";
export {
  type BenchCell,
  type BenchOptions,
  type BenchReport,
  parseSizes,
} from "./src/bench/bench.ts";
export { formatTable as formatBenchTable, plotSvg as plotBenchSvg } from "./src/bench/report.ts";
