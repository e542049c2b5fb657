/**
 * `upscale plan | segment | join | status | submit`: one job over many machines. A plan is cut
 * into tasks (video segments) in a shared work folder; a scheduler (a Slurm job array, a
 * Kubernetes Indexed Job, or a shell loop) runs `segment` once per task index; `join` writes
 * the outputs.
 */
import { Command } from "commander";
import { UsageError } from "../../mod.ts";
import {
  commonFolder,
  formatIndices,
  type JobStatus,
  jobStatus,
  joinJob,
  planJob,
  runTask,
  schedulerTaskIndex,
  submitSlurm,
  writeKubernetesJobs,
} from "../../src/jobs/mod.ts";
import {
  maxPixelsOf,
  maxPixelsOption,
  nonNegativeInt,
  parseBackend,
  pixelOptions,
  pixelSettings,
  positiveInt,
  splitArgs,
} from "../flags.ts";
import { progressLine, weightsLine } from "../lines.ts";
import { runCommand, withCancel } from "../run.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

/** The command lines that run `segment` and `join` for a work folder on a cluster node. */
export function workerCommands(
  work: string,
  o: { deno?: string; main?: string; ffmpeg?: string } = {},
): { segment: string[]; join: string[] } {
  const base = [o.deno ?? Deno.execPath(), "run", "-A", o.main ?? MAIN, "upscale"];
  const tail = ["--work", absolute(work), ...(o.ffmpeg ? ["--ffmpeg", o.ffmpeg] : [])];
  return { segment: [...base, "segment", ...tail], join: [...base, "join", ...tail] };
}

/**
 * The task index of a `segment` run: `--index`, else the one its scheduler gave it (a Slurm
 * array task or a Kubernetes Indexed Job).
 */
export function taskIndex(
  flag: number | undefined,
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): number {
  if (flag !== undefined) return flag;
  const index = schedulerTaskIndex(env);
  if (index !== undefined) return index;
  throw new UsageError(
    "which segment? give --index K (or run it as a Slurm array task or a Kubernetes Indexed Job)",
  );
}

function statusText(s: JobStatus): string {
  const lines = [
    `${s.work}: ${s.done.length} of ${s.tasks} segments done (${s.doneFrames} of ${s.frames} frames)`,
  ];
  for (const it of s.items) {
    lines.push(
      `  ${it.input} -> ${it.output}: ${
        it.joined ? "written" : `${it.done} of ${it.segments} segments`
      }`,
    );
  }
  for (const d of s.damaged) lines.push(`task ${d.index}: ${d.problem}`);
  if (s.pending.length > 0) lines.push(`to do: tasks ${formatIndices(s.pending)}`);
  return lines.join("\n");
}

/** A notice from the library (a stale lock taken over): told even when quiet. */
function notice(message: string): void {
  console.error(`fsrcnn: ${message}`);
}

function say(quiet: boolean | undefined, line: string): void {
  if (!quiet) console.error(line);
}

function slurmOptions(command: Command): Command {
  return command
    .option("--sbatch-args <args>", 'more sbatch options, e.g. "--partition=gpu --gres=gpu:1"')
    .option(
      "--max-running <n>",
      "at most this many segment tasks at once",
      positiveInt("--max-running"),
    );
}

async function submit(
  work: string,
  opts: {
    sbatchArgs?: string;
    maxRunning?: number;
    all?: boolean;
    ffmpeg?: string;
    quiet?: boolean;
  },
  signal: AbortSignal,
): Promise<void> {
  const r = await submitSlurm({
    work,
    command: workerCommands(work, { ffmpeg: opts.ffmpeg }),
    sbatchArgs: opts.sbatchArgs ? splitArgs(opts.sbatchArgs) : undefined,
    maxRunning: opts.maxRunning,
    all: opts.all,
    ffmpeg: opts.ffmpeg,
    signal,
    onNotice: notice,
  });
  // The job ids go to stdout, for scripts; the story to stderr.
  console.log([...r.arrays, r.join].join(" "));
  if (r.queued.length > 0) {
    say(
      opts.quiet,
      `${r.queued.length} segment tasks (${
        formatIndices(r.queued)
      }) are still queued or running in Slurm: not submitted again`,
    );
  }
  say(
    opts.quiet,
    r.tasks.length > 0
      ? `submitted ${r.tasks.length} segment tasks (${formatIndices(r.tasks)}) as job ${
        r.arrays.join(", ")
      } and the join as job ${r.join}; logs in ${r.logs}`
      : `${
        r.queued.length > 0 ? "no segment to submit" : "every segment is done"
      }; submitted the join as job ${r.join}`,
  );
}

function planCommand(): Command {
  const command = new Command("plan")
    .description(
      "plan a segmented job in a shared work folder (a video, or a folder of videos)",
    )
    .argument("<input>", "video file, or a folder of videos")
    .argument("<output>", "video file, or the output folder")
    .option(
      "--work <dir>",
      "work folder on storage every machine sees (default: beside the output)",
    );
  maxPixelsOption(pixelOptions(command))
    .option("-y, --overwrite", "replace existing outputs at the join")
    .option("--restart", "discard an existing plan in the work folder")
    .option("--ffmpeg <path>", "ffmpeg binary (default: $FFMPEG_PATH, PATH, then the embedded one)")
    .option("--slurm", "submit it to Slurm: a job array of the segments and a join job")
    .option(
      "--kubernetes <image>",
      "write Kubernetes Jobs (Indexed, and the join) using this image",
    )
    .option("--k8s-claim <name>", "ReadWriteMany PersistentVolumeClaim to mount", "fsrcnn-work")
    .option(
      "--k8s-mount <dir>",
      "where the claim is mounted (default: the folder shared by work, inputs, outputs)",
    )
    .option("--k8s-app <dir>", "where the image holds this project", "/app")
    .option(
      "--k8s-parallelism <n>",
      "pods at once (default: all)",
      positiveInt("--k8s-parallelism"),
    )
    .option("--k8s-gpus <n>", "GPUs per segment pod", positiveInt("--k8s-gpus"))
    .option("-q, --quiet", "print only job ids");
  slurmOptions(command);
  return command.action((input: string, output: string, opts) =>
    runCommand(() =>
      withCancel(async (signal) => {
        const plan = await planJob({
          input,
          output,
          work: opts.work,
          ...pixelSettings(opts),
          overwrite: opts.overwrite,
          restart: opts.restart,
          ffmpeg: opts.ffmpeg,
          maxPixels: maxPixelsOf(opts),
          signal,
          onNotice: notice,
        });
        say(
          opts.quiet,
          `${plan.work}: ${plan.existing ? "already planned" : "planned"}: ${plan.items.length} ` +
            `video${plan.items.length === 1 ? "" : "s"}, ${plan.frames} frames, ` +
            `${plan.tasks} segment tasks (0-${plan.tasks - 1})`,
        );
        for (const it of plan.items) {
          if (opts.verbose) console.error(weightsLine(it.input, it.weights));
          // Told even when quiet, as `upscale` tells them.
          for (const n of it.notices) console.error(`fsrcnn: ${n.message}`);
          if (it.uncuttable) say(opts.quiet, `${it.input}: one segment: ${it.uncuttable}`);
        }
        if (opts.kubernetes) {
          const mount = opts.k8sMount ??
            commonFolder([absolute(plan.work), ...plan.items.flatMap((i) => [i.input, i.output])]);
          const app = opts.k8sApp.replace(/\/+$/, "");
          const files = await writeKubernetesJobs({
            work: absolute(plan.work),
            tasks: plan.tasks,
            image: opts.kubernetes,
            command: workerCommands(plan.work, { deno: "deno", main: `${app}/cli/main.ts` }),
            claim: opts.k8sClaim,
            mount,
            parallelism: opts.k8sParallelism,
            gpus: opts.k8sGpus,
          });
          say(
            opts.quiet,
            `Kubernetes: kubectl apply -f ${files.segments}, wait for it to complete, ` +
              `then kubectl apply -f ${files.join}`,
          );
        }
        if (opts.slurm) await submit(plan.work, opts, signal);
        else if (!opts.kubernetes) {
          say(
            opts.quiet,
            `run each task with: upscale segment --work ${plan.work} --index K; then: upscale join --work ${plan.work}`,
          );
        }
      })
    )
  );
}

function submitCommand(): Command {
  const command = new Command("submit")
    .description("submit a plan's unfinished segments to Slurm (a job array), then its join")
    .requiredOption("--work <dir>", "the plan's work folder")
    .option("--all", "submit every segment (finished ones only verify and exit)")
    .option("--ffmpeg <path>", "ffmpeg binary for the tasks")
    .option("-q, --quiet", "print only job ids");
  slurmOptions(command);
  return command.action((opts) =>
    runCommand(() => withCancel((signal) => submit(opts.work, opts, signal)))
  );
}

function segmentCommand(): Command {
  return new Command("segment")
    .description("make one segment of a plan (a scheduler's array task)")
    .requiredOption("--work <dir>", "the plan's work folder")
    .option(
      "--index <k>",
      "the task (default: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)",
      nonNegativeInt("--index"),
    )
    .option("--backend <name>", "inference backend here (default: the plan's)", parseBackend)
    .option("--threads <n>", "CPU threads for the onnx backend", positiveInt("--threads"))
    .option("--tile <n>", "tile side in input pixels (default: the plan's)", positiveInt("--tile"))
    .option(
      "--batch <n>",
      "frames per inference call (default: the plan's)",
      positiveInt("--batch"),
    )
    .option("--ffmpeg <path>", "ffmpeg binary")
    .option("-q, --quiet", "no progress or summary")
    .action((opts) =>
      runCommand(() =>
        withCancel(async (signal) => {
          const index = taskIndex(opts.index);
          const live = !opts.quiet && Deno.stderr.isTerminal();
          const enc = new TextEncoder();
          // A Slurm task shares its node: use the CPUs it was given, not the node's.
          const slurmCpus = Number(Deno.env.get("SLURM_CPUS_PER_TASK"));
          const r = await runTask({
            work: opts.work,
            index,
            backend: opts.backend,
            threads: opts.threads ?? (slurmCpus > 0 ? slurmCpus : undefined),
            tile: opts.tile,
            batch: opts.batch,
            ffmpeg: opts.ffmpeg,
            signal,
            onNotice: notice,
            onProgress: live
              ? (p) => Deno.stderr.writeSync(enc.encode(`\r\x1b[K${progressLine(p)}`))
              : undefined,
          });
          if (live) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
          // Told even when quiet: a finished segment was found damaged.
          if (r.remade) notice(`${r.remade}; made again`);
          say(
            opts.quiet,
            `task ${r.index}: ${r.input} segment ${
              r.segment + 1
            }/${r.segments}, ${r.frames} frames: ` +
              (r.skipped
                ? "already done"
                : `made in ${r.seconds.toFixed(1)} s (${
                  (r.frames / r.seconds).toFixed(2)
                } fps, ${r.backend})`),
          );
        })
      )
    );
}

function joinCommand(): Command {
  return new Command("join")
    .description("write a plan's outputs from its finished segments")
    .requiredOption("--work <dir>", "the plan's work folder")
    .option("--keep-work", "keep the work folder afterwards")
    .option("--ffmpeg <path>", "ffmpeg binary")
    .option("-q, --quiet", "no summary")
    .action((opts) =>
      runCommand(() =>
        withCancel(async (signal) => {
          const r = await joinJob({
            work: opts.work,
            keepWork: opts.keepWork,
            ffmpeg: opts.ffmpeg,
            signal,
            onNotice: notice,
          });
          for (const o of r.outputs) say(opts.quiet, `${o.output}: ${o.frames} frames`);
          if (r.removed) say(opts.quiet, `${opts.work}: removed (logs, if any, are kept)`);
        })
      )
    );
}

function statusCommand(): Command {
  return new Command("status")
    .description("show which segments of a plan are done")
    .requiredOption("--work <dir>", "the plan's work folder")
    .option("--json", "machine-readable")
    .option("--ffmpeg <path>", "ffprobe's ffmpeg")
    .action((opts) =>
      runCommand(() =>
        withCancel(async (signal) => {
          const s = await jobStatus({ work: opts.work, ffmpeg: opts.ffmpeg, signal });
          console.log(opts.json ? JSON.stringify(s, null, 2) : statusText(s));
        })
      )
    );
}

/** The subcommands of `upscale` that split one job over many machines. */
export function jobCommands(): Command[] {
  return [planCommand(), submitCommand(), segmentCommand(), joinCommand(), statusCommand()];
}
