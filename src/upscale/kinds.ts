/**
 * What a path names: a video, a still image, or a frame sequence (a printf-style pattern
 * such as `frames/%06d.png`, or a directory of images). Decided from the name, and for
 * inputs from what exists on disk.
 */
import { UsageError } from "../core/errors.ts";
import { isStreamedInput, STANDARD_STREAM } from "../media/ffmpeg/input_name.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { IMAGE_EXTENSIONS } from "../media/image_files.ts";

/** What a path names: a video file, a still image, a frame-number pattern or a folder of frames. */
export type MediaKind = "video" | "image" | "sequence-pattern" | "sequence-dir";

/** Still formats we write (by extension). */
export const OUTPUT_IMAGE_EXTENSIONS = ["png", "jpg", "jpeg"] as const;

export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/** True for a printf-style frame-number pattern (`%d`, `%06d`), as ffmpeg's image2 uses. */
export function isSequencePattern(path: string): boolean {
  return /%0?\d*d/.test(path.slice(path.lastIndexOf("/") + 1));
}

export function isImageExtension(ext: string): boolean {
  return IMAGE_EXTENSIONS.includes(ext);
}

/**
 * Kind of an input path (which must exist, unless it is a pattern). Standard input, network
 * streams and inputs with an `inputFormat` (devices) are videos.
 */
export async function inputKind(path: string, inputFormat?: string): Promise<MediaKind> {
  if (isStreamedInput(path, inputFormat)) return "video";
  if (isSequencePattern(path)) return "sequence-pattern";
  try {
    if ((await Deno.stat(path)).isDirectory) return "sequence-dir";
  } catch {
    // Missing files are reported by the probe with the file's name.
  }
  return isImageExtension(extensionOf(path)) ? "image" : "video";
}

/**
 * Kind of an output path: a pattern, a directory (trailing slash or existing), or by
 * extension; standard output (`-`) takes a video.
 */
export async function outputKind(path: string): Promise<MediaKind> {
  if (path === STANDARD_STREAM) return "video";
  if (isSequencePattern(path)) {
    const ext = extensionOf(path);
    if (!(OUTPUT_IMAGE_EXTENSIONS as readonly string[]).includes(ext)) {
      throw new UsageError(`${path}: frame patterns must end in .png or .jpg`);
    }
    return "sequence-pattern";
  }
  if (path.endsWith("/")) return "sequence-dir";
  try {
    if ((await Deno.stat(path)).isDirectory) return "sequence-dir";
  } catch {
    // A new file.
  }
  const ext = extensionOf(path);
  if ((OUTPUT_IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return "image";
  if (ext in VIDEO_MUXERS) return "video";
  if (ext === "") return "sequence-dir";
  throw new UsageError(
    `${path}: unknown output type ".${ext}" (video: ${Object.keys(VIDEO_MUXERS).join(", ")}; ` +
      `image: png, jpg)`,
  );
}

/** What standard output is written as unless told: Matroska holds any stream, and needs no seeking. */
export const STDOUT_MUXER = "matroska";

/**
 * The ffmpeg muxer that writes a video output: the one its extension calls for, or for
 * standard output `format`, by default Matroska.
 */
export function outputMuxer(path: string, format?: string): string {
  if (path === STANDARD_STREAM) return format ?? STDOUT_MUXER;
  return VIDEO_MUXERS[extensionOf(path)];
}
