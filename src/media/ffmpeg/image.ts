/**
 * Still images through ffmpeg: reading them (PNG, BMP, JPEG, WebP, …) into raw pixels, 8-bit
 * for evaluation and training, and writing upscaled ones a band of rows at a time. Greyscale
 * files stay single-channel: the super-resolution literature scores them on their raw values.
 */
import { CancelledError, InputError, ToolError } from "../../core/errors.ts";
import type { Image8 } from "../frame/pixels.ts";
import { COMMON_ARGS } from "./args.ts";
import { localName } from "./input_name.ts";
import { probe } from "./probe.ts";
import { runTool, spawnTool, stderrTail } from "./process.ts";
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
  /** The picture's size and raw layout. */
  width: number;
  height: number;
  pixFmt: string;
  /** Encoder: `png` or `mjpeg`. */
  codec: "png" | "mjpeg";
  /** Output file (written as is; the caller picks a temporary name). */
  path: string;
  signal?: AbortSignal;
}

/** An image being written: its raw rows go in, top to bottom, a band at a time. */
export interface ImageWriter {
  /** Sends the next rows (raw pixels of `pixFmt`, whole rows). */
  write(rows: Uint8Array): Promise<void>;
  /** Ends the picture and waits for the file to be written. */
  finish(): Promise<void>;
  /** Stops ffmpeg (when the picture will not be finished). */
  kill(): void;
}

/**
 * Starts encoding one raw frame into an image file, fed in bands, so that the caller need
 * not hold the whole upscaled picture at once.
 */
export function startImageWriter(tools: FfmpegTools, o: WriteImageOptions): ImageWriter {
  const proc = spawnTool(tools.ffmpeg, [
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
  ], { stdin: "piped", stdout: "null" });
  const onAbort = () => proc.kill();
  o.signal?.addEventListener("abort", onAbort);
  const writer = proc.child.stdin.getWriter();
  const failed = async (): Promise<never> => {
    const { code, stderr, signal } = await proc.done;
    o.signal?.removeEventListener("abort", onAbort);
    if (o.signal?.aborted || signal) throw new CancelledError();
    throw new ToolError(
      `${o.path}: ffmpeg could not write the image: ${stderrTail(stderr) || `exit ${code}`}`,
    );
  };
  return {
    // A write into an ffmpeg that has failed breaks the pipe; its stderr tells why.
    write: (rows) => writer.write(rows).catch(failed),
    async finish() {
      await writer.close().catch(failed);
      const { code } = await proc.done;
      if (code !== 0 || o.signal?.aborted) await failed();
      o.signal?.removeEventListener("abort", onAbort);
    },
    kill() {
      o.signal?.removeEventListener("abort", onAbort);
      proc.kill();
    },
  };
}

/** Encodes one whole raw frame (`data`) into an image file. */
export async function writeImage(
  tools: FfmpegTools,
  o: WriteImageOptions & { data: Uint8Array },
): Promise<void> {
  const writer = startImageWriter(tools, o);
  try {
    await writer.write(o.data);
    await writer.finish();
  } catch (e) {
    writer.kill();
    throw e;
  }
}
