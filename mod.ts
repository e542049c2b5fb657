/**
 * fsrcnn-deno: FSRCNN super-resolution (Dong et al., ECCV 2016) for videos, frame sequences
 * and images, on WebGPU and CPU. This module is the library API; `cli/main.ts` is a thin
 * shell over it.
 *
 * @example Upscale a video ×2 with the shipped weights
 * ```ts
 * import { upscaleFile } from "./mod.ts";
 * const summary = await upscaleFile({ input: "in.mp4", output: "out.mp4", scale: 2 });
 * console.log(`${summary.frames} frames at ${summary.fps.toFixed(1)} fps`);
 * ```
 *
 * @example Run the network on planes yourself
 * ```ts
 * import { createEngine, loadWeights, TiledUpscaler } from "./mod.ts";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * const [out] = await new TiledUpscaler(engine).upscale([{ data: new Float32Array(64 * 48), width: 64, height: 48 }]);
 * engine.dispose();
 * ```
 * @module
 */

// Whole files.
export {
  defaultWeightsPath,
  upscaleFile,
  type UpscaleOptions,
  type UpscaleSummary,
} from "./src/pipeline/upscale.ts";
export type { UpscaleProgress } from "./src/pipeline/progress.ts";

// Frames as streams.
export {
  frameStage,
  type FrameStageOptions,
  upscaleFrames,
  type VideoFrame,
} from "./src/pipeline/frames.ts";

// The network, its weights and its engines.
export {
  checkScale,
  DEFAULT_SHAPE,
  type FsrcnnConfig,
  fsrcnnConfig,
  macsPerFrame,
  paramSpecs,
  type Scale,
  SUPPORTED_SCALES,
} from "./src/model/config.ts";
export {
  cloneWeights,
  decodeWeights,
  encodeWeights,
  type FsrcnnWeights,
  initWeights,
  loadWeights,
  saveWeights,
} from "./src/model/weights.ts";
export {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  type EngineInfo,
  type PlaneBatch,
  type SrEngine,
} from "./src/model/engine.ts";
export {
  createEngine,
  createEngineFor,
  type EngineOptions,
  parseBackend,
} from "./src/model/create.ts";
export { type Plane, TiledUpscaler, type TilingOptions } from "./src/model/tiled.ts";
export { referenceForward } from "./src/model/reference.ts";

// Scoring, training and benchmarking.
export { type EvalOptions, type EvalReport, evaluate } from "./src/eval/run.ts";
export { trainFromFolders as train, type TrainOptions } from "./src/train/run.ts";
export { benchmark } from "./src/bench/run.ts";
export {
  type BenchCell,
  type BenchOptions,
  type BenchReport,
  parseSizes,
} from "./src/bench/bench.ts";
export { formatTable as formatBenchTable, plotSvg as plotBenchSvg } from "./src/bench/report.ts";

// Errors (every expected failure is one of these, with a one-line message).
export {
  CancelledError,
  FsrcnnError,
  InputError,
  OutputError,
  ToolError,
  UsageError,
  WeightsError,
} from "./src/errors.ts";
