/**
 * Long jobs over many machines: a plan cut into tasks (video segments) in a shared work folder,
 * a task run anywhere that folder is mounted, the job's status, the join that writes the
 * outputs, and the Slurm and Kubernetes front ends that run the tasks. `upscaleFile` runs the
 * same plan on one machine; this is the same work, split so that a scheduler can spread it.
 *
 * @example Plan on one machine, run the tasks on others, then join
 * ```ts ignore
 * import { joinJob, planJob, runTask } from "@fsrcnn/deno/jobs";
 * const plan = await planJob({ input: "film.mkv", output: "film_x2.mkv", work: "/shared/job" });
 * // On each machine, for its share of 0 … plan.tasks - 1:
 * await runTask({ work: "/shared/job", index: 0 });
 * // Once every task is done:
 * await joinJob({ work: "/shared/job" });
 * ```
 *
 * @example The Kubernetes Jobs of a 60-task plan, without a cluster
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatIndices, kubernetesJobs } from "@fsrcnn/deno/jobs";
 * const work = "/mnt/films/job";
 * const cli = ["deno", "run", "-A", "/app/cli/main.ts", "upscale"];
 * const jobs = kubernetesJobs({
 *   work,
 *   tasks: 60,
 *   image: "registry.example/fsrcnn:1",
 *   command: { segment: [...cli, "segment", "--work", work], join: [...cli, "join", "--work", work] },
 *   claim: "films",
 *   mount: "/mnt/films",
 * });
 * assert.equal(jobs.segments.spec.completions, 60);
 * assert.equal(formatIndices([0, 1, 2, 3, 7]), "0-3,7");
 * ```
 * @module
 */

export { DEFAULT_SEGMENT_SECONDS, type PlanSettingsOptions } from "./settings.ts";
export { formatIndices } from "./indices.ts";
export { type JobPlanSummary, planJob, type PlanJobOptions } from "./plan_job.ts";
export { type JobStatus, jobStatus } from "./status.ts";
export { joinJob, type JoinSummary } from "./join_job.ts";
export { runTask, type RunTaskOptions, type TaskSummary } from "./run_task.ts";
export type { ItemWeights } from "./manifest.ts";
export { workFolderFor } from "./work.ts";
export { type SlurmOptions, type SlurmSubmission, submitSlurm } from "./slurm.ts";
export { schedulerTaskIndex } from "./scheduler_index.ts";
export {
  commonFolder,
  type KubeObject,
  kubernetesJobs,
  type KubernetesOptions,
  writeKubernetesJobs,
} from "./kubernetes.ts";
