/**
 * `bench` through the real command line: by default it times the one backend `upscale` would
 * use, prints each row as soon as it is measured, reports memory per cell, and times a WebGPU
 * backend on a software adapter only when it is named.
 */
import assert from "node:assert/strict";
import type { BenchReport } from "../src/bench/mod.ts";
import { getGpu } from "../src/net/gpu.ts";
import { CLI, cli, ffmpeg, ok, tempDir } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** The table's rows on stdout (the lines of measured or skipped cells). */
function rows(stdout: string): string[] {
  return stdout.split("\n").filter((l) => /^(model|e2e) /.test(l));
}

/** The backend `upscale --backend auto` runs here, as its closing line names it. */
async function upscaleBackend(dir: string): Promise<string> {
  const png = `${dir}/in.png`;
  await ffmpeg("-f", "lavfi", "-i", "testsrc=size=24x16", "-frames:v", "1", png);
  const r = await cli(["upscale", png, `${dir}/out.png`, "--scale", "2"]);
  ok(r);
  const m = r.stderr.match(/: 48x32 in [\d.]+ s \(([\w-]+)\)$/m);
  assert.ok(m, r.stderr);
  return m[1];
}

Deno.test({
  ...opts,
  name: "bench: by default times the backend upscale uses, each row printed as it is measured",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const backend = await upscaleBackend(dir);
      // The second cell times for at least 2 s after the first is done: a table printed only
      // at the end would show its first row no earlier than its last.
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, "bench", "--sizes", "16x16,24x16", "--seconds", "2"],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const stderr = new Response(child.stderr).text();
      let stdout = "";
      let firstRowAt: number | null = null;
      for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
        stdout += chunk;
        if (firstRowAt === null && rows(stdout).length > 0) firstRowAt = performance.now();
      }
      const status = await child.status;
      const endedAt = performance.now();
      assert.equal(status.code, 0, await stderr);
      const printed = rows(stdout);
      assert.equal(printed.length, 2, stdout);
      for (const row of printed) {
        assert.match(row, new RegExp(`^model  fsrcnn  +${backend}\\s`), stdout);
      }
      assert.ok(firstRowAt !== null);
      assert.ok(
        endedAt - firstRowAt > 1500,
        `first row ${(endedAt - firstRowAt).toFixed(0)} ms before the end`,
      );
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "bench: memory per cell: the peak within each cell and what it held as the cell began",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const json = `${dir}/bench.json`;
      const r = await cli([
        ...["bench", "--backends", "onnx", "--sizes", "320x180,16x16", "--seconds", "0.1"],
        ...["--json", json],
      ]);
      ok(r);
      const report: BenchReport = JSON.parse(await Deno.readTextFile(json));
      const [big, small] = report.cells;
      for (const c of report.cells) {
        assert.ok(c.startRssMiB > 10 && c.startRssMiB <= c.peakRssMiB, JSON.stringify(c));
      }
      // onnxruntime keeps the memory of the 320x180 cell (tens of MiB): it counts in that
      // cell's growth, not again in the next one's.
      assert.ok(big.peakRssMiB - big.startRssMiB > 20, JSON.stringify(big));
      assert.ok(small.peakRssMiB - small.startRssMiB < 20, JSON.stringify(small));
      assert.ok(small.startRssMiB >= big.startRssMiB + 20, JSON.stringify(report.cells));
      // The table says what its memory columns are.
      const method = Deno.build.os === "linux"
        ? "the kernel's high-water mark, reset per cell"
        : "sampled after each run";
      assert.equal(report.memory, Deno.build.os === "linux" ? "high-water mark" : "sampled");
      assert.ok(
        r.stdout.includes(
          `peak MiB: the most this process held resident during the cell (${method})`,
        ),
        r.stdout,
      );
      assert.match(r.stdout, / peak MiB +\+MiB\n/);
    } finally {
      await cleanup();
    }
  },
});

const gpu = await getGpu();
const software = gpu?.summary.fallback === true;

Deno.test({
  ...opts,
  name: "bench: a WebGPU backend on a software adapter is timed only when named" +
    (software ? "" : " (skipped: no software WebGPU adapter here)"),
  ignore: !software,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const bench = async (...args: string[]) => {
        const json = `${dir}/bench.json`;
        const r = await cli([
          "bench",
          "--sizes",
          "16x16",
          "--seconds",
          "0.05",
          "--json",
          json,
          ...args,
        ]);
        ok(r);
        return {
          stdout: r.stdout,
          report: JSON.parse(await Deno.readTextFile(json)) as BenchReport,
        };
      };
      const isGpu = (b: string) => b.startsWith("webgpu");
      // By default: the CPU backend upscale falls back to.
      const byDefault = await bench();
      assert.equal(byDefault.report.backends.length, 1);
      assert.ok(!isGpu(byDefault.report.backends[0]), byDefault.stdout);
      // All of them: the WebGPU ones listed as skipped, and why.
      const all = await bench("--backends", "all");
      const skipped = all.report.cells.filter((c) => c.skipped);
      assert.deepEqual(skipped.map((c) => c.backend).sort(), ["webgpu", "webgpu-wgsl"]);
      for (const c of skipped) {
        assert.match(c.skipped!, /^software adapter \(.+\): timed only when named$/);
      }
      assert.ok(all.report.cells.some((c) => c.backend === "onnx" && !c.skipped), all.stdout);
      // Named: timed, and marked as a software adapter's figure.
      const named = await bench("--backends", "webgpu-wgsl");
      assert.equal(named.report.cells.length, 1);
      const [c] = named.report.cells;
      assert.ok(c.backend === "webgpu-wgsl" && c.fallback && !c.skipped && c.fps > 0, named.stdout);
      assert.match(named.stdout, /^model {2}fsrcnn {2,}webgpu-wgsl\* +16x16 /m);
      assert.match(named.stdout, /\* software \(fallback\) adapter: correctness only, not speed/);
    } finally {
      await cleanup();
    }
  },
});
