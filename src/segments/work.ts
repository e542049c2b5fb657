/**
 * The files of a work folder besides plan.json: each finished segment (`seg-00003.nut`) with a
 * record written after it (`seg-00003.done.json`), and segments in progress under hidden
 * temporary names. A segment is done only when its record exists and the file still matches
 * it (size, and a packet count equal to the planned frame count).
 */
import { countVideoPackets } from "../ffmpeg/packets.ts";
import type { FfmpegTools } from "../ffmpeg/resolve.ts";
import { exists, readTextBounded } from "../fs.ts";
import { processTag, removeLeftovers } from "../leftovers.ts";
import { type PlanItem, type WorkPlan, writeJsonAtomic } from "./manifest.ts";
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

function stem(work: string, plan: WorkPlan, task: Pick<Task, "item" | "segment">): string {
  return `${work}/${plan.items[task.item].folder}/seg-${
    String(task.segment.index).padStart(5, "0")
  }`;
}

/** The finished segment's file. */
export function segmentFile(work: string, plan: WorkPlan, task: Task): string {
  return `${stem(work, plan, task)}.nut`;
}

/** The record that marks a segment done. */
export function doneFile(work: string, plan: WorkPlan, task: Task): string {
  return `${stem(work, plan, task)}.done.json`;
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

/**
 * Whether a segment is done: its record exists and its file matches it (size, and as many
 * video packets as the segment has frames). With `repair`, a record whose file does not match
 * is removed, so that the segment is made again.
 */
export async function verifiedDone(
  tools: FfmpegTools,
  work: string,
  plan: WorkPlan,
  task: Task,
  o: { signal?: AbortSignal; repair: boolean },
): Promise<DoneRecord | null> {
  let record: DoneRecord;
  try {
    // A record is a few hundred bytes; anything else (a folder, a FIFO, a huge file) is not one.
    const text = await readTextBounded(doneFile(work, plan, task), {
      maxBytes: 64 * 1024,
      what: "a segment's record",
    });
    record = JSON.parse(text);
  } catch {
    return null;
  }
  const file = segmentFile(work, plan, task);
  let size = -1;
  try {
    size = (await Deno.stat(file)).size;
  } catch { /* missing */ }
  const ok = record.frames === task.segment.frames && record.bytes === size &&
    await countVideoPackets(tools, file, o.signal) === task.segment.frames;
  if (ok) return record;
  if (o.repair) await Deno.remove(doneFile(work, plan, task)).catch(() => {});
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
 * a plan.
 *
 * @param writeWeights Writes the weights of the plan's video `item` to `path`.
 */
export async function createWork(
  work: string,
  plan: WorkPlan,
  writeWeights: (path: string, item: number) => Promise<void>,
): Promise<void> {
  const slash = work.lastIndexOf("/");
  const parent = slash < 0 ? "." : work.slice(0, slash) || "/";
  const name = { prefix: `${work.slice(slash + 1)}.creating-` };
  // A creation that was killed half-way left its temporary folder: its process is gone.
  await removeLeftovers(parent, [name]);
  const temp = `${parent}/${name.prefix}${processTag()}`;
  await Deno.mkdir(temp);
  try {
    for (const [i, item] of plan.items.entries()) {
      await Deno.mkdir(`${temp}/${item.folder}`, { recursive: true });
      await writeWeights(weightsFile(temp, item), i);
    }
    await writeJsonAtomic(`${temp}/plan.json`, plan);
    await Deno.rename(temp, work);
  } catch (e) {
    await Deno.remove(temp, { recursive: true }).catch(() => {});
    throw e;
  }
}

/** Whether `work` is a work folder (it has a plan.json). */
export async function isWorkFolder(work: string): Promise<boolean> {
  return await exists(`${work}/plan.json`);
}

/**
 * Removes a work folder after its outputs are complete, except its `logs` folder when it has
 * one (a scheduler's logs outlive the job; the join's own log may still be open there).
 */
export async function removeWork(work: string): Promise<void> {
  let keep = false;
  for await (const e of Deno.readDir(work)) {
    if (e.name === "logs" && e.isDirectory) keep = true;
    else await Deno.remove(`${work}/${e.name}`, { recursive: true });
  }
  if (!keep) await Deno.remove(work);
}
