import assert from "node:assert/strict";
import { UsageError } from "../mod.ts";
import { taskIndex, workerCommands } from "./commands/jobs.ts";
import { progressLine } from "./lines.ts";

Deno.test("taskIndex: --index, else Slurm's array task (plus offset), else Kubernetes' index", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assert.equal(taskIndex(3, env({ SLURM_ARRAY_TASK_ID: "5" })), 3);
  assert.equal(taskIndex(undefined, env({ SLURM_ARRAY_TASK_ID: "5" })), 5);
  assert.equal(
    taskIndex(undefined, env({ SLURM_ARRAY_TASK_ID: "5", FSRCNN_TASK_OFFSET: "1000" })),
    1005,
  );
  assert.equal(taskIndex(undefined, env({ JOB_COMPLETION_INDEX: "0" })), 0);
  assert.throws(() => taskIndex(undefined, env({})), UsageError);
  assert.throws(() => taskIndex(undefined, env({ SLURM_ARRAY_TASK_ID: "x" })), UsageError);
});

Deno.test("workerCommands: the same CLI, absolute work folder, ffmpeg passed on", () => {
  const c = workerCommands("w", { deno: "deno", main: "/app/cli/main.ts", ffmpeg: "/opt/ffmpeg" });
  assert.deepEqual(c.segment, [
    "deno",
    "run",
    "-A",
    "/app/cli/main.ts",
    "upscale",
    "segment",
    "--work",
    `${Deno.cwd()}/w`,
    "--ffmpeg",
    "/opt/ffmpeg",
  ]);
  assert.deepEqual(c.join.slice(4, 6), ["upscale", "join"]);
});

Deno.test("progress line of a segmented run shows the segment and what was done before", () => {
  assert.equal(
    progressLine({
      frames: 150,
      total: 300,
      seconds: 10,
      fps: 5,
      eta: 30,
      resumed: 100,
      segments: { done: 2, total: 6 },
    }),
    "frame 150/300 (50%) segment 3/6 (100 frames done before) 5.0 fps 0:10 ETA 0:30",
  );
});
