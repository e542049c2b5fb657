/**
 * The files of a work folder besides plan.json: each finished segment (`seg-00003.nut`) with a
 * record written after it (`seg-00003.done.json`), and segments in progress under hidden
 * temporary names. A segment is done only when its record exists and the file still matches
 * it: its size and its SHA-256, recorded when the segment was made and checked to hold its
 * frames.
 */
import { exists, fileSha256, readTextAtMost } from "../core/fs.ts";
import { processTag, removeLeftovers } from "../core/leftovers.ts";
import { OutputError, WorkFolderError } from "../core/errors.ts";
import { type HeldLock, heldLock, takeLock } from "./lock.ts";
import { type PlanItem, type WorkPlan, writeJsonAtomic, writing } from "./manifest.ts";
import type { SegmentSpec } from "./plan.ts";

/**
 * The hidden work folder of a single output, where its segments are kept until it is written:
 * `dir/.name.ext.fsrcnn-work`.
 *
 * @param output The output path.
 * @returns The work folder's path.
 *
 * @example
 * ```ts
 * import { workFolderFor } from "@fsrcnn/deno";
 * console.log(workFolderFor("films/film_x2.mkv")); // films/.film_x2.mkv.fsrcnn-work
 * ```
 */
export function workFolderFor(output: string): string {
  const trimmed = output.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return `${trimmed.slice(0, slash + 1)}.${trimmed.slice(slash + 1)}.fsrcnn-work`;
}

/** One unit of work: a segment of one of the plan's videos. */
export interface Task {
  /** Position among all the plan's tasks (a scheduler's array index). */
  index: number;
  /** Position of the video in the plan. */
  item: number;
  segment: SegmentSpec;
}

/** Every task of a plan, videos in order and each video's segments in order. */
export function tasksOf(plan: WorkPlan): Task[] {
  const tasks: Task[] = [];
  plan.items.forEach((it, item) => {
    for (const segment of it.segments) tasks.push({ index: tasks.length, item, segment });
  });
  return tasks;
}

/** The folder of the plan's video number `item`, relative to the work folder: `items/0003`. */
export function itemFolder(item: number): string {
  return `items/${String(item).padStart(4, "0")}`;
}

/** Segments are NUT files (NUT keeps every timestamp exactly and holds any codec). */
export const SEGMENT_MUXER = "nut";

/** A segment's file name in its video's folder: `seg-00003.nut`. */
export function segmentName(index: number): string {
  return `${segmentStem(index)}.nut`;
}

function segmentStem(index: number): string {
  return `seg-${String(index).padStart(5, "0")}`;
}

function stem(work: string, plan: WorkPlan, task: Pick<Task, "item" | "segment">): string {
  return `${work}/${plan.items[task.item].folder}/${segmentStem(task.segment.index)}`;
}

/** The finished segment's file. */
export function segmentFile(work: string, plan: WorkPlan, task: Task): string {
  return `${work}/${plan.items[task.item].folder}/${segmentName(task.segment.index)}`;
}

/** The record that marks a segment done. */
export function doneFile(work: string, plan: WorkPlan, task: Task): string {
  return `${stem(work, plan, task)}.done.json`;
}

/** The refusal of a folder in the way of a work folder: it holds other things than a plan. */
export function notWorkFolder(output: string, work: string): WorkFolderError {
  return new WorkFolderError(output, work, "is not a work folder (no plan.json); left alone");
}

/** The record that marks a video joined into its output. */
export function joinedRecord(work: string, item: PlanItem): string {
  return `${work}/${item.folder}/joined.json`;
}

/** The lock of a whole work folder (see lock.ts). */
export function folderLockFile(work: string): string {
  return `${work}/lock`;
}

/**
 * Takes the lock of one segment, held while it is checked and made (see lock.ts).
 *
 * @throws {OutputError} Another run holds it.
 */
export function lockSegment(
  work: string,
  plan: WorkPlan,
  task: Task,
  onNotice?: (message: string) => void,
): Promise<HeldLock> {
  return takeLock(`${stem(work, plan, task)}.lock`, {
    what: segmentFile(work, plan, task),
    onNotice,
  });
}

/**
 * Takes the lock of a whole work folder (see lock.ts).
 *
 * @throws {OutputError} Another run holds it.
 */
export function lockFolder(work: string, onNotice?: (message: string) => void): Promise<HeldLock> {
  return takeLock(folderLockFile(work), { what: work, onNotice });
}

/** A temporary name for a segment being made, unique to this process. */
export function partialFile(work: string, plan: WorkPlan, task: Task): string {
  const path = stem(work, plan, task);
  const slash = path.lastIndexOf("/");
  return `${path.slice(0, slash + 1)}.${
    path.slice(slash + 1)
  }.partial-${Deno.hostname()}-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.nut`;
}

/** What a finished segment's record says. */
export interface DoneRecord {
  frames: number;
  bytes: number;
  /** SHA-256 of the segment's file, hex. */
  sha256: string;
  /** Seconds the segment took. */
  seconds: number;
  host: string;
  /** ISO time it was finished. */
  finished: string;
}

/** Marks a finished segment done (after its file is in place and flushed). */
export async function markDone(
  work: string,
  plan: WorkPlan,
  task: Task,
  record: DoneRecord,
): Promise<void> {
  await writeJsonAtomic(doneFile(work, plan, task), record);
}

/** What checking a segment found: done, or not, and why when a record was there. */
export type SegmentCheck =
  | { done: true; record: DoneRecord }
  /** `problem`: why the record there does not stand for the file (null: no record). */
  | { done: false; problem: string | null };

/**
 * Whether a segment is done: its record exists and its file matches it (size and SHA-256). A
 * record without a checksum (made by an older version) does not count: the segment is made
 * again. With `repair`, a record that does not stand is removed, so that the segment is made
 * again.
 */
export async function checkSegment(
  work: string,
  plan: WorkPlan,
  task: Task,
  o: { signal?: AbortSignal; repair: boolean },
): Promise<SegmentCheck> {
  const recordPath = doneFile(work, plan, task);
  let text: string | null;
  try {
    text = await readTextAtMost(recordPath, 64 << 10);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { done: false, problem: null };
    text = null;
  }
  const file = segmentFile(work, plan, task);
  const problem = await recordProblem(text, file, task, o.signal);
  if (problem === null) return { done: true, record: JSON.parse(text!) };
  if (o.repair) await Deno.remove(recordPath).catch(() => {});
  return { done: false, problem };
}

async function recordProblem(
  text: string | null,
  file: string,
  task: Task,
  signal?: AbortSignal,
): Promise<string | null> {
  let record: Partial<DoneRecord> | null = null;
  try {
    record = text === null ? null : JSON.parse(text);
  } catch { /* damaged */ }
  if (record === null || typeof record !== "object") return `${file}: its record is damaged`;
  if (typeof record.sha256 !== "string") {
    return `${file}: its record has no checksum (an older version made it)`;
  }
  if (record.frames !== task.segment.frames) return `${file}: its record is for other frames`;
  let size: number;
  try {
    size = (await Deno.stat(file)).size;
  } catch {
    return `${file}: is missing`;
  }
  if (size !== record.bytes) {
    return `${file}: has ${size} bytes, its record ${record.bytes}`;
  }
  if (await fileSha256(file, signal) !== record.sha256) {
    return `${file}: does not match the checksum in its record (damaged)`;
  }
  return null;
}

/**
 * Removes what an earlier, interrupted attempt at this segment left: temporary files and an
 * unrecorded segment file. Only the worker that is about to make the segment calls it.
 */
export async function clearAttempts(work: string, plan: WorkPlan, task: Task): Promise<void> {
  const path = stem(work, plan, task);
  const slash = path.lastIndexOf("/");
  const dir = path.slice(0, slash), prefix = `.${path.slice(slash + 1)}.partial-`;
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(prefix)) await Deno.remove(`${dir}/${e.name}`).catch(() => {});
  }
  if (!(await exists(doneFile(work, plan, task)))) {
    await Deno.remove(segmentFile(work, plan, task)).catch(() => {});
  }
}

/**
 * Where the weights of a video are kept (in its folder), so that every machine runs the same
 * network on all its segments.
 */
export function weightsFile(work: string, item: Pick<PlanItem, "folder">): string {
  return `${work}/${item.folder}/weights.safetensors`;
}

/**
 * Creates a work folder with its manifest and each video's weights, all or nothing: it is
 * assembled under a temporary name and renamed into place, so a folder named `work` always has
 * a plan. It comes locked (see lockFolder), by the caller.
 *
 * @param writeWeights Writes the weights of the plan's video `item` to `path`.
 * @returns The folder's lock, to release when done.
 * @throws {OutputError} It cannot be written, or another run created it meanwhile.
 */
export async function createWork(
  work: string,
  plan: WorkPlan,
  writeWeights: (path: string, item: number) => Promise<void>,
): Promise<HeldLock> {
  const slash = work.lastIndexOf("/");
  const parent = slash < 0 ? "." : work.slice(0, slash) || "/";
  const name = { prefix: `${work.slice(slash + 1)}.creating-` };
  // A creation that was killed half-way left its temporary folder: its process is gone.
  await removeLeftovers(parent, [name]);
  const temp = `${parent}/${name.prefix}${processTag()}`;
  await writing(work, () => Deno.mkdir(temp));
  try {
    await writing(work, async () => {
      for (const [i, item] of plan.items.entries()) {
        await Deno.mkdir(`${temp}/${item.folder}`, { recursive: true });
        await writeWeights(weightsFile(temp, item), i);
      }
      await writeJsonAtomic(`${temp}/plan.json`, plan);
      await takeLock(folderLockFile(temp), { what: work });
    });
    try {
      await Deno.rename(temp, work);
    } catch (e) {
      // Another run made the same folder since this one looked (a rename onto a folder with
      // entries fails).
      if (await isWorkFolder(work)) {
        throw new OutputError(work, "was created by another run at the same time", { cause: e });
      }
      await writing(work, () => Promise.reject(e));
    }
  } catch (e) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw e;
  }
  return heldLock(folderLockFile(work));
}

/** Whether `work` is a work folder (it has a plan.json). */
export async function isWorkFolder(work: string): Promise<boolean> {
  return await exists(`${work}/plan.json`);
}

/**
 * Removes a work folder after its outputs are complete, except its `logs` folder when it has
 * one (a scheduler's logs outlive the job; the join's own log may still be open there). Its
 * lock goes last, so that no other run finds the folder half removed and unlocked.
 */
export async function removeWork(work: string): Promise<void> {
  let keep = false;
  const lock = folderLockFile(work);
  for await (const e of Deno.readDir(work)) {
    if (e.name === "logs" && e.isDirectory) keep = true;
    else if (`${work}/${e.name}` !== lock) {
      await Deno.remove(`${work}/${e.name}`, { recursive: true });
    }
  }
  await Deno.remove(lock).catch(() => {});
  if (!keep) await Deno.remove(work);
}
