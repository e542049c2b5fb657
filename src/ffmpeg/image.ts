/**
 * Reading still images (PNG, BMP, JPEG, WebP, …) into 8-bit pixels through ffmpeg, for
 * evaluation and training. Greyscale files stay single-channel: the super-resolution
 * literature scores them on their raw values.
 */
import { InputError } from "../errors.ts";
import { localName } from "./input_name.ts";
import { probe } from "./probe.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

export interface Image8 {
  width: number;
  height: number;
  /** 1 for greyscale files, 3 for everything else (RGB, interleaved). */
  channels: 1 | 3;
  data: Uint8Array;
}

/** Whether an ffmpeg pixel format carries only luminance (with or without alpha). */
export function isGreyPixFmt(pixFmt: string): boolean {
  return /^(gray|ya)/.test(pixFmt);
}

/** Decodes the first frame of an image file. */
export async function readImage(tools: FfmpegTools, path: string): Promise<Image8> {
  const info = await probe(tools, path);
  const v = info.video;
  if (!v) throw new InputError(path, "has no image in it");
  const channels = isGreyPixFmt(v.pixFmt) ? 1 : 3;
  const r = await runTool(tools.ffmpeg, [
    "-v",
    "error",
    "-i",
    localName(path),
    "-frames:v",
    "1",
    "-f",
    "rawvideo",
    "-pix_fmt",
    channels === 1 ? "gray" : "rgb24",
    "pipe:1",
  ]);
  const expected = v.width * v.height * channels;
  if (r.code !== 0 || r.stdout.length !== expected) {
    throw new InputError(
      path,
      `cannot decode image (${
        stderrTail(r.stderr, 1) || `${r.stdout.length} of ${expected} bytes`
      })`,
    );
  }
  return { width: v.width, height: v.height, channels, data: r.stdout };
}
