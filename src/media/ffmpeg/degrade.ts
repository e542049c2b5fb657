/**
 * The degradations a user's low-resolution video really went through, made by real ffmpeg:
 * a downscale by one of swscale's scalers, then (optionally) a round trip through x264, and
 * ffmpeg's own upscalers as the baselines a user would otherwise reach for. Planes travel as
 * raw 8-bit pixels on stdin/stdout; nothing touches the disk.
 */
import { ToolError } from "../../core/errors.ts";
import { COMMON_ARGS } from "./args.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** swscale's resampling kernels (`-vf scale=…:flags=NAME`) that the suite uses. */
export type SwsScaler = "bicubic" | "bilinear" | "area" | "neighbor" | "lanczos";

/** An 8-bit 4:2:0 frame: a full-size Y plane and half-size Cb, Cr planes. */
export interface Yuv420Frame {
  /** Luma width in pixels. */
  width: number;
  /** Luma height in pixels. */
  height: number;
  /** Luma, `width`×`height` bytes, rows packed. */
  y: Uint8Array;
  /** Cb, ⌈width/2⌉×⌈height/2⌉ bytes. */
  u: Uint8Array;
  /** Cr, as Cb. */
  v: Uint8Array;
}

/** How {@link degradeFrame} makes the LR frames. */
export interface DegradeOptions {
  /** Integer downscaling factor; the frame's sides must be multiples of 2 × scale. */
  scale: number;
  /** One LR frame is made with each of these scalers. */
  scalers: readonly SwsScaler[];
  /** x264 constant rate factor of the round trip; none: the scaled frames as they are. */
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
 * Downscales a 4:2:0 frame by `1/scale` with each of `scalers` (all three planes, as when a
 * video is scaled) and, with `crf`, encodes the results with x264 and decodes them again.
 * Returns each LR frame's Y plane, in the order of `scalers`: what x264 makes of a picture
 * coded on its own (an intra frame). See {@link degradeClip} for the frames between.
 */
export async function degradeFrame(
  tools: FfmpegTools,
  frame: Yuv420Frame,
  o: DegradeOptions,
): Promise<Uint8Array[]> {
  return (await degradeClip(tools, [frame], o)).map((clip) => clip[0]);
}

/**
 * {@link degradeFrame} for a clip: the frames, in order, are downscaled with each scaler and
 * each scaler's LR clip is encoded by x264 as one video (its settings' defaults: the first
 * frame intra-coded, the others predicted from their neighbours as in any H.264 video), then
 * decoded. Returns, per scaler, the LR Y plane of every frame.
 *
 * The LR clips of one HR clip travel together, as streams of one NUT file with an encoder
 * each (so that a training set costs two ffmpeg runs per clip, not two per degradation).
 */
export async function degradeClip(
  tools: FfmpegTools,
  frames: readonly Yuv420Frame[],
  o: DegradeOptions,
): Promise<Uint8Array[][]> {
  if (frames.length === 0) throw new RangeError("a clip needs at least one frame");
  const { width, height } = frames[0];
  if (frames.some((f) => f.width !== width || f.height !== height)) {
    throw new RangeError("the frames of a clip differ in size");
  }
  const w = width / o.scale, h = height / o.scale;
  if (!Number.isInteger(w / 2) || !Number.isInteger(h / 2)) {
    throw new RangeError(`${width}x${height} is not a multiple of ${2 * o.scale} on both sides`);
  }
  const n = o.scalers.length;
  if (n === 0) return [];
  const k = frames.length;
  const hrBytes = (width * height * 3) / 2;
  const input = new Uint8Array(k * hrBytes);
  frames.forEach((f, i) => {
    input.set(f.y, i * hrBytes);
    input.set(f.u, i * hrBytes + f.y.length);
    input.set(f.v, i * hrBytes + f.y.length + f.u.length);
  });
  const split = `[0:v]split=${n}${o.scalers.map((_, i) => `[s${i}]`).join("")}`;
  const branches = o.scalers.map((scaler, i) => `[s${i}]scale=${w}:${h}:flags=${scaler}[o${i}]`);
  const streams = o.scalers.map((_, i) => i);
  // One stream per scaler: each gets an encoder of its own that sees nothing but its clip,
  // exactly as if the clip had been encoded alone.
  const scaled = [
    ...rawArgs("yuv420p", width, height),
    "-i",
    "pipe:0",
    "-filter_complex",
    [split, ...branches].join(";"),
    ...streams.flatMap((i) => ["-map", `[o${i}]`]),
  ];
  // The LR clips, stream after stream, as one raw yuv420p stream. A one-frame segment has no
  // duration, so concat would leave every clip's first frame at time 0 and ffmpeg would keep
  // only one of them: number the frames instead.
  const joined = streams.map((i) => `[0:${i}]`).join("") +
    `concat=n=${n}:v=1:a=0,setpts=N/(25*TB)`;
  const what = `scale with ${o.scalers.join(", ")}`;
  const codec = o.crf === undefined
    ? ["-c:v", "rawvideo"]
    : ["-pix_fmt", "yuv420p", "-c:v", "libx264", "-crf", String(o.crf)];
  const nut = await ffmpeg(
    tools,
    o.crf === undefined ? what : `${what} and encode with libx264`,
    [...scaled, ...codec, "-f", "nut", "pipe:1"],
    input,
    o.signal,
  );
  const lr = await ffmpeg(
    tools,
    "decode and join the LR frames",
    [
      "-f",
      "nut",
      "-i",
      "pipe:0",
      "-filter_complex",
      joined,
      ...rawArgs("yuv420p", w, h),
      "pipe:1",
    ],
    nut,
    o.signal,
  );
  const frameBytes = (w * h * 3) / 2;
  if (lr.length !== n * k * frameBytes) {
    throw new ToolError(`ffmpeg returned ${lr.length} bytes for ${n * k} frames of ${w}x${h}`);
  }
  return o.scalers.map((_, i) =>
    frames.map((_, j) => {
      const at = (i * k + j) * frameBytes;
      return lr.subarray(at, at + w * h);
    })
  );
}

/**
 * Resizes 8-bit greyscale planes of one size with one of ffmpeg's scalers (the users'
 * baselines); the planes go through one ffmpeg run as consecutive frames.
 */
export async function resizeGray(
  tools: FfmpegTools,
  planes: ReadonlyArray<{ width: number; height: number; data: Uint8Array }>,
  width: number,
  height: number,
  scaler: SwsScaler,
  signal?: AbortSignal,
): Promise<Uint8Array[]> {
  if (planes.length === 0) return [];
  const { width: w, height: h } = planes[0];
  const input = new Uint8Array(planes.length * w * h);
  for (const [i, p] of planes.entries()) {
    if (p.width !== w || p.height !== h) throw new RangeError("planes of different sizes");
    input.set(p.data, i * w * h);
  }
  const out = await ffmpeg(
    tools,
    `resize with ${scaler}`,
    [
      ...rawArgs("gray", w, h),
      "-i",
      "pipe:0",
      "-vf",
      `scale=${width}:${height}:flags=${scaler}`,
      ...rawArgs("gray", width, height),
      "pipe:1",
    ],
    input,
    signal,
  );
  if (out.length !== planes.length * width * height) {
    throw new ToolError(
      `ffmpeg returned ${out.length} bytes for ${planes.length} ${width}x${height} planes`,
    );
  }
  return planes.map((_, i) => out.subarray(i * width * height, (i + 1) * width * height));
}
