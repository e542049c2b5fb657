/**
 * A plan run for real on a Slurm cluster (one node, started by this test from the Debian
 * packages): a job array of the segments and a join that waits for it. One task is killed with
 * SIGKILL in the middle of its segment, so the join never runs; `upscale submit` resubmits
 * that task alone, and the joined output must be the one-piece result, bit for bit. Where
 * Slurm cannot start, the test is skipped and says why.
 */
import assert from "node:assert/strict";
import { upscaleFile } from "../mod.ts";
import {
  cli,
  decodedFrames,
  decodeRaw,
  ffmpeg,
  listDir,
  packetMd5,
  tempDir,
  videoTimestamps,
  writeWeights,
} from "./helpers.ts";
import { drain, type SlurmCluster, startSlurm } from "./slurm_cluster.ts";

const started = await startSlurm();
const cluster: SlurmCluster | null = typeof started === "string" ? null : started;
if (typeof started === "string") console.warn(`slurm_test: skipped: ${started}`);
// Stopped by the test; also when it is filtered out or the runner exits early.
globalThis.addEventListener("unload", () => cluster?.killNow());

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 120_000) {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test({
  name: "slurm: a job array of segments and a join; a task killed mid-way is resubmitted alone",
  ignore: cluster === null,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    const env = cluster!.env;
    try {
      const weights = await writeWeights(dir, 2, "random");
      const input = `${dir}/in.mkv`;
      // 4 s, a keyframe every 12 frames: with 0.5 s segments, four of them (24, 24, 24, 28
      // frames), large enough to take a moment each. No B-frames: with them, the embedded
      // ffmpeg 4.1 writes the first frame at 0 s rather than with the others' spacing (AAC's
      // 21 ms priming), which stretches the first keyframe interval past 0.5 s.
      await ffmpeg(
        ...["-f", "lavfi", "-i", "testsrc2=size=192x144:rate=25"],
        ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"],
        ...["-frames:v", "100", "-c:v", "libx264", "-g", "12", "-bf", "0", "-pix_fmt", "yuv420p"],
        ...["-c:a", "aac", "-t", "4", input],
      );
      // A % in the work folder: sbatch reads it as a pattern in the log files' names.
      const work = `${dir}/work 100%`, output = `${dir}/out.mkv`;
      let r = await cli([
        "upscale",
        "plan",
        input,
        output,
        ...["--work", work, "--weights", weights, "--codec", "ffv1", "--segment-seconds", "0.5"],
        "--slurm",
      ], env);
      assert.equal(r.code, 0, r.stderr + (await cluster!.logs()));
      assert.match(r.stderr, /4 segment tasks \(0-3\)/);
      assert.match(
        r.stderr,
        /submitted 4 segment tasks \(0-3\) as job \d+ and the join as job \d+/,
      );
      // Submitted again at once: the tasks Slurm still has are not submitted twice.
      r = await cli(["upscale", "submit", "--work", work], env);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /submitted \d+ segment tasks/);
      assert.match(r.stderr, /still queued or running in Slurm: not submitted again/);

      // kill -9 one task in the middle of its segment (its process id is in its file name).
      const items = `${work}/items/0000`;
      let killed = -1;
      await waitFor(async () => {
        const names = await listDir(items).catch(() => [] as string[]);
        for (const n of names) {
          const m = n.match(/^\.seg-(\d+)\.partial-.*-(\d+)-[0-9a-f]+\.nut$/);
          if (m && !names.includes(`seg-${m[1]}.done.json`)) {
            Deno.kill(Number(m[2]), "SIGKILL");
            killed = Number(m[1]);
            return true;
          }
        }
        return false;
      }, "a segment in progress");
      await drain(env);
      // The join never ran (its dependency failed), and the killed segment is not done.
      assert.ok(!(await Deno.stat(output).catch(() => null)), "no output after a failed task");
      r = await cli(["upscale", "status", "--work", work]);
      assert.match(r.stdout, /3 of 4 segments done/);
      assert.match(r.stdout, new RegExp(`to do: tasks ${killed}\\n`));

      // Resubmit: only the missing task, then the join.
      r = await cli(["upscale", "submit", "--work", work], env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, new RegExp(`submitted 1 segment tasks \\(${killed}\\)`));
      await drain(env);
      assert.equal(await decodedFrames(output), 100, await cluster!.logs());

      // The result is the one-piece run's, bit for bit, with the same streams.
      await upscaleFile({
        input,
        output: `${dir}/one.mkv`,
        weights,
        codec: "ffv1",
        segmentSeconds: 0,
      });
      assert.deepEqual(await decodeRaw(output), await decodeRaw(`${dir}/one.mkv`));
      assert.deepEqual(await videoTimestamps(output), await videoTimestamps(`${dir}/one.mkv`));
      assert.equal(await packetMd5(output, "0:a"), await packetMd5(input, "0:a"));
      // The work folder is gone but for the logs: one per task run, and the join's.
      const logs = await listDir(`${work}/logs`);
      assert.deepEqual(await listDir(work), ["logs"]);
      assert.equal(logs.filter((n) => n.startsWith("segment-")).length, 5, logs.join(" "));
      assert.equal(logs.filter((n) => n.startsWith("join-")).length, 1, logs.join(" "));
    } finally {
      await cluster!.stop();
      await cleanup();
    }
  },
});
