/**
 * Memory stays flat over a long video: no tensors leak per frame, and the resident size does
 * not grow with the number of frames (streams hold a bounded number of frames in flight). A big
 * still is upscaled in bands, not held whole at every stage.
 */
import assert from "node:assert/strict";
import { ffmpeg, makeClip, ROOT, run, tempDir } from "./helpers.ts";

// Frames big enough that keeping them would show: 240 frames of 640x480 YUV are ~110 MiB.
const CASES = [{ backend: "wasm", width: 96, height: 64 }, {
  backend: "onnx",
  width: 320,
  height: 240,
}] as const;

for (const { backend, width, height } of CASES) {
  Deno.test({
    name: `memory is flat over 300 frames (${backend})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const input = await makeClip(`${dir}/long.mkv`, {
          width,
          height,
          frames: 300,
          audio: false,
        });
        // Measured in a process of its own: tests running beside this one share this process.
        const probe = await run(Deno.execPath(), [
          "run",
          "-A",
          `${ROOT}tests/memory_probe.ts`,
          backend,
          input,
          `${dir}/out.mkv`,
        ]);
        assert.equal(probe.code, 0, probe.stderr);
        const { frames, samples, tensorsBefore, tensorsAfter } = JSON.parse(probe.stdout) as {
          frames: number;
          samples: Array<{ frames: number; tensors: number; rss: number }>;
          tensorsBefore: number;
          tensorsAfter: number;
        };
        assert.equal(frames, 300);
        const early = samples.find((s) => s.frames >= 60)!;
        const late = samples.at(-1)!;
        assert.ok(late.frames >= 280, `progress reported up to ${late.frames}`);
        if (backend === "wasm") {
          // The weights, plus at most the one batch in flight when a sample is taken.
          const counts = samples.map((x) => x.tensors);
          assert.ok(Math.max(...counts) - Math.min(...counts) <= 2, `tensor counts ${counts}`);
          assert.equal(tensorsAfter, tensorsBefore, "everything is freed at the end");
        }
        if (backend === "onnx") {
          assert.ok(late.rss - early.rss < 40, `RSS grew ${(late.rss - early.rss).toFixed(1)} MiB`);
        }
      } finally {
        await cleanup();
      }
    },
  });
}

Deno.test({
  name: "a 12-megapixel still is upscaled in bands: peak memory far below holding every plane",
  // The peak resident size is read from /proc.
  ignore: Deno.build.os !== "linux",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await ffmpeg("-f", "lavfi", "-i", "testsrc2=s=4000x3000", "-frames:v", "1", `${dir}/big.png`);
      const probe = await run(Deno.execPath(), [
        "run",
        "-A",
        `${ROOT}tests/memory_probe.ts`,
        "onnx",
        `${dir}/big.png`,
        `${dir}/out.png`,
      ]);
      assert.equal(probe.code, 0, probe.stderr);
      const { peakRss } = JSON.parse(probe.stdout) as { peakRss: number };
      // Whole, every plane at once: 2.07 GB (input, Y'CbCr, upscaled planes, output, in
      // float and 8-bit). In bands: 0.80 GB, most of it the engine's working memory.
      assert.ok(peakRss < 1300, `peak RSS ${peakRss.toFixed(0)} MiB`);
    } finally {
      await cleanup();
    }
  },
});
