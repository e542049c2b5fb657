/**
 * Loading an evaluation set (a folder of images, e.g. Set5) through ffmpeg. Files are taken
 * in natural name order so that reports list images in the same order every time and
 * `img2.png` comes before `img10.png`.
 */
import { readImage } from "../media/ffmpeg/image.ts";
import type { Image8 } from "../media/frame/pixels.ts";
import { type FfmpegTools, tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import { listImages } from "../media/image_files.ts";
import type { NamedImage } from "./protocol.ts";

export { IMAGE_EXTENSIONS, isImageName, listImages } from "../media/image_files.ts";

/** A file's name without folder and extension, used to report it. */
export function imageName(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}

/**
 * Decodes every image of a folder. Decoding is sequential: the sets are small and ffmpeg
 * already uses the few cores this runs on.
 */
export async function loadDataset(dir: string, ffmpeg?: FfmpegTools): Promise<NamedImage[]> {
  const paths = await listImages(dir);
  const t = ffmpeg ?? await resolveTools();
  const out: NamedImage[] = [];
  for (const path of paths) {
    const image: Image8 = await readImage(t, path);
    out.push({ name: imageName(path), image });
  }
  return out;
}
