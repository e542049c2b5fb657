/**
 * The degradations a user's low-resolution video really went through, made by real ffmpeg:
 * a downscale by one of swscale's scalers, then (optionally) a round trip through x264, and
 * ffmpeg's own upscalers as the baselines a user would otherwise reach for. Planes travel as
 * raw 8-bit pixels on stdin/stdout; nothing touches the disk.
 */
import { ToolError } from "../errors.ts";
import { COMMON_ARGS } from "./args.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** swscale's resampling kernels (`-vf scale=…:flags=NAME`) that the suite uses. */
export type SwsScaler = "bicubic" | "bilinear" | "area" | "neighbor" | "lanczos";

/** An 8-bit 4:2:0 frame: a full-size Y plane and half-size Cb, Cr planes. */
export interface Yuv420Frame {
  width: number;
  height: number;
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

/** How {@link degradeFrame} makes the LR frame. */
export interface DegradeOptions {
  /** Integer downscaling factor; the frame's sides must be multiples of 2 × scale. */
  scale: number;
  scaler: SwsScaler;
  /** x264 constant rate factor of the round trip; none: the scaled frame as it is. */
  crf?: number;
  signal?: AbortSignal;
}

function rawArgs(pixFmt: string, width: number, height: number): string[] {
  return ["-f", "rawvideo", "-pix_fmt", pixFmt, "-s", `${width}x${height}`];
}

async function ffmpeg(
  tools: FfmpegTools,
  what: string,
  args: string[],
  stdin: Uint8Array,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const r = await runTool(tools.ffmpeg, [...COMMON_ARGS, ...args], { stdin, signal });
  if (r.code !== 0) throw new ToolError(`ffmpeg could not ${what}: ${stderrTail(r.stderr)}`);
  return r.stdout;
}

/**
 * Downscales a 4:2:0 frame by `1/scale` with `scaler` (all three planes, as when a video is
 * scaled) and, with `crf`, encodes it as one x264 frame and decodes it again. Returns the LR
 * frame's Y plane.
 */
export async function degradeFrame(
  tools: FfmpegTools,
  frame: Yuv420Frame,
  o: DegradeOptions,
): Promise<Uint8Array> {
  const { width, height } = frame;
  const w = width / o.scale, h = height / o.scale;
  if (!Number.isInteger(w / 2) || !Number.isInteger(h / 2)) {
    throw new RangeError(`${width}x${height} is not a multiple of ${2 * o.scale} on both sides`);
  }
  const input = new Uint8Array(frame.y.length + frame.u.length + frame.v.length);
  input.set(frame.y);
  input.set(frame.u, frame.y.length);
  input.set(frame.v, frame.y.length + frame.u.length);
  const scale = ["-vf", `scale=${w}:${h}:flags=${o.scaler}`];
  let lr: Uint8Array;
  if (o.crf === undefined) {
    lr = await ffmpeg(
      tools,
      `scale with ${o.scaler}`,
      [
        ...rawArgs("yuv420p", width, height),
        "-i",
        "pipe:0",
        ...scale,
        ...rawArgs("yuv420p", w, h),
        "pipe:1",
      ],
      input,
      o.signal,
    );
  } else {
    const h264 = await ffmpeg(
      tools,
      "encode with libx264",
      [
        ...rawArgs("yuv420p", width, height),
        "-i",
        "pipe:0",
        ...scale,
        "-pix_fmt",
        "yuv420p",
        "-c:v",
        "libx264",
        "-crf",
        String(o.crf),
        "-f",
        "h264",
        "pipe:1",
      ],
      input,
      o.signal,
    );
    lr = await ffmpeg(
      tools,
      "decode the x264 frame",
      [
        "-f",
        "h264",
        "-i",
        "pipe:0",
        "-frames:v",
        "1",
        ...rawArgs("yuv420p", w, h),
        "pipe:1",
      ],
      h264,
      o.signal,
    );
  }
  if (lr.length !== (w * h * 3) / 2) {
    throw new ToolError(`ffmpeg returned ${lr.length} bytes for a ${w}x${h} frame`);
  }
  return lr.subarray(0, w * h);
}

/** Resizes an 8-bit greyscale plane with one of ffmpeg's scalers (the users' baselines). */
export async function resizeGray(
  tools: FfmpegTools,
  plane: { width: number; height: number; data: Uint8Array },
  width: number,
  height: number,
  scaler: SwsScaler,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const out = await ffmpeg(
    tools,
    `resize with ${scaler}`,
    [
      ...rawArgs("gray", plane.width, plane.height),
      "-i",
      "pipe:0",
      "-vf",
      `scale=${width}:${height}:flags=${scaler}`,
      ...rawArgs("gray", width, height),
      "pipe:1",
    ],
    plane.data,
    signal,
  );
  if (out.length !== width * height) {
    throw new ToolError(`ffmpeg returned ${out.length} bytes for a ${width}x${height} plane`);
  }
  return out;
}
