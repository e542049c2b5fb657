/**
 * The task a scheduler started this process for: the one thing a `segment` worker learns from
 * its environment. It lives beside the schedulers' scripts, which set the variables it reads.
 */
import { UsageError } from "../core/errors.ts";
import { TASK_OFFSET_ENV } from "./slurm.ts";

/**
 * The task index a scheduler gave this process: a Slurm array task (`SLURM_ARRAY_TASK_ID`
 * plus the offset {@link submitSlurm} sets for plans larger than one array), else a Kubernetes
 * Indexed Job's `JOB_COMPLETION_INDEX`.
 *
 * @param env Reads an environment variable (default: the process's).
 * @returns The index, or undefined when no scheduler set one.
 * @throws {UsageError} A variable is set but is not a whole number.
 *
 * @example Which segment of a plan this array task makes
 * ```ts
 * import { schedulerTaskIndex } from "@fsrcnn/deno/jobs";
 * const env = new Map([["SLURM_ARRAY_TASK_ID", "7"], ["FSRCNN_TASK_OFFSET", "1000"]]);
 * console.log(schedulerTaskIndex((name) => env.get(name))); // 1007
 * ```
 */
export function schedulerTaskIndex(
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): number | undefined {
  const int = (name: string) => {
    const v = env(name);
    if (v === undefined || v === "") return undefined;
    if (!/^\d+$/.test(v)) throw new UsageError(`${name}=${v} is not a task index`);
    return Number(v);
  };
  const slurm = int("SLURM_ARRAY_TASK_ID");
  if (slurm !== undefined) return slurm + (int(TASK_OFFSET_ENV) ?? 0);
  return int("JOB_COMPLETION_INDEX");
}
