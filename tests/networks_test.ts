/**
 * The small network through the real command line: `train --network fsrcnn-s`, `bench
 * --network` with both networks side by side, and the shipped FSRCNN-s weights (`fast`,
 * `fast-paper`, ×2) for `upscale` and `eval`, refused in one line at the scales they lack.
 */
import assert from "node:assert/strict";
import { loadWeights, saveWeights } from "../src/net/mod.ts";
import { networkConfig } from "../src/net/networks.ts";
import { initWeights } from "../src/net/weights/file.ts";
import { assertFails, cli, ffmpeg, listDir, ok, tempDir } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** A folder with a picture (`in.png`, 24x16) and a folder of three (`images/`). */
async function withPictures(body: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await ffmpeg("-f", "lavfi", "-i", "testsrc2=size=24x16", "-frames:v", "1", `${dir}/in.png`);
    await Deno.mkdir(`${dir}/images`);
    for (const i of [1, 2, 3]) {
      await ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x48",
        "-frames:v",
        "1",
        "-vf",
        `hue=h=${40 * i}`,
        `${dir}/images/${i}.png`,
      );
    }
    await body(dir);
  } finally {
    await cleanup();
  }
}

Deno.test({
  ...opts,
  name: "train --network fsrcnn-s trains the small network and its file names it",
  fn: () =>
    withPictures(async (dir) => {
      const out = `${dir}/small.safetensors`;
      const args = ["train", "--scale", "2", "--data", `${dir}/images`, "--holdout", "1"];
      const tiny = ["--steps", "2", "--batch", "2", "--patch", "8", "--validate-every", "2"];
      ok(await cli([...args, ...tiny, "--inter", "0", "--network", "fsrcnn-s", "--out", out]));
      const w = await loadWeights(out);
      assert.equal(w.network, "fsrcnn-s");
      assert.deepEqual(w.config, networkConfig("fsrcnn-s", 2));
      assert.equal(w.metadata.network, "fsrcnn-s");
      // --d/--s/--m still change the shape, for experiments.
      const wider = `${dir}/wider.safetensors`;
      ok(
        await cli([
          ...args,
          ...tiny,
          "--inter",
          "0",
          "--network",
          "fsrcnn-s",
          "--d",
          "40",
          "--out",
          wider,
        ]),
      );
      assert.deepEqual((await loadWeights(wider)).config, { scale: 2, d: 40, s: 5, m: 1 });
    }),
});

Deno.test({
  ...opts,
  name: "bench --network times FSRCNN-s beside FSRCNN, with each one's MACs",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const json = `${dir}/bench.json`;
      const r = await cli([
        "bench",
        "--network",
        "fsrcnn,fsrcnn-s",
        "--sizes",
        "16x16",
        "--scales",
        "2",
        "--backends",
        "onnx",
        "--seconds",
        "0.05",
        "--json",
        json,
      ]);
      ok(r);
      assert.match(r.stdout, /^fsrcnn: d=56, s=12, m=4, 12,464 MACs per input pixel$/m);
      assert.match(r.stdout, /^fsrcnn-s: d=32, s=5, m=1, 3,937 MACs per input pixel$/m);
      const rows = r.stdout.split("\n").filter((l) => l.startsWith("model "));
      assert.equal(rows.length, 2, r.stdout);
      assert.match(rows[0], /^model {2}fsrcnn {4,}onnx +16x16 +2 +1 +32x32 /);
      assert.match(rows[1], /^model {2}fsrcnn-s {2,}onnx +16x16 +2 +1 +32x32 /);
      const report = JSON.parse(await Deno.readTextFile(json));
      assert.deepEqual(report.networks.map((n: { name: string }) => n.name), [
        "fsrcnn",
        "fsrcnn-s",
      ]);
      assert.deepEqual(report.cells.map((c: { network: string }) => c.network), [
        "fsrcnn",
        "fsrcnn-s",
      ]);
      // The same GMAC/s would be the same speed: the small network does less per pixel.
      const [big, small] = report.cells;
      assert.ok(
        Math.abs(small.gmacPerSecond / small.fps / (big.gmacPerSecond / big.fps) - 3937 / 12464) <
          1e-9,
      );
      const weights = `${dir}/w.safetensors`;
      await saveWeights(weights, initWeights(networkConfig("fsrcnn-s", 2)));
      assertFails(
        await cli(["bench", "--network", "fsrcnn-s", "--weights", weights]),
        2,
        /^fsrcnn: a weights file names the network it times: give weights or networks$/,
      );
      assert.deepEqual(await listDir(dir), ["bench.json", "w.safetensors"]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "upscale runs FSRCNN-s weights, and the shipped ones by name (fast, fast-paper)",
  fn: () =>
    withPictures(async (dir) => {
      const weights = `${dir}/small.safetensors`;
      await saveWeights(weights, initWeights(networkConfig("fsrcnn-s", 2), 7));
      ok(await cli(["upscale", `${dir}/in.png`, `${dir}/given.png`, "--weights", weights]));
      const size = await ffmpeg(
        "-i",
        `${dir}/given.png`,
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-",
      );
      assert.equal(size.length, 48 * 32);
      const fast = await cli([
        "upscale",
        `${dir}/in.png`,
        `${dir}/fast.png`,
        "--weights",
        "fast",
        "-v",
      ]);
      ok(fast);
      assert.match(fast.stderr, /fast weights: asked for by name/);
      const fastPaper = await cli([
        "upscale",
        `${dir}/in.png`,
        `${dir}/fast_paper.png`,
        "--weights",
        "fast-paper",
        "-v",
      ]);
      ok(fastPaper);
      assert.match(fastPaper.stderr, /fast-paper weights: asked for by name/);
      for (const scale of ["3", "4"]) {
        const r = await cli([
          "upscale",
          `${dir}/in.png`,
          `${dir}/x${scale}.png`,
          "--weights",
          "fast",
          "--scale",
          scale,
        ]);
        assertFails(
          r,
          2,
          new RegExp(
            `^fsrcnn: --weights fast: no fast weights are shipped for x${scale} \\(shipped: video, paper\\)$`,
          ),
        );
      }
      const left = (await listDir(dir)).filter((n) => !n.startsWith("images"));
      assert.deepEqual(
        left.sort(),
        ["fast.png", "fast_paper.png", "given.png", "in.png", "small.safetensors"].sort(),
      );
    }),
});

Deno.test({
  ...opts,
  name: "eval --weights fast, fast-paper score the shipped FSRCNN-s; other scales are refused",
  fn: () =>
    withPictures(async (dir) => {
      const args = ["eval", "--data", `${dir}/images`, "--weights", "fast"];
      assertFails(
        await cli([...args, "--scale", "3"]),
        2,
        /^fsrcnn: --weights fast: no fast weights are shipped for x3 \(shipped: video, paper\)$/,
      );
      const r = await cli([...args, "--scale", "2"]);
      ok(r);
      assert.match(r.stdout, /fsrcnn_s_video_x2\.safetensors/);
      const paper = await cli(["eval", "--data", `${dir}/images`, "--weights", "fast-paper"]);
      ok(paper);
      assert.match(paper.stdout, /fsrcnn_s_x2\.safetensors/);
    }),
});
