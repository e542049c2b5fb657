/** Making one task (one segment) of a planned job, on any machine that sees its work folder. */
import { UsageError } from "../core/errors.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { probe } from "../media/ffmpeg/probe.ts";
import { tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import { createEngine } from "../net/create.ts";
import type { BackendChoice } from "../net/backends.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import type { UpscaleProgress } from "../upscale/progress.ts";
import { readPlan, type WorkPlan } from "./manifest.ts";
import { makeSegment } from "./segment.ts";
import { checkSegment, lockSegment, type Task, tasksOf } from "./work.ts";
import { itemWeights } from "./item_weights.ts";
import { checkUnchanged } from "./reuse.ts";

/** What {@link runTask} runs, and where. */
export interface RunTaskOptions {
  /** The work folder of a plan. */
  work: string;
  /** The task: from 0 to the plan's task count − 1. */
  index: number;
  /** Inference backend on this machine; default the plan's. */
  backend?: BackendChoice;
  /** CPU threads for the onnx backend; default every core. */
  threads?: number;
  /** Tile side; default the plan's. */
  tile?: number;
  /** Frames per engine call; default the plan's. */
  batch?: number;
  /** ffmpeg binary, as for {@link UpscaleOptions.ffmpeg}. */
  ffmpeg?: string;
  /** Stops the segment; its temporary file is removed. */
  signal?: AbortSignal;
  /** Progress within the segment. */
  onProgress?: (p: UpscaleProgress) => void;
  /** Told, in one line, when a lock left by a process that is gone is taken over. */
  onNotice?: (message: string) => void;
}

/** What {@link runTask} did. */
export interface TaskSummary {
  /** The task index. */
  index: number;
  /** Its video's input (absolute). */
  input: string;
  /** Its video's output (absolute). */
  output: string;
  /** The segment's position in its video, from 0. */
  segment: number;
  /** The video's segment count. */
  segments: number;
  /** Frames of the segment. */
  frames: number;
  /** True when the segment was already done (verified) and nothing was made. */
  skipped: boolean;
  /**
   * Why a finished segment found here did not stand (damaged, no checksum) and was made again,
   * in one line; absent otherwise.
   */
  remade?: string;
  /** Seconds this call took. */
  seconds: number;
  /** The backend that ran (absent when skipped). */
  backend?: string;
}

async function taskOf(work: string, index: number): Promise<{ plan: WorkPlan; task: Task }> {
  const plan = await readPlan(work);
  const tasks = tasksOf(plan);
  if (!Number.isSafeInteger(index) || index < 0 || index >= tasks.length) {
    throw new UsageError(
      `task ${index} does not exist: the plan in ${work} has tasks 0 to ${tasks.length - 1}`,
    );
  }
  return { plan, task: tasks[index] };
}

/**
 * Makes one segment of a plan, unless it is already done (then it only verifies it). Any
 * number of these may run at once on machines sharing the work folder, each on its own index.
 *
 * @param o The work folder, the task index, and this machine's engine settings.
 * @returns What was done.
 * @throws {UsageError} No such task.
 * @throws {InputError} The input changed since it was planned, or its frames did not decode.
 * @throws {ToolError} ffmpeg failed.
 * @throws {CancelledError} `signal` was aborted (the partial segment is removed).
 *
 * @example A worker that takes its task from a Slurm job array
 * ```ts
 * import { runTask } from "@fsrcnn/deno/jobs";
 * const index = Number(Deno.env.get("SLURM_ARRAY_TASK_ID"));
 * const task = await runTask({ work: "/shared/job", index, backend: "auto" });
 * console.log(task.skipped ? "already done" : `${task.frames} frames in ${task.seconds} s`);
 * ```
 */
export async function runTask(o: RunTaskOptions): Promise<TaskSummary> {
  const started = performance.now();
  const { plan, task } = await taskOf(o.work, o.index);
  const item = plan.items[task.item];
  const base = {
    index: o.index,
    input: item.input,
    output: item.output,
    segment: task.segment.index,
    segments: item.segments.length,
    frames: task.segment.frames,
  };
  // Held while the segment is checked and made: another run of the same task is refused.
  const lock = await lockSegment(o.work, plan, task, o.onNotice);
  try {
    return await lockedTask(o, plan, task, base, started);
  } finally {
    await lock.release();
  }
}

async function lockedTask(
  o: RunTaskOptions,
  plan: WorkPlan,
  task: Task,
  base: Omit<TaskSummary, "skipped" | "seconds">,
  started: number,
): Promise<TaskSummary> {
  const item = plan.items[task.item];
  const tools = await resolveTools(o.ffmpeg);
  const check = await checkSegment(o.work, plan, task, { signal: o.signal, repair: true });
  if (check.done) {
    return { ...base, skipped: true, seconds: (performance.now() - started) / 1000 };
  }
  await checkUnchanged(item);
  const info = await probe(tools, item.input, { signal: o.signal });
  const { weights } = await itemWeights(o.work, plan, task.item);
  const engine = await createEngine(weights, {
    backend: o.backend ?? plan.run.backend,
    threads: o.threads,
  });
  try {
    await makeSegment({
      tools,
      caps: await capabilities(tools),
      upscaler: new TiledUpscaler(engine, { tile: o.tile ?? plan.run.tile ?? undefined }),
      batch: o.batch ?? plan.run.batch,
      work: o.work,
      plan,
      task,
      info,
      signal: o.signal,
      onProgress: o.onProgress,
    });
  } finally {
    engine.dispose();
  }
  return {
    ...base,
    skipped: false,
    ...(check.problem ? { remade: check.problem } : {}),
    seconds: (performance.now() - started) / 1000,
    backend: engine.info.backend,
  };
}
