/** The realistic evaluation suite through real ffmpeg (x264 included). */
import assert from "node:assert/strict";
import { evaluateDegradations } from "../src/eval/degradations/suite.ts";
import { degradeClip, degradeFrame } from "../src/media/ffmpeg/degrade.ts";
import { cli, ffmpeg, tempDir, TOOLS, writeWeights } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/**
 * A folder with one greyscale HR image made of 2×2 blocks (a random 32x24 image enlarged by
 * pixel repetition): scaled down by 2 with nearest neighbour or area averaging it gives back
 * the blocks exactly, and nearest-neighbour FSRCNN weights then rebuild the HR image exactly.
 */
async function blockImage(dir: string): Promise<string> {
  const lr = new Uint8Array(32 * 24);
  let seed = 7;
  for (let i = 0; i < lr.length; i++) lr[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  await Deno.writeFile(`${dir}/lr.gray`, lr);
  await Deno.mkdir(`${dir}/hr`);
  await ffmpeg(
    "-f",
    "rawvideo",
    "-pix_fmt",
    "gray",
    "-s",
    "32x24",
    "-i",
    `${dir}/lr.gray`,
    "-vf",
    "scale=64:48:flags=neighbor",
    `${dir}/hr/blocks.png`,
  );
  return `${dir}/hr`;
}

Deno.test({
  ...opts,
  name: "degradation suite: scalers aligned and exact where they must be; x264 round trip",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const data = await blockImage(dir);
      const weights = await writeWeights(dir, 2, "nearest");
      const exact = await evaluateDegradations({
        data,
        weights,
        degradations: ["neighbor", "area", "bilinear"],
        codec: "none",
      });
      assert.equal(exact.scale, 2);
      assert.equal(exact.crf, null);
      assert.deepEqual(exact.images, ["blocks"]);
      assert.deepEqual(exact.rows.map((r) => r.degradation), ["neighbor", "area", "bilinear"]);
      const [neighbor, area, bilinear] = exact.rows;
      for (const row of [neighbor, area]) {
        assert.equal(row.psnr.fsrcnn, Infinity, row.degradation);
        assert.equal(row.ssim.fsrcnn, 1, row.degradation);
        // ffmpeg's own upscalers cannot rebuild sharp blocks.
        assert.ok(Number.isFinite(row.psnr.lanczos) && row.psnr.lanczos < 40, row.degradation);
        assert.ok(Number.isFinite(row.psnr.bicubic) && row.psnr.bicubic < 40, row.degradation);
      }
      // Bilinear blurs the blocks: no method is exact, and FSRCNN here is only pixel repetition.
      assert.ok(Number.isFinite(bilinear.psnr.fsrcnn) && bilinear.psnr.fsrcnn > 10);

      const coded = await evaluateDegradations({ data, weights, degradations: ["matlab", "area"] });
      assert.equal(coded.crf, 23);
      assert.match(coded.rows[1].description, /x264 CRF 23/);
      // x264 at CRF 23 loses detail: finite, but still recognisably the image.
      for (const row of coded.rows) {
        for (const m of ["fsrcnn", "lanczos", "bicubic"] as const) {
          assert.ok(row.psnr[m] > 15 && row.psnr[m] < 60, `${row.degradation} ${m}`);
        }
      }
      const gain = coded.rows.map((r) => r.psnr.fsrcnn - r.psnr.lanczos);
      assert.ok(Math.abs(coded.meanGainOverLanczos - (gain[0] + gain[1]) / 2) < 1e-12);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "eval --degradations: a table, --json, and one line with exit 2 for an unknown name",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const data = await blockImage(dir);
      const weights = await writeWeights(dir, 2, "nearest");
      const base = ["eval", "--data", data, "--weights", weights, "--lr-codec", "none"];
      const table = await cli([...base, "--degradations", "neighbor,bilinear"]);
      assert.equal(table.code, 0, table.stderr);
      const lines = table.stdout.trim().split("\n");
      assert.equal(lines.length, 5);
      assert.match(
        lines[2],
        /^ffmpeg scale flags=neighbor 1\/2 +Infinity +\d+\.\d\d +\d+\.\d\d +\+Infinity$/,
      );
      assert.match(lines[3], /^ffmpeg scale flags=bilinear 1\/2 /);
      const json = await cli([...base, "--degradations", "area", "--json"]);
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout);
      assert.equal(report.rows.length, 1);
      assert.equal(report.rows[0].degradation, "area");
      assert.equal(report.crf, null);
      const bad = await cli([...base, "--degradations", "neighbour"]);
      assert.equal(bad.code, 2);
      assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
      assert.match(bad.stderr, /neighbour/);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "degradeFrame: each LR frame is what its scaler and x264 make of the frame alone",
  fn: async () => {
    const width = 96, height = 64;
    let seed = 3;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    const frame = { width, height, y: random(width * height), u: random(1536), v: random(1536) };
    for (const crf of [undefined, 23]) {
      const together = await degradeFrame(TOOLS, frame, {
        scale: 2,
        scalers: ["area", "bicubic", "neighbor"],
        crf,
      });
      assert.equal(together.length, 3);
      for (const [i, scaler] of (["area", "bicubic", "neighbor"] as const).entries()) {
        const [alone] = await degradeFrame(TOOLS, frame, { scale: 2, scalers: [scaler], crf });
        assert.equal(alone.length, 48 * 32);
        assert.deepEqual(together[i], alone, `${scaler}, crf ${crf}`);
      }
      assert.notDeepEqual(together[0], together[2]);
    }
    // Nearest neighbour without a codec keeps one pixel of each 2×2 block.
    const [nearest] = await degradeFrame(TOOLS, frame, { scale: 2, scalers: ["neighbor"] });
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 48; x++) {
        const v = nearest[y * 48 + x];
        const block = [0, 1, width, width + 1].map((d) => frame.y[2 * y * width + 2 * x + d]);
        assert.ok(block.includes(v), `(${x}, ${y})`);
      }
    }
  },
});

Deno.test({
  ...opts,
  name:
    "degradeClip: frames scaled as alone; through x264 one video whose later frames are predicted",
  fn: async () => {
    const width = 96, height = 64;
    let seed = 5;
    const random = (n: number) =>
      Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    const moving = Array.from({ length: 4 }, () => ({
      width,
      height,
      y: random(width * height),
      u: random(1536),
      v: random(1536),
    }));
    const scalers = ["area", "neighbor"] as const;
    const raw = await degradeClip(TOOLS, moving, { scale: 2, scalers });
    assert.equal(raw.length, 2);
    for (const [i, scaler] of scalers.entries()) {
      assert.equal(raw[i].length, 4);
      for (const [t, frame] of moving.entries()) {
        const [alone] = await degradeFrame(TOOLS, frame, { scale: 2, scalers: [scaler] });
        assert.deepEqual(raw[i][t], alone, `${scaler} frame ${t}`);
      }
    }
    const coded = await degradeClip(TOOLS, moving, { scale: 2, scalers, crf: 23 });
    for (const [i, scaler] of scalers.entries()) {
      assert.equal(coded[i].length, 4);
      for (const plane of coded[i]) assert.equal(plane.length, 48 * 32);
      // Coded in a video, a frame is not what x264 makes of it alone.
      const [alone] = await degradeFrame(TOOLS, moving[2], {
        scale: 2,
        scalers: [scaler],
        crf: 23,
      });
      assert.notDeepEqual(coded[i][2], alone, scaler);
    }
    // A still clip: the predicted frames repeat the first exactly (every block skipped).
    const still = Array.from({ length: 4 }, () => moving[0]);
    const [stillArea] = await degradeClip(TOOLS, still, { scale: 2, scalers: ["area"], crf: 23 });
    for (const plane of stillArea.slice(1)) assert.deepEqual(plane, stillArea[0]);
    await assert.rejects(() => degradeClip(TOOLS, [], { scale: 2, scalers }), RangeError);
  },
});

Deno.test({
  ...opts,
  name: "degradation suite: --inter scores a predicted frame of a pan over each image",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const data = await blockImage(dir);
      const weights = await writeWeights(dir, 2, "nearest");
      const run = (inter: boolean, codec: "x264" | "none") =>
        evaluateDegradations({ data, weights, degradations: ["bicubic"], inter, codec });
      const [stills, predicted, uncoded] = [
        await run(false, "x264"),
        await run(true, "x264"),
        await run(true, "none"),
      ];
      assert.equal(stills.inter, false);
      assert.equal(predicted.inter, true);
      // Without a codec nothing is predicted: the pictures are scored as they are.
      assert.equal(uncoded.inter, false);
      assert.match(predicted.rows[0].description, /x264 CRF 23, predicted frame$/);
      assert.doesNotMatch(stills.rows[0].description, /predicted/);
      // Another window, coded another way: other scores, every one finite.
      for (const m of ["fsrcnn", "lanczos", "bicubic"] as const) {
        assert.ok(Number.isFinite(predicted.rows[0].psnr[m]), m);
        assert.notEqual(predicted.rows[0].psnr[m], stills.rows[0].psnr[m], m);
      }
      const out = await cli([
        "eval",
        "--data",
        data,
        "--weights",
        weights,
        "--degradations",
        "bicubic",
        "--inter",
      ]);
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /predicted frame/);
    } finally {
      await cleanup();
    }
  },
});
