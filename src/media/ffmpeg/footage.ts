/**
 * The ffmpeg side of the real-footage yardstick (src/eval/footage.ts): a clip's clean ground
 * truth, its low-resolution versions coded as real video is, ffmpeg's own upscalers as the
 * baselines, and the luma of any of these read back frame by frame.
 *
 * Every file is made from the one before it by a single ffmpeg run with every frame passed
 * through once (no frame-rate conversion), so frame i of each is frame i of the others.
 */
import { ToolError } from "../../core/errors.ts";
import { rawFrameSize } from "../nut/format.ts";
import { COMMON_ARGS, decodeArgs, passthrough } from "./args.ts";
import type { FfmpegCapabilities } from "./capabilities.ts";
import type { SwsScaler } from "./degrade.ts";
import { localName } from "./input_name.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";
import { startDecoder } from "./stream.ts";

/** A lossy video codec that low-resolution footage goes through. */
export type FootageCodec = "x264" | "vp9";

/** How one low-resolution version of a clip is made. */
export interface FootageDegradation {
  /** The swscale kernel that shrinks the ground truth. */
  scaler: SwsScaler;
  /** The codec, with its own default GOP (intra frame first, then predicted frames). */
  codec: FootageCodec;
  /** Its constant rate factor. */
  crf: number;
}

type Caps = Pick<FfmpegCapabilities, "fpsMode">;

/** The start of every command here: quiet, the first video stream of `input`, through `filter`. */
function filteredVideo(input: string, filter: string): string[] {
  return [...COMMON_ARGS, "-i", localName(input), "-map", "0:v:0", "-vf", filter];
}

/** The lossless intermediate every file but the coded LR is stored in. */
const LOSSLESS = ["-c:v", "ffv1", "-pix_fmt", "yuv420p"];

/**
 * The ground truth's size for a clip of `width`x`height`: half of it (shrinking by an
 * antialiasing scaler removes most of the clip's own coding noise), cut down to a multiple of
 * `2 × scale` so that the low-resolution frames have whole 4:2:0 chroma.
 */
export function groundTruthSize(
  width: number,
  height: number,
  scale: number,
): { width: number; height: number } {
  const step = 2 * scale;
  return {
    width: Math.floor(width / 2 / step) * step,
    height: Math.floor(height / 2 / step) * step,
  };
}

/** ffmpeg arguments that write a clip's first `frames` frames, shrunk by `area`, losslessly. */
export function groundTruthArgs(
  o: { input: string; output: string; frames: number; width: number; height: number },
  caps: Caps,
): string[] {
  return [
    ...filteredVideo(o.input, `scale=${o.width}:${o.height}:flags=area`),
    "-frames:v",
    String(o.frames),
    ...LOSSLESS,
    ...passthrough(caps),
    "-y",
    localName(o.output),
  ];
}

/** The encoder arguments of a degradation's codec, as a user's video would be made. */
export function codecArgs(d: Pick<FootageDegradation, "codec" | "crf">): string[] {
  return d.codec === "x264"
    ? ["-c:v", "libx264", "-crf", String(d.crf), "-pix_fmt", "yuv420p"]
    // VP9's constant quality needs a zero bitrate; `good` at speed 4 is the usual
    // speed/quality trade of a real encode.
    : [
      "-c:v",
      "libvpx-vp9",
      "-crf",
      String(d.crf),
      "-b:v",
      "0",
      "-deadline",
      "good",
      "-cpu-used",
      "4",
      "-row-mt",
      "1",
      "-pix_fmt",
      "yuv420p",
    ];
}

/** The container a degradation's codec is stored in (its file extension). */
export function codecExtension(codec: FootageCodec): string {
  return codec === "x264" ? "mp4" : "webm";
}

/** ffmpeg arguments that shrink the ground truth `1/scale` and code it as a video. */
export function lowResolutionArgs(
  o: { input: string; output: string; width: number; height: number },
  d: FootageDegradation,
  caps: Caps,
): string[] {
  return [
    ...filteredVideo(o.input, `scale=${o.width}:${o.height}:flags=${d.scaler}`),
    ...codecArgs(d),
    ...passthrough(caps),
    "-an",
    "-y",
    localName(o.output),
  ];
}

/**
 * ffmpeg arguments that write every `every`-th frame of a clip, at most `count`, shrunk ×½ by
 * `area` as the yardstick's ground truth is, as PNG files `<prefix>01.png`, `<prefix>02.png`, …
 * (training pictures from footage).
 */
export function trainingFramesArgs(
  o: { input: string; prefix: string; every: number; count: number },
  caps: Caps,
): string[] {
  return [
    ...filteredVideo(
      o.input,
      `select=not(mod(n\\,${o.every})),scale=trunc(iw/4)*2:trunc(ih/4)*2:flags=area`,
    ),
    ...passthrough(caps),
    "-frames:v",
    String(o.count),
    "-y",
    localName(`${o.prefix}%02d.png`),
  ];
}

/** Writes training pictures from a clip (see {@link trainingFramesArgs}). */
export async function writeTrainingFrames(
  tools: FfmpegTools,
  caps: Caps,
  o: { input: string; prefix: string; every: number; count: number },
  signal?: AbortSignal,
): Promise<void> {
  await ffmpeg(tools, `take frames of ${o.input}`, trainingFramesArgs(o, caps), signal);
}

async function ffmpeg(tools: FfmpegTools, what: string, args: string[], signal?: AbortSignal) {
  const r = await runTool(tools.ffmpeg, args, { signal });
  if (r.code !== 0) throw new ToolError(`ffmpeg could not ${what}: ${stderrTail(r.stderr)}`);
}

/** Writes a clip's ground truth (see {@link groundTruthArgs}). */
export async function makeGroundTruth(
  tools: FfmpegTools,
  caps: Caps,
  o: { input: string; output: string; frames: number; width: number; height: number },
  signal?: AbortSignal,
): Promise<void> {
  await ffmpeg(tools, `shrink ${o.input}`, groundTruthArgs(o, caps), signal);
}

/** Writes a low-resolution version of the ground truth (see {@link lowResolutionArgs}). */
export async function makeLowResolution(
  tools: FfmpegTools,
  caps: Caps,
  o: { input: string; output: string; width: number; height: number },
  d: FootageDegradation,
  signal?: AbortSignal,
): Promise<void> {
  await ffmpeg(
    tools,
    `shrink with ${d.scaler} and code with ${d.codec}`,
    lowResolutionArgs(o, d, caps),
    signal,
  );
}

/**
 * The Y plane of every frame of a video, in order, decoded one at a time (memory stays at one
 * frame), optionally resized by one of ffmpeg's scalers on the way (the baselines).
 */
export async function* lumaFrames(
  tools: FfmpegTools,
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase">,
  path: string,
  size: { width: number; height: number },
  resize?: SwsScaler,
): AsyncGenerator<Uint8Array> {
  const args = decodeArgs({ input: localName(path), pixFmt: "yuv420p", caps });
  if (resize) {
    // The scaler goes where decodeArgs would put a filter of its own (it has none here).
    const at = args.indexOf("-c:v");
    args.splice(at, 0, "-vf", `scale=${size.width}:${size.height}:flags=${resize}`);
  }
  const decoder = startDecoder(
    tools.ffmpeg,
    args,
    rawFrameSize(size.width, size.height, "yuv420p"),
  );
  const reader = decoder.frames.getReader();
  try {
    const info = await decoder.info;
    if (info.width !== size.width || info.height !== size.height) {
      throw new ToolError(
        `${path} is ${info.width}x${info.height}, expected ${size.width}x${size.height}`,
      );
    }
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      yield next.value.data.subarray(0, size.width * size.height);
    }
    const { code, stderr } = await decoder.exit;
    if (code !== 0) throw new ToolError(`ffmpeg could not decode ${path}: ${stderrTail(stderr)}`);
  } finally {
    reader.releaseLock();
    decoder.kill();
  }
}
