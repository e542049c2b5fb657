/** Joining every video of a job whose segments are all done. */
import { OutputError } from "../core/errors.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { probe } from "../media/ffmpeg/probe.ts";
import { tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import { joinItem } from "./join.ts";
import { readPlan, type WorkPlan, writeJsonAtomic } from "./manifest.ts";
import { joinedRecord, lockFolder, removeWork } from "./work.ts";
import { checkUnchanged } from "./reuse.ts";
import { planStatus } from "./status.ts";
import { formatIndices } from "./indices.ts";

/** What {@link joinJob} wrote. */
export interface JoinSummary {
  /** Outputs written by this call (videos joined earlier are not listed again). */
  outputs: { output: string; frames: number }[];
  /** The work folder was removed (all outputs are written and `keepWork` was not set). */
  removed: boolean;
}

/**
 * Joins every video of a plan whose segments are all done into its output (see joinItem),
 * then removes the work folder when every output is written, unless `keepWork`.
 *
 * @throws {OutputError} Some segments are not done (after the complete videos were joined),
 *   or an output cannot be written.
 * @throws {InputError} An input changed since it was planned.
 * @throws {ToolError} ffmpeg failed.
 *
 * @example Join, keeping the segments
 * ```ts
 * import { joinJob } from "@fsrcnn/deno/jobs";
 * const r = await joinJob({ work: "/shared/job", keepWork: true });
 * for (const o of r.outputs) console.log(`${o.output}: ${o.frames} frames`);
 * ```
 */
export async function joinJob(
  o: {
    work: string;
    keepWork?: boolean;
    ffmpeg?: string;
    signal?: AbortSignal;
    /** Told, in one line, when a lock left by a process that is gone is taken over. */
    onNotice?: (message: string) => void;
  },
): Promise<JoinSummary> {
  const plan = await readPlan(o.work);
  const lock = await lockFolder(o.work, o.onNotice);
  try {
    return await lockedJoin(o, plan);
  } finally {
    await lock.release();
  }
}

async function lockedJoin(
  o: { work: string; keepWork?: boolean; ffmpeg?: string; signal?: AbortSignal },
  plan: WorkPlan,
): Promise<JoinSummary> {
  const tools = await resolveTools(o.ffmpeg);
  const caps = await capabilities(tools);
  const status = await planStatus(o.work, plan, o.signal);
  const outputs: JoinSummary["outputs"] = [];
  for (const [i, item] of plan.items.entries()) {
    const s = status.items[i];
    if (s.joined || s.done < s.segments) continue;
    await checkUnchanged(item);
    const info = await probe(tools, item.input, { signal: o.signal });
    const r = await joinItem({ tools, caps, work: o.work, plan, item: i, info, signal: o.signal });
    await writeJsonAtomic(joinedRecord(o.work, item), { finished: new Date().toISOString() });
    outputs.push({ output: item.output, frames: r.frames });
  }
  if (status.pending.length > 0) {
    throw new OutputError(
      o.work,
      `${status.pending.length} of ${status.tasks} segments are not done yet (tasks ${
        formatIndices(status.pending)
      })` + (outputs.length > 0 ? `; ${outputs.length} complete videos were joined` : "") +
        (status.damaged.length > 0
          ? `; ${status.damaged.length} of them must be made again (task ${
            status.damaged[0].index
          }: ${status.damaged[0].problem})`
          : ""),
    );
  }
  if (!o.keepWork) await removeWork(o.work);
  return { outputs, removed: !o.keepWork };
}
