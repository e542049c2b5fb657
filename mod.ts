/**
 * fsrcnn-deno: FSRCNN super-resolution (Dong et al., ECCV 2016) for videos, frame sequences
 * and images, on WebGPU and CPU. This module is the library API; `cli/main.ts` is a thin
 * shell over it.
 *
 * @example Upscale a video ×2 with the shipped weights
 * ```ts
 * import { upscaleFile } from "@fsrcnn/deno";
 * const summary = await upscaleFile({ input: "in.mp4", output: "out.mp4", scale: 2 });
 * console.log(`${summary.frames} frames at ${summary.fps.toFixed(1)} fps`);
 * ```
 *
 * @example Upscale a live stream to standard output, ending it cleanly on Ctrl-C
 * ```ts
 * import { upscaleFile } from "@fsrcnn/deno";
 * const stop = new AbortController();
 * Deno.addSignalListener("SIGINT", () => stop.abort());
 * // Matroska on stdout; progress and notices are for you to print on stderr.
 * await upscaleFile({ input: "srt://127.0.0.1:9000", output: "-", stop: stop.signal });
 * ```
 *
 * @example Run the network on planes yourself
 * ```ts
 * import { createEngine, loadWeights, TiledUpscaler } from "@fsrcnn/deno";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * const plane = { data: new Float32Array(64 * 48).fill(0.5), width: 64, height: 48 };
 * const [out] = await new TiledUpscaler(engine).upscale([plane]);
 * console.log(out.width, out.height); // 128 96
 * engine.dispose();
 * ```
 * @module
 */

// Whole files.
export { upscaleFile } from "./src/jobs/upscale_file.ts";
export { DEFAULT_MAX_PIXELS } from "./src/upscale/input.ts";
export { isNetworkUrl, isStreamedInput } from "./src/media/ffmpeg/input_name.ts";
export type { UpscaleNotice, UpscaleOptions, UpscaleSummary } from "./src/upscale/options.ts";
export { DEINTERLACE_MODES, type DeinterlaceMode } from "./src/media/ffmpeg/interlace.ts";
export type { UpscaleProgress } from "./src/upscale/progress.ts";
export type { Leftover, LeftoverReport } from "./src/core/leftovers.ts";

// Long jobs: segments, resume, many machines.
export { DEFAULT_SEGMENT_SECONDS, type PlanSettingsOptions } from "./src/jobs/settings.ts";
export { formatIndices } from "./src/jobs/indices.ts";
export { type JobStatus, jobStatus } from "./src/jobs/status.ts";
export { joinJob, type JoinSummary } from "./src/jobs/join_job.ts";
export { type JobPlanSummary, planJob, type PlanJobOptions } from "./src/jobs/plan_job.ts";
export { runTask, type RunTaskOptions, type TaskSummary } from "./src/jobs/run_task.ts";
export type { ItemWeights } from "./src/jobs/manifest.ts";
export { workFolderFor } from "./src/jobs/work.ts";
export {
  type SlurmOptions,
  type SlurmSubmission,
  submitSlurm,
  TASK_OFFSET_ENV,
} from "./src/jobs/slurm.ts";
export {
  type KubeObject,
  kubernetesJobs,
  type KubernetesOptions,
  writeKubernetesJobs,
} from "./src/jobs/kubernetes.ts";
export type { MediaKind } from "./src/upscale/kinds.ts";

// Frames as streams.
export {
  type FrameLayout,
  frameLayout,
  type PixelFormat,
  type PlaneLayout,
  withAlpha,
  type WorkingPixFmt,
  YUV420P,
  YUV420P10LE,
} from "./src/media/frame/format.ts";
export type { ChromaSiting } from "./src/media/frame/resample.ts";
export {
  frameStage,
  type FrameStageOptions,
  upscaleFrames,
  type VideoFrame,
} from "./src/upscale/frames.ts";

// The network, its weights and its engines.
export {
  checkScale,
  DEFAULT_SHAPE,
  type FsrcnnConfig,
  fsrcnnConfig,
  macsPerFrame,
  type ParamSpec,
  paramSpecs,
  type Scale,
  SUPPORTED_SCALES,
} from "./src/net/fsrcnn/config.ts";
export {
  cloneWeights,
  decodeWeights,
  defaultWeightsPath,
  encodeWeights,
  type FsrcnnWeights,
  initWeights,
  loadWeights,
  saveWeights,
  shippedWeightsFor,
} from "./src/net/weights/file.ts";
export {
  chooseWeights,
  isShippedChoice,
  type LrOrigin,
  lrOrigin,
  type LrOriginVerdict,
  ORIGIN_THRESHOLDS,
  type OriginThresholds,
  SHIPPED_CHOICES,
  SHIPPED_WEIGHTS,
  type ShippedChoice,
  type ShippedWeights,
  type ShippedWeightsName,
  shippedWeightsPath,
  type WeightsChoice,
} from "./src/net/weights/choice.ts";
export {
  addMeasures,
  type LrStatistics,
  lrStatistics,
  type LumaMeasures,
  measureLuma,
  statisticsOf,
} from "./src/net/weights/lr_statistics.ts";
export {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  BACKENDS,
  type BackendSpec,
} from "./src/net/backends.ts";
export type { EngineInfo, PlaneBatch, SrEngine } from "./src/net/engine.ts";
export {
  checkThreads,
  createEngine,
  createEngineFor,
  type EngineOptions,
  parseBackend,
} from "./src/net/create.ts";
export type { Plane } from "./src/media/frame/pixels.ts";
export { TiledUpscaler, type TilingOptions } from "./src/net/tiling/tiled.ts";
export { referenceForward } from "./src/net/fsrcnn/reference.ts";
export type { SafetensorsDtype } from "./src/net/weights/safetensors.ts";
export type { GpuAdapterSummary } from "./src/net/gpu.ts";
export type { TfjsBackendName } from "./src/net/tfjs/runtime.ts";
export type { Rect, Tile, TilePlan } from "./src/net/tiling/geometry.ts";

// Scoring, training and benchmarking.
export { type EvalOptions, type EvalReport, evaluate } from "./src/eval/run.ts";
export type { ImageScore, ScoreReport } from "./src/eval/protocol.ts";
export {
  type DegradationName,
  type DegradationReport,
  type DegradationRow,
  DEGRADATIONS,
  type DegradationSuiteOptions,
  evaluateDegradations,
  type SuiteMethod,
} from "./src/eval/degradations.ts";
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
} from "./src/eval/footage.ts";
export { trainFromFolders as train, type TrainOptions } from "./src/train/run.ts";
export type { TrainBackend, TrainInit, TrainReport, TrainSettings } from "./src/train/trainer.ts";
export type { TrainProgress } from "./src/train/checkpoint.ts";
export { benchmark } from "./src/bench/run.ts";
export {
  BENCH_DEFAULTS,
  type BenchBackend,
  type BenchCell,
  type BenchMode,
  type BenchOptions,
  type BenchReport,
  type BenchStart,
  type E2eRequest,
  parseBenchBackend,
  parseSizes,
} from "./src/bench/bench.ts";
export type { Summary } from "./src/bench/stats.ts";
export type { DeviceReport } from "./src/bench/device.ts";
export type { MemoryMethod } from "./src/bench/memory.ts";
export type { SgemmPeak } from "./src/bench/peak.ts";
export {
  formatTable as formatBenchTable,
  formatTableFoot as formatBenchTableFoot,
  formatTableHead as formatBenchTableHead,
  formatTableRow as formatBenchTableRow,
  plotSvg as plotBenchSvg,
} from "./src/bench/report.ts";

// Errors (every expected failure is one of these, with a one-line message).
export {
  CancelledError,
  FsrcnnError,
  InputError,
  OptionError,
  OutputError,
  ToolError,
  UsageError,
  WeightsError,
  WorkFolderError,
} from "./src/core/errors.ts";
