/**
 * Small file-system questions asked in several places, answered without throwing, and the one
 * way to read a user's file whole (bounded).
 */
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
