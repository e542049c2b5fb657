/**
 * Picture sizes from image file headers (PNG, JPEG, BMP, WebP, TIFF), without decoding: a few
 * small reads (JPEG: from one segment header to the next; TIFF: its first directory), so that
 * the sizes of thousands of frames are known at once.
 */
import { readAt } from "../core/fs.ts";

/** A picture's size in pixels. */
export interface PictureSize {
  width: number;
  height: number;
}

/** Bytes read at the start of a file: every header but JPEG's segments and TIFF's directory. */
const HEAD_BYTES = 32;
/** TIFF directory entries read (the size tags, 256 and 257, come first: tags are sorted). */
const TIFF_ENTRIES = 64;
/** JPEG segments walked before giving up (EXIF, ICC profile chunks, … come before the size). */
const JPEG_SEGMENTS = 64;

const ascii = (b: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...b.subarray(at, at + n));

/**
 * The size a PNG, BMP or WebP header gives, from the file's first bytes (`head`); `"jpeg"` for
 * JPEG, whose size is in a later segment. Null for other formats (TIFF: see tiffHeader) and
 * damaged headers.
 */
export function headerSize(head: Uint8Array): PictureSize | "jpeg" | null {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const size = (width: number, height: number) =>
    width > 0 && height > 0 ? { width, height } : null;
  if (head.length >= 24 && ascii(head, 1, 3) === "PNG" && ascii(head, 12, 4) === "IHDR") {
    return size(v.getUint32(16), v.getUint32(20));
  }
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  if (head.length >= 26 && ascii(head, 0, 2) === "BM") {
    // Rows stored top-down have a negative height.
    return size(v.getInt32(18, true), Math.abs(v.getInt32(22, true)));
  }
  if (head.length >= 30 && ascii(head, 0, 4) === "RIFF" && ascii(head, 8, 4) === "WEBP") {
    const chunk = ascii(head, 12, 4);
    if (chunk === "VP8 ") {
      return size(v.getUint16(26, true) & 0x3fff, v.getUint16(28, true) & 0x3fff);
    }
    if (chunk === "VP8L") {
      const bits = v.getUint32(21, true);
      return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    if (chunk === "VP8X") {
      const u24 = (at: number) => head[at] | (head[at + 1] << 8) | (head[at + 2] << 16);
      return size(u24(24) + 1, u24(27) + 1);
    }
    return null;
  }
  return null;
}

/** TIFF: the byte order and where the first directory is, or null for another format. */
export function tiffHeader(head: Uint8Array): { littleEndian: boolean; directory: number } | null {
  if (head.length < 8) return null;
  const order = ascii(head, 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const littleEndian = order === "II";
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (v.getUint16(2, littleEndian) !== 42) return null;
  return { littleEndian, directory: v.getUint32(4, littleEndian) };
}

/** TIFF: the width and height tags of a directory (its entry count, then its entries). */
export function tiffDirectorySize(dir: Uint8Array, littleEndian: boolean): PictureSize | null {
  if (dir.length < 2) return null;
  const v = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const count = v.getUint16(0, littleEndian);
  let width = 0, height = 0;
  for (let i = 0; i < count && 2 + 12 * (i + 1) <= dir.length; i++) {
    const at = 2 + 12 * i;
    const tag = v.getUint16(at, littleEndian), type = v.getUint16(at + 2, littleEndian);
    // SHORT (3) or LONG (4), kept in the entry itself.
    const value = type === 3
      ? v.getUint16(at + 8, littleEndian)
      : v.getUint32(at + 8, littleEndian);
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return width > 0 && height > 0 ? { width, height } : null;
}

/** JPEG: walks the segments to the first start-of-frame marker, which holds the size. */
async function jpegSize(file: Deno.FsFile): Promise<PictureSize | null> {
  let at = 2;
  for (let i = 0; i < JPEG_SEGMENTS; i++) {
    const h = await readAt(file, at, 9);
    if (h.length < 4 || h[0] !== 0xff) return null;
    const marker = h[1];
    const length = (h[2] << 8) | h[3];
    // SOF0 to SOF15, less DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      if (h.length < 9) return null;
      const height = (h[5] << 8) | h[6], width = (h[7] << 8) | h[8];
      return width > 0 && height > 0 ? { width, height } : null;
    }
    if (length < 2) return null;
    at += 2 + length;
  }
  return null;
}

/**
 * The size of a picture file from its header, or null when the header is of another format or
 * damaged.
 */
export async function pictureSize(path: string): Promise<PictureSize | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch {
    return null;
  }
  try {
    const head = await readAt(file, 0, HEAD_BYTES);
    const found = headerSize(head);
    if (found === "jpeg") return await jpegSize(file);
    const tiff = tiffHeader(head);
    if (found === null && tiff !== null) {
      const dir = await readAt(file, tiff.directory, 2 + 12 * TIFF_ENTRIES);
      return tiffDirectorySize(dir, tiff.littleEndian);
    }
    return found;
  } catch {
    return null;
  } finally {
    file.close();
  }
}
