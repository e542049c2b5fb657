/**
 * Loading an evaluation set (a folder of images, e.g. Set5) through ffmpeg. Files are taken
 * in natural name order so that reports list images in the same order every time and
 * `img2.png` comes before `img10.png`.
 */
import { InputError } from "../errors.ts";
import { type Image8, readImage } from "../ffmpeg/image.ts";
import { type FfmpegTools, tools as resolveTools } from "../ffmpeg/resolve.ts";
import type { NamedImage } from "./protocol.ts";

/** File extensions taken as images (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  "png",
  "bmp",
  "jpg",
  "jpeg",
  "webp",
  "tif",
  "tiff",
];

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/** Whether a file name has one of the image extensions. */
export function isImageName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && IMAGE_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}

/** The image files of a folder (full paths), naturally sorted; throws if there are none. */
export async function listImages(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if ((entry.isFile || entry.isSymlink) && isImageName(entry.name)) names.push(entry.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new InputError(dir, "no such folder");
    if (e instanceof Deno.errors.NotADirectory) throw new InputError(dir, "is not a folder");
    throw new InputError(dir, `cannot list folder (${(e as Error).message})`, { cause: e });
  }
  if (names.length === 0) {
    throw new InputError(dir, `has no images (${IMAGE_EXTENSIONS.join(", ")})`);
  }
  names.sort(collator.compare);
  const sep = dir.endsWith("/") ? "" : "/";
  return names.map((n) => `${dir}${sep}${n}`);
}

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
