/**
 * fsrcnn-deno: FSRCNN super-resolution (Dong et al., ECCV 2016) for videos, frame sequences
 * and images, on WebGPU and CPU. This module is the upscale API: {@link upscaleFile} does a
 * whole file (ffmpeg decodes, the network upscales luma, chroma is resampled, ffmpeg encodes,
 * every stream, tag and timestamp kept), {@link upscaleFrames} does frames you decode yourself,
 * and every expected failure is one of the errors below. The rest of the library is in
 * sub-paths: `@fsrcnn/deno/engine` (the network, its weights and engines), `/jobs` (segments
 * over many machines, Slurm, Kubernetes), `/eval`, `/train` and `/bench`. `cli/main.ts` is a
 * thin shell over them.
 *
 * @example Upscale a video ×2 with the shipped weights
 * ```ts ignore
 * import { upscaleFile } from "@fsrcnn/deno";
 * const summary = await upscaleFile({ input: "in.mp4", output: "out.mp4", scale: 2 });
 * console.log(`${summary.frames} frames at ${summary.fps.toFixed(1)} fps`);
 * ```
 *
 * @example Upscale a live stream to standard output, ending it cleanly on Ctrl-C
 * ```ts ignore
 * import { upscaleFile } from "@fsrcnn/deno";
 * const stop = new AbortController();
 * Deno.addSignalListener("SIGINT", () => stop.abort());
 * // Matroska on stdout; progress and notices are for you to print on stderr.
 * await upscaleFile({ input: "srt://127.0.0.1:9000", output: "-", stop: stop.signal });
 * ```
 *
 * @example A missing input is one typed error with a one-line message
 * ```ts
 * import assert from "node:assert/strict";
 * import { InputError, upscaleFile } from "@fsrcnn/deno";
 * const dir = await Deno.makeTempDir();
 * try {
 *   await assert.rejects(
 *     upscaleFile({ input: `${dir}/missing.mp4`, output: `${dir}/out.mp4` }),
 *     (e) => e instanceof InputError && e.message.startsWith(`${dir}/missing.mp4: `),
 *   );
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 * @module
 */

// One file.
export { upscaleFile } from "./src/jobs/upscale_file.ts";
export { DEFAULT_SEGMENT_SECONDS } from "./src/jobs/settings.ts";
export { workFolderFor } from "./src/jobs/work.ts";
export { DEFAULT_MAX_PIXELS } from "./src/upscale/input.ts";
export { isNetworkUrl, isStreamedInput } from "./src/media/ffmpeg/input_name.ts";
export type { UpscaleNotice, UpscaleOptions, UpscaleSummary } from "./src/upscale/options.ts";
export { DEINTERLACE_MODES, type DeinterlaceMode } from "./src/media/ffmpeg/interlace.ts";
export type { UpscaleProgress } from "./src/upscale/progress.ts";
export type { Leftover, LeftoverReport } from "./src/core/leftovers.ts";
export type { MediaKind } from "./src/upscale/kinds.ts";

// The weights and the backend a user can ask for.
export {
  isShippedChoice,
  SHIPPED_CHOICES,
  type ShippedChoice,
  type ShippedWeightsName,
} from "./src/net/weights/shipped.ts";
export type { WeightsChoice } from "./src/net/weights/choice.ts";
export type { NetworkName } from "./src/net/networks.ts";
export { BACKEND_NAMES, type BackendChoice, type BackendName } from "./src/net/backends.ts";

// Frames you decode yourself (the engine that runs them is in `@fsrcnn/deno/engine`).
export {
  frameStage,
  type FrameStageOptions,
  upscaleFrames,
  type VideoFrame,
} from "./src/upscale/frames.ts";
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
