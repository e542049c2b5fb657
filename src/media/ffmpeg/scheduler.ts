/**
 * Submitting batch jobs to Slurm with `sbatch`. It lives beside ffmpeg because this folder is
 * the project's one home for starting processes (argument arrays, no shell, one-line errors);
 * what is submitted is decided in src/jobs/slurm.ts.
 */
import { ToolError } from "../../core/errors.ts";
import { runTool, stderrTail } from "./process.ts";

/** The job id in `sbatch --parsable` output (`12345` or `12345;cluster`). */
export function parseJobId(stdout: string): string | null {
  const m = stdout.trim().match(/^(\d+)(;\S+)?$/);
  return m ? m[1] : null;
}

/**
 * Runs `sbatch --parsable ARGS` and returns the new job's id.
 *
 * @param args sbatch options and the batch script (`--parsable` is added first).
 * @param o `sbatch`: the binary (default `sbatch` on PATH); `signal` stops it.
 * @throws {ToolError} sbatch is missing, refused the job, or printed no job id.
 */
export async function sbatch(
  args: string[],
  o: { sbatch?: string; signal?: AbortSignal } = {},
): Promise<string> {
  const bin = o.sbatch ?? "sbatch";
  let r;
  try {
    r = await runTool(bin, ["--parsable", ...args], { signal: o.signal });
  } catch (e) {
    if (e instanceof ToolError) {
      throw new ToolError(`cannot run ${bin}: is this a Slurm login node? (${e.message})`);
    }
    throw e;
  }
  const out = new TextDecoder().decode(r.stdout);
  if (r.code !== 0) {
    throw new ToolError(`sbatch refused the job: ${stderrTail(r.stderr) || `exit ${r.code}`}`);
  }
  const id = parseJobId(out);
  if (!id) throw new ToolError(`sbatch printed no job id: ${out.trim() || stderrTail(r.stderr)}`);
  return id;
}

/**
 * The array tasks Slurm still has queued or running (any state but finished), of the jobs
 * named `name`: `squeue -h -r --name NAME -o "%F %K"`, one array element per line.
 *
 * @returns Each array job's id with its task indices still active.
 * @throws {ToolError} squeue is missing or failed.
 */
export async function activeArrayTasks(
  name: string,
  o: { squeue?: string; signal?: AbortSignal } = {},
): Promise<Map<string, number[]>> {
  const bin = o.squeue ?? "squeue";
  let r;
  try {
    r = await runTool(bin, ["-h", "-r", `--name=${name}`, "-o", "%F %K"], { signal: o.signal });
  } catch (e) {
    if (e instanceof ToolError) {
      throw new ToolError(`cannot run ${bin}: is this a Slurm login node? (${e.message})`);
    }
    throw e;
  }
  if (r.code !== 0) {
    throw new ToolError(`squeue failed: ${stderrTail(r.stderr) || `exit ${r.code}`}`);
  }
  return parseArrayTasks(new TextDecoder().decode(r.stdout));
}

/** Reads `squeue -o "%F %K"` lines (array job id, task index; `N/A` outside arrays). */
export function parseArrayTasks(stdout: string): Map<string, number[]> {
  const tasks = new Map<string, number[]>();
  for (const line of stdout.split("\n")) {
    const m = line.trim().match(/^(\d+) (\d+)$/);
    if (!m) continue;
    if (!tasks.has(m[1])) tasks.set(m[1], []);
    tasks.get(m[1])!.push(Number(m[2]));
  }
  return tasks;
}
