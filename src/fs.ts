/**
 * Small file-system helpers used in several places: questions answered without throwing, and
 * bounded reads (a few bytes at an offset, a small record, a file's hash in chunks).
 */
import { createHash } from "node:crypto";

/** Whether anything (file, folder, even a dangling link) has this name. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `path` is a regular file (links followed). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The text of a file of at most `maxBytes` bytes, or null when it is larger (a small record
 * that a damaged or hostile folder might replace with something huge): read in chunks, never
 * more than `maxBytes` and one chunk.
 */
export async function readTextAtMost(path: string, maxBytes: number): Promise<string | null> {
  const file = await Deno.open(path, { read: true });
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (total <= maxBytes) {
      const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
      const n = await file.read(chunk);
      if (n === null) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    if (total > maxBytes) return null;
    const all = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    return new TextDecoder().decode(all);
  } finally {
    file.close();
  }
}

/**
 * SHA-256 of a file's content, hex (as `sha256sum` prints it), read in chunks of 1 MiB so
 * that a segment of any size costs little memory.
 */
export async function fileSha256(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path, { read: true });
  try {
    const chunk = new Uint8Array(1 << 20);
    for (;;) {
      signal?.throwIfAborted();
      const n = await file.read(chunk);
      if (n === null) break;
      hash.update(chunk.subarray(0, n));
    }
  } finally {
    file.close();
  }
  return hash.digest("hex");
}

/** Up to `length` bytes of an open file from `offset` (fewer at its end). */
export async function readAt(
  file: Deno.FsFile,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return buf.subarray(0, got);
}
