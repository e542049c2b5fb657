/**
 * A few luma planes from the start of an input, decoded as the pipeline decodes it (same pixel
 * format, same RGB matrix), for measuring how its low-resolution pictures were made before the
 * weights are chosen. A video gives its first keyframes, a second apart: the pictures its
 * codec made on their own (the suite's degradations are such pictures), and cheap to get, for
 * the frames between them are not decoded. ffmpeg stops after the last one, or after the
 * first minute of the input, so a long video costs a moment, not a pass over it; the planes
 * reach this process one at a time.
 */
import { CancelledError } from "../core/errors.ts";
import { decodeArgs } from "../media/ffmpeg/args.ts";
import type { FfmpegCapabilities } from "../media/ffmpeg/capabilities.ts";
import { type FfmpegInput, fileInput } from "../media/ffmpeg/input_name.ts";
import type { MediaInfo } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { startDecoder } from "../media/ffmpeg/stream.ts";
import { frameLayout, workingFormat } from "../media/frame/format.ts";
import {
  addMeasures,
  type LrStatistics,
  type LumaMeasures,
  measureLuma,
  statisticsOf,
} from "../net/weights/lr_statistics.ts";
import type { Plane, Samples } from "../media/frame/pixels.ts";
import { splitFrame } from "../media/frame/planes.ts";
import type { Rational } from "../core/rational.ts";
import { type FrameSource, isFullRange, isRgbSource } from "./video.ts";

/** Pictures measured at most. */
export const SAMPLE_FRAMES = 6;

/** How far into the input the pictures are looked for (seconds). */
export const SAMPLE_WITHIN_SECONDS = 60;

/** What {@link sampleLuma} reads. */
export interface SampleSource extends FfmpegInput {
  /** The probe of the input (a video, a sequence's first image, or a still). */
  info: MediaInfo;
  /** Frames the input holds, when known (frame sequences). */
  expectedFrames?: number;
  /** Frame rate of a frame sequence (a video's is in `info`). */
  frameRate?: Rational;
  /**
   * Whether the input is a video file: its keyframes are measured, and its rotation is left
   * alone, as the pipeline does.
   */
  video: boolean;
  /**
   * The input's bytes when `input` is `pipe:0`: a streamed input's kept start, which holds
   * its first keyframes (a stream is read once, and never sought in).
   */
  stdin?: Uint8Array;
}

/**
 * Seconds between the pictures measured: one a second (so that a fade or a title does not
 * fill them all), closer when the input is shorter than `count` seconds.
 */
export function sampleApart(seconds: number | undefined, count: number): number {
  return seconds !== undefined && seconds > 0 ? Math.min(1, seconds / count) : 1;
}

/** The input's length in seconds, when known. */
function lengthOf(source: SampleSource): number | undefined {
  const rate = source.frameRate;
  if (source.expectedFrames !== undefined && rate && rate.num > 0 && rate.den > 0) {
    return (source.expectedFrames * rate.den) / rate.num;
  }
  return source.info.video?.duration ?? source.info.duration;
}

/**
 * Yields up to `count` luma planes (integer codes, with the code maximum) from the start of the
 * input: a video's keyframes, a frame sequence's frames, `sampleApart` seconds apart, from its
 * first {@link SAMPLE_WITHIN_SECONDS}. A decoding failure ends the planes early: the run that
 * follows reports the input's problems.
 */
export async function* sampleLuma(
  tools: FfmpegTools,
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase">,
  source: SampleSource,
  o: { count?: number; signal?: AbortSignal } = {},
): AsyncGenerator<{ plane: Plane<Samples>; maxValue: number }> {
  const v = source.info.video;
  if (!v) return;
  const count = o.count ?? SAMPLE_FRAMES;
  const format = workingFormat(v.pixFmt);
  const layout = frameLayout(format, v.width, v.height);
  const decoder = startDecoder(
    tools.ffmpeg,
    decodeArgs({
      input: source.input,
      inputOptions: source.inputOptions,
      pixFmt: format.name,
      noAutorotate: source.video,
      rgbMatrix: isRgbSource(v.pixFmt) ? "bt709" : undefined,
      fullRange: isFullRange(v),
      sample: {
        keyframes: source.video,
        apartSeconds: sampleApart(lengthOf(source), count),
        withinSeconds: SAMPLE_WITHIN_SECONDS,
      },
      frames: count,
      caps,
    }),
    layout.frameBytes,
    source.stdin,
  );
  const onAbort = () => decoder.kill();
  o.signal?.addEventListener("abort", onAbort);
  const reader = decoder.frames.getReader();
  try {
    const info = await decoder.info.catch(() => null);
    if (!info || info.width !== v.width || info.height !== v.height) return;
    for (let n = 0; n < count; n++) {
      const next = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (next.done) return;
      const { y } = splitFrame(next.value.data, layout);
      yield { plane: { data: y, width: v.width, height: v.height }, maxValue: format.maxValue };
    }
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    reader.releaseLock();
    decoder.kill();
    await decoder.exit.catch(() => {});
  }
}

/** What {@link sampleLuma} reads of an input: its frame source, or the still image itself. */
export function sampleSourceOf(
  path: string,
  info: MediaInfo,
  source: FrameSource | null,
): SampleSource {
  if (!source) return { ...fileInput(path), info, video: false };
  return {
    input: source.input,
    inputOptions: source.inputOptions,
    info,
    expectedFrames: source.expectedFrames,
    frameRate: source.frameRate,
    video: source.kind === "video",
    stdin: source.streamed?.start,
  };
}

/**
 * The statistics of the first few pictures of an input (see lrStatistics), measured one
 * picture at a time; null when not one picture could be decoded.
 */
export async function measureInput(
  tools: FfmpegTools,
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase">,
  source: SampleSource,
  signal?: AbortSignal,
): Promise<LrStatistics | null> {
  let sums: LumaMeasures | null = null;
  for await (const { plane, maxValue } of sampleLuma(tools, caps, source, { signal })) {
    const m = measureLuma(plane, maxValue);
    sums = sums ? addMeasures(sums, m) : m;
  }
  if (signal?.aborted) throw new CancelledError("interrupted");
  return sums ? statisticsOf(sums) : null;
}
