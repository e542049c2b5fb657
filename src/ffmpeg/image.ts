/**
 * Reading still images (PNG, BMP, JPEG, WebP, …) into 8-bit pixels through ffmpeg, for
 * evaluation and training. Greyscale files stay single-channel: the super-resolution
 * literature scores them on their raw values.
 */
import { InputError, ToolError } from "../errors.ts";
import type { Image8 } from "../frame/pixels.ts";
import { COMMON_ARGS } from "./args.ts";
import { localName } from "./input_name.ts";
import { probe } from "./probe.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** Whether an ffmpeg pixel format carries only luminance (with or without alpha). */
function isGreyPixFmt(pixFmt: string): boolean {
  return /^(gray|ya)/.test(pixFmt);
}

/** Decodes the first frame of an image file. */
export async function readImage(tools: FfmpegTools, path: string): Promise<Image8> {
  const info = await probe(tools, path);
  const v = info.video;
  if (!v) throw new InputError(path, "has no image in it");
  const channels = isGreyPixFmt(v.pixFmt) ? 1 : 3;
  const data = await readImageRaw(
    tools,
    path,
    channels === 1 ? "gray" : "rgb24",
    v.width * v.height * channels,
  );
  return { width: v.width, height: v.height, channels, data };
}

/** Decodes the first frame of an image file into raw pixels of `pixFmt` (e.g. rgb48le). */
export async function readImageRaw(
  tools: FfmpegTools,
  path: string,
  pixFmt: string,
  expectedBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const r = await runTool(tools.ffmpeg, [
    ...COMMON_ARGS,
    "-i",
    localName(path),
    "-frames:v",
    "1",
    "-f",
    "rawvideo",
    "-pix_fmt",
    pixFmt,
    "pipe:1",
  ], { signal });
  if (r.code !== 0 || r.stdout.length !== expectedBytes) {
    throw new InputError(
      path,
      `cannot decode image (${
        stderrTail(r.stderr, 1) || `${r.stdout.length} of ${expectedBytes} bytes`
      })`,
    );
  }
  return r.stdout;
}

export interface WriteImageOptions {
  /** Raw pixels and their layout. */
  data: Uint8Array;
  width: number;
  height: number;
  pixFmt: string;
  /** Encoder: `png` or `mjpeg`. */
  codec: "png" | "mjpeg";
  /** Output file (written as is; the caller picks a temporary name). */
  path: string;
  signal?: AbortSignal;
}

/** Encodes one raw frame into an image file. */
export async function writeImage(tools: FfmpegTools, o: WriteImageOptions): Promise<void> {
  const r = await runTool(tools.ffmpeg, [
    ...COMMON_ARGS,
    "-y",
    "-f",
    "rawvideo",
    "-pix_fmt",
    o.pixFmt,
    "-s",
    `${o.width}x${o.height}`,
    "-i",
    "pipe:0",
    "-frames:v",
    "1",
    "-c:v",
    o.codec,
    // JPEG: high quality, full-range YUV as JPEG expects.
    ...(o.codec === "mjpeg" ? ["-q:v", "2", "-pix_fmt", "yuvj444p"] : []),
    "-f",
    "image2",
    "-update",
    "1",
    localName(o.path),
  ], { stdin: o.data, signal: o.signal });
  if (r.code !== 0) {
    throw new ToolError(`${o.path}: ffmpeg could not write the image: ${stderrTail(r.stderr)}`);
  }
}
