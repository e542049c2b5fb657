/**
 * Small file-system helpers used in several places: questions answered without throwing, the one
 * way to read a user's file whole (bounded), a few bytes at an offset, and a file's hash read in
 * chunks.
 */
import { createHash } from "node:crypto";
import { type FsrcnnError, InputError } from "./errors.ts";

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

/** 1 MiB, the unit of the bounds on files read whole. */
export const MIB = 1024 * 1024;

/** A byte count for people, in binary units as the bounds are: `3.2 GiB`, `64 MiB`, `700 bytes`. */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 100 || Number.isInteger(v) ? 0 : 1;
  return `${v.toFixed(digits)} ${units[u]}`;
}

/** How {@link readBounded} reads a file. */
export interface BoundedRead {
  /** The largest size accepted, in bytes. */
  maxBytes: number;
  /** What the file is, with its article, for the message: `a weights file`. */
  what: string;
  /** The error a refusal raises (default InputError), e.g. WeightsError for weights. */
  error?: new (path: string, problem: string) => FsrcnnError;
}

/**
 * Reads a whole file that must be a regular file of at most `maxBytes`. A FIFO, a device
 * (`/dev/zero`), a folder or a socket would hang the read or grow it without end, and a huge
 * file would fill the memory, so they are refused before anything is read; a file that grows
 * past the bound while it is read is refused too.
 *
 * @throws {InputError} Not a regular file, or too large (the message states the bound); of the
 *   class `o.error` when given.
 * @throws {Deno.errors.NotFound} And the other errors of opening a file, as Deno raises them,
 *   for the caller to word.
 */
export async function readBounded(path: string, o: BoundedRead): Promise<Uint8Array> {
  const refuse = (problem: string) => new (o.error ?? InputError)(path, problem);
  const bound = `the ${formatBytes(o.maxBytes)} ${o.what} can be`;
  const tooBig = (size: number) => refuse(`is ${formatBytes(size)}, more than ${bound}`);
  // Checked before opening: opening a FIFO for reading blocks until a writer comes.
  const checked = (st: Deno.FileInfo) => {
    if (st.isDirectory) throw refuse("is a directory, not a regular file");
    if (!st.isFile) throw refuse("not a regular file");
    if (st.size > o.maxBytes) throw tooBig(st.size);
    return st.size;
  };
  checked(await Deno.stat(path));
  const file = await Deno.open(path, { read: true });
  try {
    // Again on what was opened, in case the name was replaced meanwhile.
    const size = checked(await file.stat());
    // One byte more than the bound, to see whether the file grew past it.
    let data = new Uint8Array(Math.min(o.maxBytes, Math.max(size, 64 * 1024)) + 1);
    let filled = 0;
    for (;;) {
      if (filled === data.length) {
        // It said it was smaller (a /proc file says 0), or it grew as it was read.
        if (data.length > o.maxBytes) throw refuse(`is more than ${bound}`);
        const larger = new Uint8Array(Math.min(o.maxBytes + 1, data.length * 2));
        larger.set(data);
        data = larger;
      }
      const n = await file.read(data.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    return data.subarray(0, filled);
  } finally {
    file.close();
  }
}

/** {@link readBounded}, decoded as UTF-8 text. */
export async function readTextBounded(path: string, o: BoundedRead): Promise<string> {
  return new TextDecoder().decode(await readBounded(path, o));
}

/**
 * The text of a small record (a plan, a done record, a lock) that a damaged or hostile folder
 * might have replaced with something huge or with a FIFO: {@link readTextBounded}, but null
 * instead of an error when it is not a regular file of at most `maxBytes`.
 */
export async function readTextAtMost(path: string, maxBytes: number): Promise<string | null> {
  try {
    return await readTextBounded(path, { maxBytes, what: "a record" });
  } catch (e) {
    if (e instanceof InputError) return null;
    throw e;
  }
}
