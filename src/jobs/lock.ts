/**
 * Locks on a work folder, as files created with O_EXCL (`createNew`), which NFS honours, each
 * recording its holder's host, process id and time. The folder's lock (`lock`) is held by
 * whatever may change the whole folder (a one-machine run, a join, a submission, a restart);
 * each segment's lock (`seg-00003.lock`) by the task making that segment, so that many tasks
 * of one folder run at once while two runs of the same segment cannot.
 *
 * A lock whose process is gone from this host (killed, crashed) is taken over, and said so;
 * a lock held from another host cannot be checked from here and is refused, naming the host,
 * the process and the file to remove once that run is known to be over.
 */
import { OutputError } from "../core/errors.ts";
import { readTextAtMost } from "../core/fs.ts";
import { processState, processTag } from "../core/leftovers.ts";
import { writing } from "./manifest.ts";

/** What a lock file records. */
export interface LockHolder {
  host: string;
  pid: number;
  /** ISO time the lock was taken. */
  since: string;
}

/** A lock this process holds. */
export interface HeldLock {
  /** The lock file. */
  path: string;
  /** Removes the lock file (nothing when it is gone already, e.g. with its folder). */
  release(): Promise<void>;
}

/** The lock held on a file path (e.g. one renamed into place with its folder). */
export function heldLock(path: string): HeldLock {
  return { path, release: () => Deno.remove(path).catch(() => {}) };
}

function parseHolder(text: string | null): LockHolder | null {
  try {
    const h = text === null ? null : JSON.parse(text);
    return typeof h?.host === "string" && Number.isSafeInteger(h?.pid) &&
        typeof h?.since === "string"
      ? h
      : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock file `path`.
 *
 * @param path The lock file.
 * @param o `what`: the path named in a refusal (the work folder, or a segment's file);
 *   `onNotice`: told, in one line, when a lock left by a process that is gone is taken over.
 * @returns The lock, to release when done.
 * @throws {OutputError} A running process holds it, or one on another host (or an unreadable
 *   lock file); the message names the holder and the lock file.
 */
export async function takeLock(
  path: string,
  o: { what: string; onNotice?: (message: string) => void },
): Promise<HeldLock> {
  const me: LockHolder = { host: Deno.hostname(), pid: Deno.pid, since: new Date().toISOString() };
  const data = new TextEncoder().encode(JSON.stringify(me) + "\n");
  for (let attempt = 0;; attempt++) {
    try {
      await writing(path, async () => {
        const file = await Deno.open(path, { write: true, createNew: true });
        try {
          await file.write(data);
          await file.syncData();
        } finally {
          file.close();
        }
      });
      return heldLock(path);
    } catch (e) {
      if (!(e instanceof OutputError && e.cause instanceof Deno.errors.AlreadyExists)) throw e;
    }
    let text: string | null = null;
    try {
      text = await readTextAtMost(path, 4096);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // released meanwhile
    }
    const holder = parseHolder(text);
    const remove = `; if no run uses it, remove ${path}`;
    if (holder === null) {
      throw new OutputError(o.what, `is locked (unreadable lock file)${remove}`);
    }
    const who = `process ${holder.pid} on ${holder.host} (since ${holder.since})`;
    const state = holder.host === me.host && attempt < 3
      ? await processState(holder.pid, new Date(holder.since))
      : "unknown";
    if (holder.host !== me.host || state !== "gone") {
      throw new OutputError(o.what, `is in use by ${who}${remove}`);
    }
    // Taken over by a rename, so that of two processes taking over at once, only one removes
    // the stale lock; one that finds a fresh lock under the stale one's name puts it back.
    const aside = `${path}.stale-${processTag()}`;
    try {
      await Deno.rename(path, aside);
    } catch {
      continue;
    }
    const moved = await readTextAtMost(aside, 4096).catch(() => null);
    if (moved !== text) await Deno.link(aside, path).catch(() => {});
    else o.onNotice?.(`${path}: taken over from ${who}, which is gone`);
    await Deno.remove(aside).catch(() => {});
  }
}
