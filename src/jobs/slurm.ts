/**
 * Running a plan on a Slurm cluster: one job array whose tasks each make one segment (the
 * array index is the task index), and a join job that starts when every task has succeeded
 * (`--dependency=afterok`). Slurm does all the scheduling; the shared work folder is the only
 * state, so a failed task is resubmitted alone, and an array run again skips finished
 * segments.
 */
import { UsageError } from "../core/errors.ts";
import { activeArrayTasks, sbatch } from "../media/ffmpeg/scheduler.ts";
import { readTextAtMost } from "../core/fs.ts";
import { formatIndices } from "./indices.ts";
import { jobStatus } from "./status.ts";
import { readPlan, type WorkPlan, writeJsonAtomic, writing } from "./manifest.ts";
import { checkPrintable } from "./printable.ts";
import { lockFolder, tasksOf } from "./work.ts";

/**
 * Added to `SLURM_ARRAY_TASK_ID` to get the task index: arrays are limited in size
 * (MaxArraySize, 1001 by default), so a larger plan is submitted as several arrays, each
 * told its first task by this variable.
 */
export const TASK_OFFSET_ENV = "FSRCNN_TASK_OFFSET";

/** Array indices per submitted array (Slurm's default MaxArraySize is 1001: 0 to 1000). */
export const MAX_ARRAY = 1000;

/** Quotes a word for a POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * A literal folder for sbatch's `--output` file name, whose `%` letters are patterns (`%A` the
 * array job, `%a` its task): each `%` doubled (`%%` is a literal `%`, see "filename pattern"
 * in sbatch(1)).
 *
 * @throws {UsageError} The folder's name has a backslash, which turns every pattern off.
 */
export function sbatchFolder(folder: string): string {
  if (folder.includes("\\")) {
    throw new UsageError(
      `${folder}: sbatch reads a backslash in a log file's name as "no patterns"; ` +
        "use a work folder without one",
    );
  }
  return folder.replaceAll("%", "%%");
}

/** A batch script that runs one command (Slurm options are given on sbatch's command line). */
export function batchScript(command: readonly string[], comment: string): string {
  return [
    "#!/bin/sh",
    ...comment.split("\n").map((l) => `# ${l}`),
    `exec ${command.map(shellQuote).join(" ")}`,
    "",
  ].join("\n");
}

/**
 * Task indices cut into arrays of at most `max` indices each: each array's `offset` (its
 * first possible task) and its `--array` spec relative to it, e.g. `0-3,7`.
 */
export function arrayChunks(
  indices: readonly number[],
  max = MAX_ARRAY,
): { offset: number; spec: string; count: number }[] {
  const byChunk = new Map<number, number[]>();
  for (const i of [...indices].sort((a, b) => a - b)) {
    const offset = Math.floor(i / max) * max;
    if (!byChunk.has(offset)) byChunk.set(offset, []);
    byChunk.get(offset)!.push(i - offset);
  }
  return [...byChunk].map(([offset, rel]) => ({
    offset,
    spec: formatIndices(rel),
    count: rel.length,
  }));
}

/** What {@link submitSlurm} submits. */
export interface SlurmOptions {
  /** The work folder of a plan, on storage that every node sees at the same path. */
  work: string;
  /**
   * The commands the jobs run: `segment` makes the task given by the environment
   * (`SLURM_ARRAY_TASK_ID` + {@link TASK_OFFSET_ENV}); `join` joins the plan.
   */
  command: { segment: string[]; join: string[] };
  /** More sbatch options for both jobs, e.g. `["--partition=gpu", "--gres=gpu:1"]`. */
  sbatchArgs?: string[];
  /** At most this many array tasks at once (sbatch's `%N`). */
  maxRunning?: number;
  /** Submit every task, done ones included (they only verify and exit); default: unfinished. */
  all?: boolean;
  /** sbatch binary (default `sbatch` on PATH). */
  sbatch?: string;
  /** squeue binary (default `squeue` on PATH): which tasks are still queued or running. */
  squeue?: string;
  /** ffmpeg binary (ffprobe checks which segments are done). */
  ffmpeg?: string;
  /** Stops the submission between sbatch calls. */
  signal?: AbortSignal;
  /** Told, in one line, when a lock left by a process that is gone is taken over. */
  onNotice?: (message: string) => void;
}

/** What {@link submitSlurm} submitted. */
export interface SlurmSubmission {
  /** The tasks submitted. */
  tasks: number[];
  /** Unfinished tasks not submitted: Slurm still has them queued or running. */
  queued: number[];
  /** Array job ids, one per chunk of {@link MAX_ARRAY} tasks. */
  arrays: string[];
  /** The join job's id. */
  join: string;
  /** Where the tasks' logs go. */
  logs: string;
}

/**
 * Writes the batch scripts into `work/slurm/` and submits the plan's unfinished tasks (or all
 * of them) as job arrays, then the join, which waits for every array to succeed and is
 * cancelled if one fails (`--kill-on-invalid-dep=yes`). Calling it again after a failure
 * resubmits only what is missing; tasks that Slurm still has queued or running from an
 * earlier submission (squeue) are not submitted again, and the join waits for them too.
 *
 * @throws {OutputError} `work` is not a work folder, or another run uses it (a join, a
 *   submission).
 * @throws {UsageError} `work` has a control character or a backslash in it.
 * @throws {ToolError} sbatch is missing or refused a job.
 *
 * @example Submit a plan, the workers running this project's CLI
 * ```ts
 * import { submitSlurm } from "@fsrcnn/deno/jobs";
 * const cli = [Deno.execPath(), "run", "-A", "/opt/fsrcnn/cli/main.ts", "upscale"];
 * const work = "/shared/job";
 * const r = await submitSlurm({
 *   work,
 *   command: {
 *     segment: [...cli, "segment", "--work", work],
 *     join: [...cli, "join", "--work", work],
 *   },
 *   sbatchArgs: ["--partition=gpu", "--gres=gpu:1"],
 * });
 * console.log(`array ${r.arrays.join(",")}, join ${r.join}`);
 * ```
 */
export async function submitSlurm(o: SlurmOptions): Promise<SlurmSubmission> {
  checkPrintable(o.work, "the work folder");
  for (const word of [...o.command.segment, ...o.command.join]) {
    checkPrintable(word, "a word of the worker's command");
  }
  const logPattern = sbatchFolder(`${o.work}/logs`);
  const plan = await readPlan(o.work);
  // Two submissions at once would both submit the same tasks.
  const lock = await lockFolder(o.work, o.onNotice);
  try {
    return await lockedSubmit(o, plan, logPattern);
  } finally {
    await lock.release();
  }
}

/** A submitted job array (recorded in `slurm/arrays.json`) and its first task. */
interface SubmittedArray {
  id: string;
  offset: number;
}

async function readArrays(path: string): Promise<SubmittedArray[]> {
  try {
    const list = JSON.parse((await readTextAtMost(path, 1 << 20)) ?? "[]");
    return Array.isArray(list)
      ? list.filter((a) => typeof a?.id === "string" && Number.isSafeInteger(a?.offset))
      : [];
  } catch {
    return []; // none submitted yet (or a damaged record: squeue cannot be asked about them)
  }
}

async function lockedSubmit(
  o: SlurmOptions,
  plan: WorkPlan,
  logPattern: string,
): Promise<SlurmSubmission> {
  const dir = `${o.work}/slurm`, logs = `${o.work}/logs`;
  const wanted = o.all
    ? tasksOf(plan).map((t) => t.index)
    : (await jobStatus({ work: o.work, ffmpeg: o.ffmpeg, signal: o.signal })).pending;
  // Tasks of earlier submissions that Slurm still has: submitted again, two runs of one
  // segment would race (the second is refused by the segment's lock, and fails its array).
  const arraysFile = `${dir}/arrays.json`;
  const earlier = await readArrays(arraysFile);
  const active = earlier.length > 0
    ? await activeArrayTasks("fsrcnn-segments", { squeue: o.squeue, signal: o.signal })
    : new Map<string, number[]>();
  const live = earlier.filter((a) => active.has(a.id));
  const queuedSet = new Set(live.flatMap((a) => active.get(a.id)!.map((k) => k + a.offset)));
  const queued = wanted.filter((t) => queuedSet.has(t));
  const tasks = wanted.filter((t) => !queuedSet.has(t));
  const segmentScript = `${dir}/segment.sbatch`, joinScript = `${dir}/join.sbatch`;
  await writing(dir, async () => {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.mkdir(logs, { recursive: true });
    await Deno.writeTextFile(
      segmentScript,
      batchScript(
        o.command.segment,
        `fsrcnn: one segment of the plan in ${o.work} per array task.\n` +
          `Submitted by \`upscale submit\`; run by hand with SLURM_ARRAY_TASK_ID=K.`,
      ),
    );
    await Deno.writeTextFile(
      joinScript,
      batchScript(o.command.join, `fsrcnn: joins the segments of the plan in ${o.work}.`),
    );
  });
  const extra = o.sbatchArgs ?? [];
  const arrays: string[] = [];
  for (const chunk of arrayChunks(tasks)) {
    const limit = o.maxRunning ? `%${o.maxRunning}` : "";
    arrays.push(
      await sbatch([
        "--job-name=fsrcnn-segments",
        `--array=${chunk.spec}${limit}`,
        `--output=${logPattern}/segment-%A_%a.log`,
        `--export=ALL,${TASK_OFFSET_ENV}=${chunk.offset}`,
        ...extra,
        segmentScript,
      ], { sbatch: o.sbatch, signal: o.signal }),
    );
    await writeJsonAtomic(arraysFile, [
      ...live,
      ...arrays.map((id, i) => ({ id, offset: arrayChunks(tasks)[i].offset })),
    ]);
  }
  // The join waits for the tasks still queued from before too.
  const after = [...live.map((a) => a.id), ...arrays];
  const join = await sbatch([
    "--job-name=fsrcnn-join",
    `--output=${logPattern}/join-%j.log`,
    ...(after.length > 0
      ? [`--dependency=afterok:${after.join(":")}`, "--kill-on-invalid-dep=yes"]
      : []),
    ...extra,
    joinScript,
  ], { sbatch: o.sbatch, signal: o.signal });
  return { tasks, queued, arrays, join, logs };
}
