/**
 * `upscaleFile`: one call that upscales a video, a frame sequence or a still image into a
 * video, a frame sequence or an image, safely (see output.ts) and with progress.
 */
import { CancelledError, UsageError } from "../errors.ts";
import { capabilities } from "../ffmpeg/capabilities.ts";
import { defaultCrf } from "../ffmpeg/crf.ts";
import { tools as resolveTools } from "../ffmpeg/resolve.ts";
import { checkScale } from "../model/config.ts";
import { createEngine } from "../model/create.ts";
import type { BackendChoice } from "../model/backends.ts";
import type { SrEngine } from "../model/engine.ts";
import { TiledUpscaler } from "../model/tiled.ts";
import { type FsrcnnWeights, loadWeights } from "../model/weights.ts";
import { inputKind, type MediaKind, outputKind } from "./kinds.ts";
import { prepareOutput } from "./output.ts";
import type { UpscaleProgress } from "./progress.ts";
import { openInput } from "./input.ts";
import { upscaleStill } from "./still.ts";
import { upscaleVideo } from "./video.ts";

/** What {@link upscaleFile} reads, writes and how; only `input` and `output` are required. */
export interface UpscaleOptions {
  /**
   * A video file, a still image (`.png`, `.jpg`, WebP, BMP, TIFF), a frame pattern such as
   * `frames/%06d.png`, or a folder of images (read in natural order).
   */
  input: string;
  /**
   * A video file, an image (`.png`, `.jpg`; only for an image input), a frame pattern, or a
   * folder (frames written as `000001.png`, …). Written to a temporary name, renamed when done.
   */
  output: string;
  /**
   * Upscaling factor, 2, 3 or 4. Default: the weights' (or engine's) scale, else 2. When given,
   * it must match the weights or engine.
   */
  scale?: number;
  /**
   * Weights file or loaded weights; default the shipped `models/fsrcnn_x<scale>.safetensors`
   * (see {@link defaultWeightsPath}). Ignored when `engine` is given.
   */
  weights?: string | FsrcnnWeights;
  /** Inference backend; default `auto`. Ignored when `engine` is given. */
  backend?: BackendChoice;
  /**
   * An engine to use instead of creating one (its weights decide the scale); the caller keeps
   * ownership and disposes it. Lets several files share one warmed-up engine.
   */
  engine?: SrEngine;
  /** Tile (window) side in LR pixels, context included; default: what a 256 MiB budget fits. */
  tile?: number;
  /** Frames per engine call for videos and sequences (default 4). */
  batch?: number;
  /** Video encoder for video outputs, an ffmpeg encoder name (default `libx264`). */
  codec?: string;
  /**
   * Encoder `-crf` (constant rate factor; lower is better quality). Default 18 for libx264,
   * libx264rgb and libx265 (visually near-lossless); for other encoders, none unless given.
   */
  crf?: number;
  /** Encoder `-preset`, e.g. `slow`; default: the encoder's own. */
  preset?: string;
  /** Output pixel format (`-pix_fmt`); default yuv420p, or yuv420p10le for deeper sources. */
  pixFmt?: string;
  /** Extra encoder arguments, one per element (no shell). */
  encoderArgs?: string[];
  /** Frame rate (frames per second) given to frame-sequence inputs (default 25). */
  fps?: number;
  /** Replace an existing output (default false: an existing output is an OutputError). */
  overwrite?: boolean;
  /**
   * When the input turns out corrupt or truncated, keep the frames upscaled so far as a
   * complete, playable output and report why in {@link UpscaleSummary.partial} (default false).
   */
  keepPartial?: boolean;
  /** CPU threads for the onnx backend; default: every core. */
  threads?: number;
  /**
   * ffmpeg binary (a path, or a name looked up on `PATH`); default: `FFMPEG_PATH`, then
   * `ffmpeg` on `PATH`, then the embedded one. ffprobe: `FFPROBE_PATH`, then beside ffmpeg,
   * then on `PATH`, then the embedded one.
   */
  ffmpeg?: string;
  /** Aborting stops the work, removes the temporary output and rejects with CancelledError. */
  signal?: AbortSignal;
  /**
   * Called with progress at most every 250 ms and once at the end (videos and sequences
   * only; a still image reports nothing).
   */
  onProgress?: (p: UpscaleProgress) => void;
}

/** What {@link upscaleFile} did. */
export interface UpscaleSummary {
  /** The input, as given. */
  input: string;
  /** The output, as given (now complete). */
  output: string;
  /** What kind of output was written. */
  kind: MediaKind;
  /** Frames written (1 for an image). */
  frames: number;
  /** Wall-clock seconds of the whole call, setup included. */
  seconds: number;
  /** `frames / seconds`: end-to-end frames per second. */
  fps: number;
  /** Output width in pixels. */
  width: number;
  /** Output height in pixels. */
  height: number;
  /** The backend that ran the network (see {@link BackendName}). */
  backend: string;
  /** Why the output is incomplete, when `keepPartial` kept a partial result. */
  partial?: string;
}

/**
 * Path of the shipped weights file for a scale, `models/fsrcnn_x<scale>.safetensors` in this
 * package. Nothing is checked: for a scale without shipped weights, loading the path fails with
 * a WeightsError.
 *
 * @param scale Upscaling factor.
 * @returns An absolute file path.
 */
export function defaultWeightsPath(scale: number): string {
  return new URL(`../../models/fsrcnn_x${scale}.safetensors`, import.meta.url).pathname;
}

async function resolveWeights(o: UpscaleOptions): Promise<FsrcnnWeights> {
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
 * Upscales a video, frame sequence or still image into a video, frame sequence or image, `scale`×
 * wider and taller. The luma goes through FSRCNN; chroma is upsampled bicubically; a video keeps
 * its audio, subtitles, chapters, metadata, timestamps, colour tags and rotation. The input is
 * checked fully before the output is touched, the output is written under a temporary name and
 * renamed when complete, and nothing is left behind on failure or cancellation.
 *
 * @param o What to read and write, and how; see {@link UpscaleOptions}.
 * @returns What was written, and how fast.
 * @throws {UsageError} An unsupported scale, a scale that the weights or engine do not have, an
 *   image input with a video output (or the reverse), a non-positive `fps`, an output that is the
 *   input, an unusable `ffmpeg`.
 * @throws {InputError} The input is missing, unreadable, has no video, or is corrupt or truncated
 *   (unless `keepPartial` keeps what was upscaled).
 * @throws {WeightsError} The weights file is missing, corrupt, or for another scale.
 * @throws {OutputError} The output exists (without `overwrite`), or its folder is missing or not
 *   writable.
 * @throws {ToolError} ffmpeg failed or could not start.
 * @throws {CancelledError} `signal` was aborted.
 *
 * @example Upscale ×2 into Matroska with progress, stopping cleanly on Ctrl-C
 * ```ts
 * import { upscaleFile } from "./mod.ts";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * const summary = await upscaleFile({
 *   input: "in.mp4",
 *   output: "out_x2.mkv",
 *   scale: 2,
 *   crf: 20,
 *   overwrite: true,
 *   signal: controller.signal,
 *   onProgress: (p) => console.log(`${p.frames} frames, ${p.fps.toFixed(1)} fps`),
 * });
 * console.log(`${summary.width}x${summary.height} on ${summary.backend}`);
 * ```
 */
export async function upscaleFile(o: UpscaleOptions): Promise<UpscaleSummary> {
  const started = performance.now();
  // An unsupported scale is a usage error whatever the weights say.
  if (o.scale !== undefined) checkScale(o.scale);
  const tools = await resolveTools(o.ffmpeg);
  const inKind = await inputKind(o.input);
  const outKind = await outputKind(o.output);
  if (inKind === "image" && outKind !== "image") {
    throw new UsageError(
      `${o.output}: a still image can only be upscaled into an image (.png, .jpg)`,
    );
  }
  if (inKind !== "image" && outKind === "image") {
    throw new UsageError(
      `${o.output}: a video or frame sequence needs a video or frame-sequence output, not a single image`,
    );
  }
  // Inspect the input fully before touching the output.
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const { info, source } = await openInput(o, inKind, tools, cleanups);
    let engine: SrEngine;
    if (o.engine) {
      if (o.scale !== undefined && o.engine.config.scale !== o.scale) {
        throw new UsageError(`the engine upscales x${o.engine.config.scale}, not x${o.scale}`);
      }
      engine = o.engine;
    } else {
      const weights = await resolveWeights(o);
      const created = await createEngine(weights, {
        backend: o.backend ?? "auto",
        threads: o.threads,
      });
      cleanups.push(() => Promise.resolve(created.dispose()));
      engine = created;
    }
    const upscaler = new TiledUpscaler(engine, { tile: o.tile });
    const target = await prepareOutput(o.output, {
      kind: outKind,
      overwrite: o.overwrite ?? false,
      inputs: [o.input],
    });
    try {
      let frames = 1, width: number, height: number, partial: string | undefined;
      if (!source) {
        ({ width, height } = await upscaleStill({
          tools,
          upscaler,
          input: o.input,
          info,
          outputFile: target.temp,
          outputName: o.output,
          signal: o.signal,
        }));
      } else {
        const r = await upscaleVideo({
          tools,
          caps: await capabilities(tools),
          upscaler,
          batch: o.batch ?? 4,
          source,
          target,
          video: {
            codec: o.codec ?? "libx264",
            crf: o.crf ?? defaultCrf(o.codec ?? "libx264", o.encoderArgs ?? []),
            preset: o.preset,
            pixFmt: o.pixFmt,
            extra: o.encoderArgs,
          },
          keepPartial: o.keepPartial ?? false,
          signal: o.signal,
          onProgress: o.onProgress,
        });
        ({ frames, width, height, partial } = r);
      }
      if (o.signal?.aborted) throw new CancelledError("interrupted");
      await target.commit();
      const seconds = (performance.now() - started) / 1000;
      return {
        input: o.input,
        output: o.output,
        kind: outKind,
        frames,
        seconds,
        fps: frames / seconds,
        width,
        height,
        backend: engine.info.backend,
        partial,
      };
    } catch (e) {
      await target.discard();
      if (o.signal?.aborted && !(e instanceof CancelledError)) {
        throw new CancelledError("interrupted");
      }
      throw e;
    }
  } finally {
    for (const c of cleanups) await c();
  }
}
