/**
 * Videos and frame sequences: ffmpeg decodes to raw planar frames (the source's chroma family,
 * 8 or 10 bit, with alpha when it is kept; see frame/format.ts) in NUT, the
 * frame stage upscales them in batches, and a second ffmpeg encodes them, keeping the
 * source's audio, subtitles, chapters, metadata, timestamps, colour tags and rotation.
 * Three stages run at once, joined by streams with backpressure, so memory stays flat.
 */
import { CancelledError, InputError, ToolError } from "../core/errors.ts";
import { chaptersMoved, decodeArgs, encodeArgs, imageSequenceArgs } from "../media/ffmpeg/args.ts";
import type { EncoderSettings } from "../media/ffmpeg/encoder_settings.ts";
import type { FfmpegCapabilities } from "../media/ffmpeg/capabilities.ts";
import type { ColorTags, MediaInfo, VideoInfo } from "../media/ffmpeg/probe.ts";
import { stderrTail } from "../media/ffmpeg/process.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { serveBytes, type ServedInput } from "../media/ffmpeg/live.ts";
import { type ChaptersInput, chaptersInput } from "../media/ffmpeg/chapters.ts";
import { STANDARD_STREAM } from "../media/ffmpeg/input_name.ts";
import { copiedOpusDelay, videoStart } from "../media/ffmpeg/start.ts";
import type { FieldParity } from "../media/ffmpeg/interlace.ts";
import { applyRotation, keepsDisplayMatrix, type PixelTurn } from "../media/ffmpeg/rotate.ts";
import type { StreamPlan } from "../media/ffmpeg/stream_plan.ts";
import {
  type EncoderStream,
  type RawFrame,
  startDecoder,
  startEncoder,
} from "../media/ffmpeg/stream.ts";
import { trialEncode } from "../media/ffmpeg/trial.ts";
import { frameLayout, type PixelFormat, workingFormat } from "../media/frame/format.ts";
import { chromaSiting } from "../media/frame/resample.ts";
import type { TiledUpscaler } from "../net/tiling/tiled.ts";
import type { Rational } from "../core/rational.ts";
import { frameStage } from "./frames.ts";
import { outputMuxer } from "./kinds.ts";
import type { OutputTarget } from "./output.ts";
import type { StreamedSource } from "./streamed.ts";
import { ProgressMeter, type UpscaleProgress } from "./progress.ts";
import { type FrameWindow, WindowMissedError, windowStage } from "./window.ts";

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
  frameRate?: Rational;
  /** Chroma location of the source (ffprobe's chroma_location). */
  chromaLocation?: string;
  /** A streamed input (standard input, a URL), read once; `input` is then `pipe:0`. */
  streamed?: StreamedSource;
}

export interface VideoJob {
  tools: FfmpegTools;
  caps: FfmpegCapabilities;
  upscaler: TiledUpscaler;
  /** Frames per engine call. */
  batch: number;
  source: FrameSource;
  target: OutputTarget;
  /** For video outputs: the encoder and the source streams to keep (see stream_plan.ts). */
  plan?: StreamPlan;
  /** For video outputs: the ffmpeg muxer that writes it (default: see outputMuxer). */
  muxer?: string;
  video: EncoderSettings;
  keepPartial: boolean;
  signal?: AbortSignal;
  onProgress?: (p: UpscaleProgress) => void;
  /**
   * Upscale only these frames of a video source, decoding from `seek` (seconds, see
   * decodeArgs), and write the video alone (no other streams, no rotation) for a segmented
   * run's join to assemble. Exactly `frames` frames must come out.
   */
  segment?: FrameWindow & { seek?: string; frames: number };
  /** Deinterlace before the network (see ffmpeg/interlace.ts): the parity, and per field. */
  deinterlace?: { parity: FieldParity; perField: boolean };
  /**
   * Turn the pictures clockwise by this much, for a container that cannot store the source's
   * display rotation (see ffmpeg/rotate.ts pixelTurn).
   */
  turn?: PixelTurn;
  /**
   * Keep the source's alpha (see treatment.ts): the frames get an alpha plane, read with
   * `decoder` when set.
   */
  alpha?: { decoder?: string };
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

/** Whether a source's frames are RGB (or grey), converted to Y′CbCr on decoding. */
export function isRgbSource(pixFmt: string): boolean {
  return /^(rgb|bgr|gbr|argb|abgr|pal8|gray|ya|monow|monob)/.test(pixFmt);
}

/** Whether a Y′CbCr source's samples use the full range: a `yuvj…` format or a `pc` tag. */
export function isFullRange(v: Pick<VideoInfo, "pixFmt" | "color">): boolean {
  return !isRgbSource(v.pixFmt) && (v.color.range === "pc" || /^yuvj/.test(v.pixFmt));
}

/**
 * The colour tags written on the output of a source: its own (full range said outright when
 * only a `yuvj…` format implied it, since the output's format is not one), or BT.709 for RGB
 * sources.
 */
export function outputColor(v: Pick<VideoInfo, "pixFmt" | "color">): ColorTags {
  if (isRgbSource(v.pixFmt)) return RGB_TAGS;
  return isFullRange(v) ? { ...v.color, range: "pc" } : v.color;
}

/** Whether two rationals are equal and non-zero. */
function sameRate(a: Rational, b: Rational): boolean {
  return a.num > 0 && b.num > 0 && a.num * b.den === b.num * a.den;
}

/** A video is encoded as constant-rate when its nominal and average frame rates agree. */
export function isConstantRate(v: Pick<VideoInfo, "frameRate" | "avgFrameRate">): boolean {
  return sameRate(v.frameRate, v.avgFrameRate);
}

/**
 * What is wrong with how the input ended, if anything: a decoder error, a failed or noisy
 * ffmpeg, or fewer frames than the container promised. Containers may count a frame or two
 * that decoding drops by design (an MP4 edit list cutting B-frame delay), so only a larger
 * shortfall means the input was cut short.
 */
export function inputProblem(o: {
  decodeError: unknown;
  exitCode: number;
  stderr: string;
  written: number;
  expected?: number;
}): string | null {
  if (o.decodeError) return (o.decodeError as Error).message;
  const short = o.expected !== undefined && o.written < o.expected - 2;
  if (o.exitCode === 0 && o.stderr.trim() === "" && !short) return null;
  return [
    short ? `input ends after ${o.written} of ${o.expected} frames` : "",
    stderrTail(o.stderr, 1) || (o.exitCode !== 0 ? `ffmpeg exit status ${o.exitCode}` : ""),
  ].filter((x) => x).join(": ");
}

/**
 * Wraps the decoder's frames so that a decoding failure ends the stream instead of erroring
 * the whole pipe: --keep-partial can then still finish a playable file, and the failure is
 * reported afterwards from `state`.
 */
function endOnError(frames: ReadableStream<RawFrame>) {
  const state = { error: null as unknown, ended: false };
  const reader = frames.getReader();
  const stream = new ReadableStream<RawFrame>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (!done) return controller.enqueue(value);
      } catch (e) {
        state.error = e;
      }
      state.ended = true;
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 1 });
  return { stream, state };
}

/**
 * The first frame of `frames` (null when there is none), and a stream that yields it again
 * followed by the rest. `frames` must not error (see endOnError).
 */
async function peekFirst(
  frames: ReadableStream<RawFrame>,
): Promise<{ first: RawFrame | null; stream: ReadableStream<RawFrame> }> {
  const reader = frames.getReader();
  const r = await reader.read();
  const first = r.done ? null : r.value;
  let pending = first;
  const stream = new ReadableStream<RawFrame>({
    async pull(controller) {
      if (pending) {
        controller.enqueue(pending);
        pending = null;
        return;
      }
      const { value, done } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 1 });
  return { first, stream };
}

function encoderArgs(
  job: VideoJob,
  format: PixelFormat,
  color: ColorTags,
  constantRate: boolean,
  videoStart: number,
  served?: ServedInput,
  chapters?: ChaptersInput,
  trial = false,
): string[] {
  const target = job.target;
  if (target.kind !== "video") {
    return imageSequenceArgs({
      output: `${target.temp}/${target.pattern}`,
      jpeg: /\.jpe?g$/i.test(target.pattern!),
      deep: format.bitDepth > 8,
      alpha: format.alpha,
      color,
      caps: job.caps,
    });
  }
  const src = job.source;
  return encodeArgs({
    output: target.temp,
    muxer: job.muxer ?? outputMuxer(target.path),
    video: job.video,
    frames: format,
    // A segment is written alone; the join takes the source's streams (see jobs/join.ts).
    source: src.kind === "video" && !job.segment
      ? { path: src.path, info: src.info, streams: job.plan?.kept ?? [], served, chapters }
      : undefined,
    videoStart,
    color,
    variableFrameRate: !constantRate,
    trial,
    caps: job.caps,
  });
}

/** Whether an encoder failed because the pipe it wrote (standard output) was closed. */
async function closedByReader(done: Promise<void>): Promise<boolean> {
  return await done.then(() => false, (e) => /Broken pipe/i.test((e as Error).message));
}

export async function upscaleVideo(job: VideoJob): Promise<VideoResult> {
  const src = job.source;
  const v = src.info.video!;
  const format = workingFormat(v.pixFmt, job.alpha !== undefined);
  const rgbSource = isRgbSource(v.pixFmt);
  const fullRange = isFullRange(v);
  const color = outputColor(v);
  const scale = job.upscaler.engine.config.scale;
  const turn = src.kind === "video" ? job.turn ?? 0 : 0;
  // A quarter turn swaps the picture's sides.
  const [width, height] = turn % 180 === 90 ? [v.height, v.width] : [v.width, v.height];
  const outW = width * scale, outH = height * scale;
  // A streamed input is read once, for the decoder and the encoder together (see streamed.ts).
  const branches = src.streamed?.split();
  const served = branches && job.target.kind === "video"
    ? await serveBytes(branches.encoder)
    : undefined;
  if (branches && !served) await branches.encoder.cancel();
  let decoder: ReturnType<typeof startDecoder>;
  try {
    decoder = startDecoder(
      job.tools.ffmpeg,
      decodeArgs({
        input: src.input,
        inputOptions: src.inputOptions,
        decoder: job.alpha?.decoder,
        pixFmt: format.name,
        noAutorotate: src.kind === "video",
        rgbMatrix: rgbSource ? "bt709" : undefined,
        fullRange,
        segment: job.segment ? { seek: job.segment.seek } : undefined,
        // The first frame's stored timestamp places the video (see ffmpeg/start.ts).
        sourceTimes: src.kind === "video",
        // A segment that starts after a change of picture size is scaled to the first size,
        // as a one-piece run's decoder scales it.
        size: src.kind === "video" ? { width: v.width, height: v.height } : undefined,
        deinterlace: job.deinterlace,
        turn,
        caps: job.caps,
      }),
      frameLayout(format, width, height).frameBytes,
      branches?.decoder,
    );
  } catch (e) {
    // Nothing else will close it: the try below has not begun.
    await served?.close();
    throw e;
  }
  // A stream's chapters, when its video is moved (see encodeArgs): made once the start is known.
  let chapters: ChaptersInput | undefined;
  const onAbort = () => decoder.kill();
  job.signal?.addEventListener("abort", onAbort);
  try {
    const info = await decoder.info.catch((e) => {
      throw new InputError(
        src.path,
        `cannot decode video (${(e as Error).message}); 0 frames were upscaled, no output written`,
      );
    });
    if (info.width !== width || info.height !== height) {
      throw new InputError(
        src.path,
        `decoded frames are ${info.width}x${info.height}, the file says ${width}x${height}`,
      );
    }
    // Sequences are constant-rate by construction; a video is when its nominal and average
    // rates agree.
    const sourceRate = src.kind === "video" ? v.frameRate : src.frameRate!;
    // One picture per field: twice as many.
    const rate = job.deinterlace?.perField
      ? { num: sourceRate.num * 2, den: sourceRate.den }
      : sourceRate;
    const constantRate = src.kind !== "video" || isConstantRate(v);
    const input = endOnError(decoder.frames);
    const window = job.segment ? windowStage<RawFrame>(job.segment, info.timeBase) : null;
    // A segment counts from its own first frame and was tried at planning time (see
    // jobs/encoding_check.ts): it needs neither the start nor a trial of its own.
    const { first, stream: frames } = window
      ? { first: null, stream: input.stream.pipeThrough(window.stream) }
      : await peekFirst(input.stream);
    // Where the video starts in the output, which the encoder would otherwise move to 0.
    const start = first && src.kind === "video" && job.target.kind === "video"
      ? videoStart(
        first.pts * info.timeBase.num / info.timeBase.den,
        src.info,
        await copiedOpusDelay(
          job.tools,
          src.info,
          job.plan?.kept ?? [],
          job.signal,
          src.streamed?.start,
        ),
      )
      : 0;
    if (served && chaptersMoved(src.info.chapters, start)) {
      chapters = await chaptersInput(src.info.chapters, src.info.start ?? 0);
    }
    const encoderStream: EncoderStream = {
      pixFmt: format.name,
      width: outW,
      height: outH,
      timeBase: info.timeBase,
      frameRate: constantRate ? rate : undefined,
      sampleAspect: info.sampleAspect,
    };
    if (first && job.target.kind === "video") {
      // A streamed source gives the trial its kept start: enough for ffmpeg to see its streams.
      const kept = src.streamed?.start;
      const trialServed = kept ? await serveBytes(ReadableStream.from([kept])) : undefined;
      try {
        const problem = await trialEncode(
          job.tools.ffmpeg,
          encoderArgs(job, format, color, constantRate, start, trialServed, chapters, true),
          encoderStream,
          { bytes: frameLayout(format, outW, outH).frameBytes, pts: first.pts },
          job.signal,
        );
        if (problem) throw new ToolError(`${job.target.path}: ffmpeg failed (${problem})`);
      } finally {
        await trialServed?.close();
      }
    }
    const encoder = startEncoder(
      job.tools.ffmpeg,
      encoderArgs(job, format, color, constantRate, start, served, chapters),
      encoderStream,
      job.target.path,
      job.target.path === STANDARD_STREAM,
    );
    const onAbortEncoder = () => encoder.kill();
    job.signal?.addEventListener("abort", onAbortEncoder);
    const meter = new ProgressMeter(src.expectedFrames, job.onProgress);
    try {
      await frames
        .pipeThrough(frameStage({
          upscaler: job.upscaler,
          format,
          width,
          height,
          batch: job.batch,
          siting: chromaSiting(src.chromaLocation),
          fullRange,
        }))
        .pipeThrough(meter.counter())
        .pipeTo(encoder.frames, { signal: job.signal });
      await encoder.done;
      const muxer = job.muxer ?? outputMuxer(job.target.path);
      // Rotation is set by rewriting the finished file; a segment's is set by its join.
      if (
        job.target.kind === "video" && src.kind === "video" && v.rotation !== 0 &&
        keepsDisplayMatrix(muxer, job.target.path) && !job.segment
      ) {
        await applyRotation(job.tools, job.caps, job.target.temp, muxer, v.rotation, job.signal);
      }
    } catch (e) {
      encoder.kill();
      if (job.signal?.aborted) throw new CancelledError("interrupted");
      if (e instanceof WindowMissedError) throw e;
      if (job.target.path === STANDARD_STREAM && await closedByReader(encoder.done)) {
        // The reader of standard output has what it wanted (`| ffprobe -`, `| head -c`): the
        // work stops there, as a filter stops when the pipe it writes closes.
        return { frames: meter.frames, width: outW, height: outH };
      }
      if (input.state.ended && meter.frames === 0) {
        // The input gave no frame at all (corrupt from the start, say), so the encoder failed
        // on an empty stream: the input's problem is the one to report.
        const why = input.state.error
          ? (input.state.error as Error).message
          : stderrTail((await decoder.exit).stderr, 1);
        throw new InputError(
          src.path,
          why
            ? `corrupt or truncated: ${why}; 0 frames were upscaled, no output written`
            : "contains no video frames",
        );
      }
      // An encoder that died explains itself better than the broken pipe.
      await encoder.done;
      throw e;
    } finally {
      job.signal?.removeEventListener("abort", onAbortEncoder);
    }
    const written = meter.frames;
    if (job.segment) {
      // A window that reached its end stopped the decoder on purpose: its exit says nothing.
      const exit = window!.state.reachedEnd ? { code: 0, stderr: "" } : await decoder.exit;
      const problem = inputProblem({
        decodeError: input.state.error,
        exitCode: exit.code,
        stderr: exit.stderr,
        written,
        expected: job.segment.frames,
      });
      if (problem || written !== job.segment.frames) {
        throw new InputError(
          src.path,
          `segment decoded ${written} of its ${job.segment.frames} frames` +
            (problem ? ` (${problem})` : ""),
        );
      }
      return { frames: written, width: outW, height: outH };
    }
    const exit = await decoder.exit;
    // A stream that was stopped ends where it was cut, maybe mid-packet: that is no fault.
    const problem = src.streamed?.stopped() && written > 0 ? null : inputProblem({
      decodeError: input.state.error,
      exitCode: exit.code,
      stderr: exit.stderr,
      written,
      expected: src.expectedFrames,
    });
    if (problem) {
      if (!job.keepPartial || written === 0) {
        throw new InputError(
          src.path,
          `corrupt or truncated: ${problem}; ${written} frames were upscaled, no output written`,
          { keepableFrames: written },
        );
      }
      return { frames: written, width: outW, height: outH, partial: problem };
    }
    if (written === 0) throw new InputError(src.path, "contains no video frames");
    job.onProgress?.(meter.snapshot());
    return { frames: written, width: outW, height: outH };
  } finally {
    job.signal?.removeEventListener("abort", onAbort);
    decoder.kill();
    await served?.close();
    await chapters?.close();
  }
}
