/** A job's state, read from its work folder. */
import { exists } from "../core/fs.ts";
import { readPlan, type WorkPlan } from "./manifest.ts";
import { checkSegment, joinedRecord, tasksOf } from "./work.ts";

/** The state of a job, from its work folder. */
export interface JobStatus {
  /** The work folder. */
  work: string;
  /** Tasks in the plan. */
  tasks: number;
  /** Indices of the tasks done (verified). */
  done: number[];
  /** Indices of the tasks still to do. */
  pending: number[];
  /**
   * Tasks whose finished segment does not stand (damaged, or recorded without a checksum by
   * an older version), each with why in one line; they are among `pending`.
   */
  damaged: { index: number; problem: string }[];
  /** Frames of all videos. */
  frames: number;
  /** Frames of the segments done. */
  doneFrames: number;
  /** Each video's progress. */
  items: {
    /** Input path. */
    input: string;
    /** Output path. */
    output: string;
    /** Its segments. */
    segments: number;
    /** Its segments done. */
    done: number;
    /** The output has been written by a join. */
    joined: boolean;
  }[];
}

/**
 * Reads a job's state from its work folder, verifying each finished segment (see
 * verifiedDone; nothing is changed).
 *
 * @throws {OutputError} `work` is not a work folder.
 *
 * @example What is left to do
 * ```ts
 * import { jobStatus } from "@fsrcnn/deno/jobs";
 * const s = await jobStatus({ work: "/shared/job" });
 * console.log(`${s.done.length} of ${s.tasks} done; to do: ${s.pending.join(",")}`);
 * ```
 */
export async function jobStatus(
  o: { work: string; ffmpeg?: string; signal?: AbortSignal },
): Promise<JobStatus> {
  return planStatus(o.work, await readPlan(o.work), o.signal);
}

/** The state of the job that `plan` (read from `work`) describes (see jobStatus). */
export async function planStatus(
  work: string,
  plan: WorkPlan,
  signal?: AbortSignal,
): Promise<JobStatus> {
  const o = { work, signal };
  const done: number[] = [], pending: number[] = [];
  const damaged: JobStatus["damaged"] = [];
  let doneFrames = 0;
  const items = plan.items.map((it) => ({
    input: it.input,
    output: it.output,
    segments: it.segments.length,
    done: 0,
    joined: false,
  }));
  for (const [i, it] of plan.items.entries()) {
    items[i].joined = await exists(joinedRecord(o.work, it));
  }
  for (const task of tasksOf(plan)) {
    const check: { done: boolean; problem?: string | null } = items[task.item].joined
      ? { done: true }
      : await checkSegment(o.work, plan, task, { signal: o.signal, repair: false });
    const ok = check.done;
    if (!check.done && check.problem) damaged.push({ index: task.index, problem: check.problem });
    (ok ? done : pending).push(task.index);
    if (ok) {
      items[task.item].done++;
      doneFrames += task.segment.frames;
    }
  }
  return {
    work: o.work,
    tasks: done.length + pending.length,
    done,
    pending,
    damaged,
    frames: plan.items.reduce((n, it) => n + it.frames, 0),
    doneFrames,
    items,
  };
}
