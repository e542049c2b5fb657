/**
 * Opening an input: probing it, and describing where its frames come from (a video, a frame
 * pattern, or a folder of images) in the terms the decoder needs.
 */
import { InputError, OptionError } from "../core/errors.ts";
import { fileInput, imageSequenceInput, isStreamedInput } from "../media/ffmpeg/input_name.ts";
import { checkInputFile, type MediaInfo, probe } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { listImages } from "../media/image_files.ts";
import { type PictureSize, pictureSize } from "../media/image_size.ts";
import { makeTaggedTempDir } from "../core/leftovers.ts";
import { rateOf } from "../core/rational.ts";
import type { MediaKind } from "./kinds.ts";
import { firstOfPattern, patternPath } from "./sequence.ts";
import { openStreamed } from "./streamed.ts";
import type { FrameSource } from "./video.ts";

/** What {@link openInput} needs to know (a subset of the upscale options). */
export interface InputOptions {
  /** The input path, pattern or folder, as the user gave it. */
  input: string;
  /** The ffmpeg input format or device that reads `input` (see UpscaleOptions.inputFormat). */
  inputFormat?: string;
  /** Frame rate given to frame-sequence inputs (default 25). */
  fps?: number;
  /** The largest input picture, in pixels (default {@link DEFAULT_MAX_PIXELS}). */
  maxPixels?: number;
  signal?: AbortSignal;
  /** Ends a streamed input where it has got to (see UpscaleOptions.stop). */
  stop?: AbortSignal;
}

/**
 * The default limit on an input picture's size: 100 megapixels (a 12000x8000 photograph, twelve
 * 8K frames). A picture is held in memory as floating-point planes, so a small file that
 * claims a huge size (a decompression bomb) would otherwise fill the memory.
 */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** A pixel count in megapixels, to three significant digits: `256`, `12`, `0.3`. */
function megapixels(pixels: number): string {
  return String(Number((pixels / 1e6).toPrecision(3)));
}

/** A picture of a frame sequence and its size. */
export interface SizedPicture extends PictureSize {
  path: string;
}

/**
 * The pictures of a frame sequence whose sizes differ, which no one frame size holds: all of
 * them in order, the first, and the first whose size differs from it.
 */
export interface MixedSizes {
  files: string[];
  first: SizedPicture;
  other: SizedPicture;
}

/**
 * A probed input; `source` is null for a still image, which has no frame stream;
 * `mixedSizes` is there for a frame sequence of pictures of different sizes.
 */
export interface OpenedInput {
  info: MediaInfo;
  source: FrameSource | null;
  mixedSizes?: MixedSizes;
}

/** A picture's size: from its header, or where that does not say, from ffprobe. */
async function sizeOf(
  tools: FfmpegTools,
  path: string,
  maxPixels: number | undefined,
  signal?: AbortSignal,
): Promise<SizedPicture> {
  const size = await pictureSize(path);
  if (size) {
    checkPixels(path, size.width, size.height, maxPixels);
    return { path, ...size };
  }
  const info = await probe(tools, path, { signal });
  requirePictures(info, path, maxPixels);
  return { path, width: info.video!.width, height: info.video!.height };
}

/**
 * The sizes of a sequence's pictures, when they differ (ffmpeg would stretch them to one); every
 * picture is held to the pixel limit on the way.
 */
async function mixedSizes(
  tools: FfmpegTools,
  files: string[],
  maxPixels: number | undefined,
  signal?: AbortSignal,
): Promise<MixedSizes | undefined> {
  const first = await sizeOf(tools, files[0], maxPixels, signal);
  for (const path of files.slice(1)) {
    const other = await sizeOf(tools, path, maxPixels, signal);
    if (other.width !== first.width || other.height !== first.height) {
      return { files, first, other };
    }
  }
  return undefined;
}

/**
 * Checks that the input has pictures to decode (a video stream, or an image) of at most
 * `maxPixels` each, before anything is decoded.
 *
 * @throws {InputError} No video stream; a picture too large for ffmpeg to decode; a picture
 *   over the limit (its `overLimit` is `maxPixels`).
 */
export function requirePictures(
  info: MediaInfo,
  path: string,
  maxPixels: number = DEFAULT_MAX_PIXELS,
): void {
  const size = info.video ?? info.undecodableSize;
  if (!size) throw new InputError(path, "has no video stream");
  if (!info.video) {
    const { width, height } = size;
    throw new InputError(
      path,
      `${width}x${height} is ${megapixels(width * height)} megapixels, too large to decode`,
    );
  }
  checkPixels(path, size.width, size.height, maxPixels);
}

/** Throws unless a picture of `width`x`height` is within the limit (see requirePictures). */
function checkPixels(
  path: string,
  width: number,
  height: number,
  maxPixels: number = DEFAULT_MAX_PIXELS,
): void {
  if (width * height > maxPixels) {
    throw new InputError(
      path,
      `${width}x${height} is ${megapixels(width * height)} megapixels, over the limit of ` +
        megapixels(maxPixels),
      { overLimit: "maxPixels" },
    );
  }
}

/** Numbered image files read at a fixed frame rate. */
interface ImageSequence {
  pattern: string;
  start: number;
  count: number;
  fps: number;
}

function imageSequence(
  path: string,
  kind: "sequence-pattern" | "sequence-dir",
  info: MediaInfo,
  seq: ImageSequence,
): OpenedInput {
  return {
    info,
    source: {
      path,
      kind,
      info,
      ...imageSequenceInput(seq.pattern, seq.start, seq.fps),
      expectedFrames: seq.count,
      frameRate: rateOf(seq.fps),
    },
  };
}

/**
 * image2 reads numbered files at an exact frame rate: numbers a folder's images (in the given,
 * natural order) with symbolic links in a private folder, removed by `cleanups`. Returns the
 * links' pattern, numbered from 1.
 *
 * @throws {InputError} The folder mixes image types.
 */
async function numberedLinks(
  folder: string,
  files: string[],
  cleanups: Array<() => Promise<void>>,
): Promise<string> {
  const ext = files[0].slice(files[0].lastIndexOf(".") + 1);
  const mixed = files.find((f) => !f.endsWith(`.${ext}`));
  if (mixed) {
    throw new InputError(folder, `mixes .${ext} and ${mixed.slice(mixed.lastIndexOf("."))} frames`);
  }
  const links = await makeTaggedTempDir("fsrcnn-frames-");
  cleanups.push(() => Deno.remove(links, { recursive: true }).catch(() => {}));
  const abs = (p: string) => (p.startsWith("/") ? p : `${Deno.cwd()}/${p}`);
  for (let i = 0; i < files.length; i++) {
    await Deno.symlink(abs(files[i]), `${links}/${String(i + 1).padStart(8, "0")}.${ext}`);
  }
  return `${links}/%08d.${ext}`;
}

/**
 * Probes the input and describes where its frames come from: a video, a frame pattern, or a
 * folder of images (numbered in natural order through links in a private folder, removed by
 * `cleanups`). A still image has no frame source.
 */
export async function openInput(
  o: InputOptions,
  inKind: MediaKind,
  tools: FfmpegTools,
  cleanups: Array<() => Promise<void>>,
): Promise<OpenedInput> {
  const fps = o.fps ?? 25;
  if (!(fps > 0)) throw new OptionError("fps", `must be positive (got ${fps})`);
  if (o.maxPixels !== undefined && !(o.maxPixels > 0)) {
    throw new OptionError("maxPixels", `must be positive (got ${o.maxPixels})`);
  }
  if (inKind === "sequence-pattern") {
    const first = await firstOfPattern(o.input);
    const info = await probe(tools, first.path, { signal: o.signal });
    requirePictures(info, first.path, o.maxPixels);
    const files = Array.from(
      { length: first.count },
      (_, i) => patternPath(o.input, first.start + i),
    );
    return {
      ...imageSequence(o.input, inKind, info, {
        pattern: o.input,
        start: first.start,
        count: first.count,
        fps,
      }),
      mixedSizes: await mixedSizes(tools, files, o.maxPixels, o.signal),
    };
  }
  if (inKind === "sequence-dir") {
    const files = await listImages(o.input);
    const info = await probe(tools, files[0], { signal: o.signal });
    requirePictures(info, files[0], o.maxPixels);
    const pattern = await numberedLinks(o.input, files, cleanups);
    return {
      ...imageSequence(o.input, inKind, info, { pattern, start: 1, count: files.length, fps }),
      mixedSizes: await mixedSizes(tools, files, o.maxPixels, o.signal),
    };
  }
  if (isStreamedInput(o.input, o.inputFormat)) {
    return await openStreamed(tools, o.input, o, cleanups);
  }
  await checkInputFile(o.input);
  const info = await probe(tools, o.input, { signal: o.signal });
  requirePictures(info, o.input, o.maxPixels);
  if (inKind === "image") return { info, source: null };
  return {
    info,
    source: {
      path: o.input,
      kind: "video",
      info,
      ...fileInput(o.input),
      expectedFrames: info.video!.frameCount,
      chromaLocation: info.video!.chromaLocation,
    },
  };
}
