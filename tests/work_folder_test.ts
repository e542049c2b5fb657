/**
 * A segmented job's work folder under damage and misuse, through the CLI: a finished segment
 * damaged on disk, a damaged plan, a read-only folder, a second run of the same job, -y on a
 * resumed run. The contract: nothing damaged reaches an output, and every refusal is one line.
 */
import assert from "node:assert/strict";
import { upscaleFile } from "../mod.ts";
import { jobStatus, planJob, runTask } from "../src/jobs/mod.ts";
import {
  assertFails,
  cli,
  decodeRaw,
  ffmpeg,
  listDir,
  ok,
  stderrLines,
  tempDir,
  writeWeights,
} from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** 48 frames of 64x48 at 25 fps, a keyframe every 12: with 0.5 s segments, two of 24. */
async function clip(dir: string): Promise<string> {
  const path = `${dir}/in.mkv`;
  await ffmpeg(
    ...["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "48"],
    ...["-c:v", "libx264", "-g", "12", "-pix_fmt", "yuv420p", path],
  );
  return path;
}

const SETTINGS = { codec: "ffv1", segmentSeconds: 0.5 };

/** Flips one byte in the middle of a file (same size, same name). */
async function flipMiddle(path: string): Promise<void> {
  const data = await Deno.readFile(path);
  data[data.length >> 1] ^= 0x55;
  await Deno.writeFile(path, data);
}

Deno.test({
  ...opts,
  name: "work folder: a damaged segment is never joined; `segment` makes it again, with a notice",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await clip(dir);
      const work = `${dir}/work`, output = `${dir}/out.mkv`;
      const plan = await planJob({ input, output, work, weights, ...SETTINGS });
      assert.equal(plan.tasks, 2);
      for (const index of [0, 1]) await runTask({ work, index });
      const seg = `${work}/items/0000/seg-00001.nut`;
      await flipMiddle(seg);

      let r = await cli(["upscale", "join", "--work", work]);
      assertFails(
        r,
        1,
        /segments are not done yet \(tasks 1\); 1 of them must be made again \(task 1: .*seg-00001\.nut: does not match the checksum in its record \(damaged\)\)$/,
      );
      assert.ok(!(await Deno.stat(output).catch(() => null)), "no output from a damaged segment");
      r = await cli(["upscale", "status", "--work", work]);
      assert.match(r.stdout, /task 1: .*seg-00001\.nut: does not match the checksum/);

      r = await cli(["upscale", "segment", "--work", work, "--index", "1", "-q"]);
      ok(r);
      assert.deepEqual(stderrLines(r.stderr), [
        `fsrcnn: ${seg}: does not match the checksum in its record (damaged); made again`,
      ]);
      ok(await cli(["upscale", "join", "--work", work, "-q"]));
      const one = `${dir}/one.mkv`;
      await upscaleFile({ input, output: one, weights, ...SETTINGS, segmentSeconds: 0 });
      assert.deepEqual(await decodeRaw(output), await decodeRaw(one));
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "work folder: a resumed run with -y replaces a finished output and remakes damage",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await clip(dir);
      const output = `${dir}/out.mkv`, work = `${dir}/.out.mkv.fsrcnn-work`;
      // What a run killed between the join's rename and its clean-up leaves (or --keep-work).
      await upscaleFile({ input, output, weights, ...SETTINGS, keepWork: true });
      const reference = await decodeRaw(output);
      await flipMiddle(`${work}/items/0000/seg-00000.nut`);
      // A record from before checksums: not trusted, the segment is made again.
      const record = `${work}/items/0000/seg-00001.done.json`;
      const { sha256: _, ...old } = JSON.parse(await Deno.readTextFile(record));
      await Deno.writeTextFile(record, JSON.stringify(old));
      const status = await jobStatus({ work });
      assert.deepEqual(status.pending, [0, 1]);
      assert.match(status.damaged[1].problem, /seg-00001\.nut: its record has no checksum/);

      const r = await cli([
        "upscale",
        input,
        output,
        ...["--weights", weights, "--codec", "ffv1", "--segment-seconds", "0.5", "-y", "-q"],
      ]);
      ok(r);
      assert.deepEqual(stderrLines(r.stderr), [
        `fsrcnn: ${work}/items/0000/seg-00000.nut: does not match the checksum in its record (damaged); made again`,
        `fsrcnn: ${work}/items/0000/seg-00001.nut: its record has no checksum (an older version made it); made again`,
      ]);
      assert.deepEqual(await decodeRaw(output), reference);
      assert.deepEqual(await listDir(dir), ["in.mkv", "nearest_x2.safetensors", "out.mkv"]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "work folder: a plan without videos is refused in one line, the folder kept",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await clip(dir);
      const work = `${dir}/work`;
      await planJob({ input, output: `${dir}/out.mkv`, work, weights, ...SETTINGS });
      const plan = JSON.parse(await Deno.readTextFile(`${work}/plan.json`));
      await Deno.writeTextFile(`${work}/plan.json`, JSON.stringify({ ...plan, items: [] }));
      const r = await cli(["upscale", "join", "--work", work]);
      assertFails(r, 1, /^fsrcnn: .*\/work\/plan\.json: is damaged: items is empty/);
      assert.ok((await listDir(work)).includes("plan.json"), "the work folder is kept");
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "work folder: a read-only work folder fails in one line",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    const share = `${dir}/share`;
    await Deno.mkdir(share);
    const mounted = (await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", "size=8m", "tmpfs", share],
      stderr: "null",
    }).output().catch(() => ({ code: -1 }))).code === 0;
    try {
      if (!mounted) {
        console.warn("read-only work folder test skipped: cannot mount a tmpfs (not root?)");
        return;
      }
      const weights = await writeWeights(dir, 2);
      const input = await clip(dir);
      const work = `${share}/work`;
      await planJob({ input, output: `${dir}/a.mkv`, work, weights, ...SETTINGS });
      const remount = await new Deno.Command("mount", { args: ["-o", "remount,ro", share] })
        .output();
      assert.equal(remount.code, 0);
      // Planning into it, and making a segment in it.
      let r = await cli([
        "upscale",
        "plan",
        input,
        `${dir}/b.mkv`,
        ...["--work", `${share}/other`, "--weights", weights, "--codec", "ffv1"],
      ]);
      assertFails(r, 1, /^fsrcnn: .*\/share\/other: cannot be written \(Read-only file system\)$/);
      r = await cli(["upscale", "segment", "--work", work, "--index", "0"]);
      assertFails(r, 1, /^fsrcnn: .*\/share\/work\/items\/0000\/.*Read-only file system/);
      assert.deepEqual(await listDir(dir), ["in.mkv", "nearest_x2.safetensors", "share"]);
    } finally {
      if (mounted) await new Deno.Command("umount", { args: [share] }).output();
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "work folder: locks keep two runs off one segment or one join; stale ones are taken over",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    const sleeper = new Deno.Command("sleep", { args: ["60"] }).spawn();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await clip(dir);
      const work = `${dir}/work`, items = `${work}/items/0000`;
      await planJob({ input, output: `${dir}/out.mkv`, work, weights, ...SETTINGS });
      const host = Deno.hostname(), since = new Date().toISOString();
      const lock = (path: string, h: string, pid: number) =>
        Deno.writeTextFile(path, JSON.stringify({ host: h, pid, since }));
      // Task 0 is being made by a running process here; task 1's maker was killed.
      await lock(`${items}/seg-00000.lock`, host, sleeper.pid);
      const gone = new Deno.Command("true").spawn();
      await gone.status;
      await lock(`${items}/seg-00001.lock`, host, gone.pid);

      let r = await cli(["upscale", "segment", "--work", work, "--index", "0"]);
      assertFails(
        r,
        1,
        new RegExp(
          `^fsrcnn: ${items}/seg-00000\\.nut: is in use by process ${sleeper.pid} on ${host} .*; if no run uses it, remove ${items}/seg-00000\\.lock$`,
        ),
      );
      assert.ok(!(await listDir(items)).includes("seg-00000.nut"));
      r = await cli(["upscale", "segment", "--work", work, "--index", "1", "-q"]);
      ok(r);
      assert.deepEqual(stderrLines(r.stderr), [
        `fsrcnn: ${items}/seg-00001.lock: taken over from process ${gone.pid} on ${host} (since ${since}), which is gone`,
      ]);
      assert.ok((await listDir(items)).includes("seg-00001.done.json"));
      assert.ok(!(await listDir(items)).includes("seg-00001.lock"), "released");

      // A join running on another node holds the folder.
      await lock(`${work}/lock`, "node-17", 4242);
      r = await cli(["upscale", "join", "--work", work]);
      assertFails(
        r,
        1,
        new RegExp(
          `^fsrcnn: ${work}: is in use by process 4242 on node-17 .*; if no run uses it, remove ${work}/lock$`,
        ),
      );
    } finally {
      sleeper.kill();
      await sleeper.status;
      await cleanup();
    }
  },
});
