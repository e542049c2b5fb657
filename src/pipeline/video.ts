/**
 * Videos and frame sequences: ffmpeg decodes to raw 4:2:0 frames (8 or 10 bit) in NUT, the
 * frame stage upscales them in batches, and a second ffmpeg encodes them, keeping the
 * source's audio, subtitles, chapters, metadata, timestamps, colour tags and rotation.
 * Three stages run at once, joined by streams with backpressure, so memory stays flat.
 */
import { CancelledError, InputError, ToolError } from "../errors.ts";
import { COMMON_ARGS, decodeArgs, encodeArgs, type VideoEncoding } from "../ffmpeg/args.ts";
import type { FfmpegCapabilities } from "../ffmpeg/capabilities.ts";
import { localName } from "../ffmpeg/input_name.ts";
import type { ColorTags, MediaInfo } from "../ffmpeg/probe.ts";
import { stderrTail } from "../ffmpeg/process.ts";
import type { FfmpegTools } from "../ffmpeg/resolve.ts";
import { applyRotation, ROTATABLE_MUXERS } from "../ffmpeg/rotate.ts";
import { startDecoder, startEncoder } from "../ffmpeg/stream.ts";
import { frameLayout, workingFormat } from "../frame/format.ts";
import { chromaSiting } from "../frame/resample.ts";
import type { TiledUpscaler } from "../model/tiled.ts";
import { frameStage } from "./frames.ts";
import { extensionOf, VIDEO_MUXERS } from "./kinds.ts";
import type { OutputTarget } from "./output.ts";
import { ProgressMeter, type UpscaleProgress } from "./progress.ts";

/** Where frames come from. */
export interface FrameSource {
  /** A path or pattern, for messages. */
  path: string;
  kind: "video" | "sequence-pattern" | "sequence-dir";
  /** Probe of the video, or of the first image of a sequence. */
  info: MediaInfo;
  /** ffmpeg input name and the options before `-i`. */
  input: string;
  inputOptions: string[];
  /** Frames the input should yield, when known (to detect truncation). */
  expectedFrames?: number;
  /** Frame rate of a sequence input (videos carry their own). */
  frameRate?: { num: number; den: number };
  /** Chroma location of the source (ffprobe's chroma_location). */
  chromaLocation?: string;
}

export interface VideoJob {
  tools: FfmpegTools;
  caps: FfmpegCapabilities;
  upscaler: TiledUpscaler;
  /** Frames per engine call. */
  batch: number;
  source: FrameSource;
  target: OutputTarget;
  video: Omit<VideoEncoding, "pixFmt"> & { pixFmt?: string };
  keepPartial: boolean;
  signal?: AbortSignal;
  onProgress?: (p: UpscaleProgress) => void;
}

export interface VideoResult {
  frames: number;
  width: number;
  height: number;
  /** Set when the input ended early and --keep-partial kept what was made. */
  partial?: string;
}

/** RGB sources (image sequences) are converted with BT.709 and tagged so. */
const RGB_TAGS: ColorTags = { space: "bt709", primaries: "bt709", transfer: "bt709", range: "tv" };

function isRgbSource(pixFmt: string): boolean {
  return /^(rgb|bgr|gbr|argb|abgr|pal8|gray|ya|monow|monob)/.test(pixFmt);
}

/** swscale's name for a colour matrix tag, for RGB conversions. */
function swsMatrix(space: string | undefined): string {
  switch (space) {
    case "bt709":
      return "bt709";
    case "fcc":
      return "fcc";
    case "smpte240m":
      return "smpte240m";
    case "bt2020nc":
    case "bt2020c":
      return "bt2020";
    default:
      return "bt601";
  }
}

export async function upscaleVideo(job: VideoJob): Promise<VideoResult> {
  const v = job.source.info.video!;
  const format = workingFormat(v.pixFmt);
  const rgbSource = isRgbSource(v.pixFmt);
  const color = rgbSource ? RGB_TAGS : v.color;
  const scale = job.upscaler.engine.config.scale;
  const width = v.width, height = v.height;
  const inLayout = frameLayout(format, width, height);
  const decoderArgs = decodeArgs({
    input: job.source.input,
    inputOptions: [
      ...job.source.inputOptions,
      ...(rgbSource ? [] : []),
    ],
    pixFmt: format.name,
    noAutorotate: job.source.kind === "video",
    caps: job.caps,
  });
  if (rgbSource) {
    // Explicit BT.709 limited range for RGB → YUV, matching the tags written on the output.
    decoderArgs.splice(
      decoderArgs.indexOf("-c:v"),
      0,
      "-vf",
      "scale=out_color_matrix=bt709:out_range=tv",
    );
  }
  const decoder = startDecoder(job.tools.ffmpeg, decoderArgs, inLayout.frameBytes);
  const onAbort = () => decoder.kill();
  job.signal?.addEventListener("abort", onAbort);
  try {
    let info;
    try {
      info = await decoder.info;
    } catch (e) {
      throw new InputError(
        job.source.path,
        `cannot decode video (${(e as Error).message}); 0 frames were upscaled, no output written`,
      );
    }
    if (info.width !== width || info.height !== height) {
      throw new InputError(
        job.source.path,
        `decoded frames are ${info.width}x${info.height}, the file says ${width}x${height}`,
      );
    }
    const outW = width * scale, outH = height * scale;
    // Sequences are constant-rate by construction; a video is when its nominal and average
    // rates agree.
    const rate = job.source.kind === "video" ? v.frameRate : job.source.frameRate!;
    const avg = v.avgFrameRate;
    const constantRate = job.source.kind !== "video" ||
      (rate.num > 0 && avg.num > 0 && rate.num * avg.den === avg.num * rate.den);
    const target = job.target;
    let args: string[];
    if (target.kind === "video") {
      const muxer = VIDEO_MUXERS[extensionOf(target.path)];
      args = encodeArgs({
        output: localName(target.temp),
        muxer,
        video: { ...job.video, pixFmt: job.video.pixFmt ?? format.name },
        source: job.source.kind === "video"
          ? { name: localName(job.source.path), info: job.source.info }
          : undefined,
        color,
        variableFrameRate: !constantRate,
        caps: job.caps,
      });
    } else {
      const jpeg = /\.jpe?g$/i.test(target.pattern!);
      const matrix = swsMatrix(color.space);
      const range = color.range === "pc" ? "full" : "tv";
      args = [
        ...COMMON_ARGS,
        "-y",
        "-f",
        "nut",
        "-i",
        "pipe:0",
        "-vf",
        `scale=in_color_matrix=${matrix}:in_range=${range}`,
        ...(jpeg
          ? ["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj444p"]
          : ["-c:v", "png", "-pix_fmt", format.bitDepth > 8 ? "rgb48be" : "rgb24"]),
        ...(job.caps.fpsMode ? ["-fps_mode", "passthrough"] : ["-vsync", "passthrough"]),
        "-start_number",
        "1",
        "-f",
        "image2",
        localName(`${target.temp}/${target.pattern}`),
      ];
    }
    const encoder = startEncoder(job.tools.ffmpeg, args, {
      pixFmt: format.name,
      width: outW,
      height: outH,
      timeBase: info.timeBase,
      frameRate: constantRate ? rate : undefined,
      sampleAspect: info.sampleAspect,
    }, target.path);
    const onAbortEncoder = () => encoder.kill();
    job.signal?.addEventListener("abort", onAbortEncoder);
    const meter = new ProgressMeter(job.source.expectedFrames, job.onProgress);
    // A decoder failure mid-stream ends the input early instead of erroring the whole pipe,
    // so that --keep-partial can still finish a playable file; it is reported below.
    let decodeError: unknown = null;
    /** Set once the decoder's frames have run out (or failed), as opposed to being cancelled. */
    let inputEnded = false;
    const guarded = decoder.frames.pipeThrough(
      new TransformStream({ transform: (f, c) => c.enqueue(f) }),
    );
    const reader = guarded.getReader();
    const source = new ReadableStream({
      async pull(controller) {
        try {
          const { value, done } = await reader.read();
          if (done) {
            inputEnded = true;
            controller.close();
          } else controller.enqueue(value);
        } catch (e) {
          decodeError = e;
          inputEnded = true;
          controller.close();
        }
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 1 });
    try {
      await source
        .pipeThrough(frameStage({
          upscaler: job.upscaler,
          format,
          width,
          height,
          batch: job.batch,
          siting: chromaSiting(job.source.chromaLocation),
        }))
        .pipeThrough(meter.counter())
        .pipeTo(encoder.frames, { signal: job.signal });
      await encoder.done;
      const rotation = job.source.kind === "video" ? v.rotation : 0;
      const muxer = VIDEO_MUXERS[extensionOf(target.path)];
      if (target.kind === "video" && rotation !== 0 && ROTATABLE_MUXERS.has(muxer)) {
        await applyRotation(job.tools, job.caps, target.temp, muxer, rotation, job.signal);
      }
    } catch (e) {
      encoder.kill();
      if (job.signal?.aborted) {
        decoder.kill();
        throw new CancelledError("interrupted");
      }
      if (inputEnded && meter.frames === 0) {
        // The input gave no frame at all (corrupt from the start, say), so the encoder failed
        // on an empty stream: the input's problem is the one to report.
        const why = decodeError
          ? (decodeError as Error).message
          : stderrTail((await decoder.exit).stderr, 1);
        throw new InputError(
          job.source.path,
          why
            ? `corrupt or truncated: ${why}; 0 frames were upscaled, no output written`
            : "contains no video frames",
        );
      }
      decoder.kill();
      // An encoder that died explains itself better than the broken pipe.
      await encoder.done.catch((err) => {
        throw err;
      });
      throw e;
    } finally {
      job.signal?.removeEventListener("abort", onAbortEncoder);
    }
    const exit = await decoder.exit;
    const written = meter.frames;
    const expected = job.source.expectedFrames;
    // Containers may count a frame or two that decoding drops by design (an MP4 edit list
    // cutting B-frame delay), so only a larger shortfall means the input was cut short.
    const short = expected !== undefined && written < expected - 2;
    const problem = decodeError
      ? (decodeError as Error).message
      : exit.code !== 0 || exit.stderr.trim() !== "" || short
      ? [
        short ? `input ends after ${written} of ${expected} frames` : "",
        stderrTail(exit.stderr, 1) || (exit.code !== 0 ? `ffmpeg exit status ${exit.code}` : ""),
      ].filter((x) => x).join(": ")
      : null;
    if (problem) {
      if (!job.keepPartial || written === 0) {
        throw new InputError(
          job.source.path,
          `corrupt or truncated: ${problem}; ${written} frames were upscaled, no output written` +
            (written > 0 ? " (use --keep-partial to keep them)" : ""),
        );
      }
      return { frames: written, width: outW, height: outH, partial: problem };
    }
    if (written === 0) throw new InputError(job.source.path, "contains no video frames");
    job.onProgress?.(meter.snapshot());
    return { frames: written, width: outW, height: outH };
  } finally {
    job.signal?.removeEventListener("abort", onAbort);
    decoder.kill();
  }
}

export { ToolError };
