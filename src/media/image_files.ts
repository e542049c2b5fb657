/**
 * Finding image files: the extensions we read, and folders of images in natural name order
 * (`img2.png` before `img10.png`), for evaluation sets, training sets and frame sequences.
 */
import { InputError } from "../core/errors.ts";

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
