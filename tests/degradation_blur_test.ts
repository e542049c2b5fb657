/**
 * The `blur` degradation (a soft source): its Gaussian against the kernel applied by hand, and
 * the whole degradation through real ffmpeg in `eval --degradations` and `train`.
 */
import assert from "node:assert/strict";
import { degradeLuma } from "../src/eval/degradations/degrade_luma.ts";
import { blurFrame, blurPlane } from "../src/eval/degradations/gaussian_blur.ts";
import { hrFrame } from "../src/eval/hr_frame.ts";
import { loadDataset } from "../src/eval/dataset.ts";
import { degradeFrame, type Yuv420Frame } from "../src/media/ffmpeg/degrade.ts";
import { loadWeights } from "../src/net/weights/file.ts";
import { buildDegradedPairs } from "../src/train/degraded_data.ts";
import { cli, ffmpeg, tempDir, TOOLS, writeWeights } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/**
 * The blur the long way: the 2-D kernel exp(-(dx² + dy²) / 2σ²) over a square of radius
 * ⌈3σ⌉, normalised, each output sample one weighted sum of the plane with its edge samples
 * repeated beyond the borders, rounded.
 */
function blurByHand(data: Uint8Array, width: number, height: number, sigma: number): Uint8Array {
  const r = Math.ceil(3 * sigma);
  let total = 0;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) total += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
  }
  const at = (x: number, y: number) =>
    data[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))];
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          sum += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma)) * at(x + dx, y + dy);
        }
      }
      out[y * width + x] = Math.round(sum / total);
    }
  }
  return out;
}

/** A frame blurred by hand: Y by σ, the half-size chroma planes by σ / 2. */
function frameByHand(f: Yuv420Frame, sigma: number): Yuv420Frame {
  const { width: w, height: h } = f;
  return {
    width: w,
    height: h,
    y: blurByHand(f.y, w, h, sigma),
    u: blurByHand(f.u, w / 2, h / 2, sigma / 2),
    v: blurByHand(f.v, w / 2, h / 2, sigma / 2),
  };
}

function noise(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
}

/** A random frame, smooth enough in places (a ramp under the noise) to look like a picture. */
function randomFrame(width: number, height: number, seed: number): Yuv420Frame {
  const y = noise(width * height, seed).map((v, i) => (v >> 1) + ((i % width) * 100) / width);
  return {
    width,
    height,
    y,
    u: noise((width * height) / 4, seed + 1),
    v: noise((width * height) / 4, seed + 2),
  };
}

/** Σ of squared differences between horizontal neighbours: how much fine detail a plane has. */
function detail(p: { width: number; data: ArrayLike<number> }): number {
  let sum = 0;
  for (let i = 1; i < p.data.length; i++) {
    if (i % p.width !== 0) sum += (p.data[i] - p.data[i - 1]) ** 2;
  }
  return sum;
}

Deno.test("blurPlane, blurFrame: the Gaussian kernel applied by hand, edges repeated", () => {
  const impulse = new Uint8Array(81);
  impulse[40] = 255;
  const ramp = Uint8Array.from({ length: 9 * 7 }, (_, i) => (i % 9) * 30);
  const cases: Array<[string, Uint8Array, number, number, number]> = [
    ["an impulse", impulse, 9, 9, 0.8],
    ["noise, σ 0.8 (×2)", noise(13 * 11, 1), 13, 11, 0.8],
    ["noise, σ 1.2 (×3)", noise(13 * 11, 2), 13, 11, 1.2],
    ["noise, σ 0.4 (chroma at ×2)", noise(6 * 5, 3), 6, 5, 0.4],
    ["a ramp to the edge, σ 1.6 (×4)", ramp, 9, 7, 1.6],
    ["a plane smaller than the kernel", noise(3 * 2, 4), 3, 2, 1.6],
  ];
  for (const [what, data, w, h, sigma] of cases) {
    assert.deepEqual(blurPlane(data, w, h, sigma), blurByHand(data, w, h, sigma), what);
  }
  // The impulse spreads into the kernel itself: 7 × 7 taps at σ 0.8, nothing beyond.
  const spread = blurPlane(impulse, 9, 9, 0.8);
  assert.ok(spread[40] < 255 && spread[40] > 50);
  assert.equal(spread[0], 0);
  assert.ok(spread[40 - 2] > 0 && spread[40 + 18] > 0);
  // A flat plane stays flat.
  assert.deepEqual(blurPlane(new Uint8Array(20).fill(77), 5, 4, 1.2), new Uint8Array(20).fill(77));
  assert.throws(() => blurPlane(impulse, 9, 8, 0.8), RangeError);
  // A frame: chroma pixels span two luma pixels each way, so they are blurred by σ / 2.
  const frame = randomFrame(16, 12, 9);
  assert.deepEqual(blurFrame(frame, 1.2), frameByHand(frame, 1.2));
});

Deno.test({
  ...opts,
  name: "blur: ffmpeg's bicubic scaler of the frame blurred by hand (σ 0.4 · scale), coded alike",
  fn: async () => {
    const frame = randomFrame(96, 64, 11);
    const [blur, bicubic] = await degradeLuma(TOOLS, frame, ["blur", "bicubic"], 2, undefined);
    const [want] = await degradeFrame(TOOLS, frameByHand(frame, 0.8), {
      scale: 2,
      scalers: ["bicubic"],
    });
    assert.deepEqual(blur.data, Float32Array.from(want));
    assert.deepEqual([blur.width, blur.height], [48, 32]);
    assert.ok(detail(blur) < 0.8 * detail(bicubic), `${detail(blur)} vs ${detail(bicubic)}`);

    // Through x264, beside degradations of the sharp source: each one what it is alone.
    const coded = await degradeLuma(TOOLS, frame, ["matlab", "blur", "area"], 2, 23);
    const [blurCoded] = await degradeFrame(TOOLS, frameByHand(frame, 0.8), {
      scale: 2,
      scalers: ["bicubic"],
      crf: 23,
    });
    const [areaCoded] = await degradeFrame(TOOLS, frame, { scale: 2, scalers: ["area"], crf: 23 });
    assert.deepEqual(coded[1].data, Float32Array.from(blurCoded));
    assert.deepEqual(coded[2].data, Float32Array.from(areaCoded));

    // ×3 blurs by σ 1.2.
    const third = randomFrame(96, 60, 12);
    const [blur3] = await degradeLuma(TOOLS, third, ["blur"], 3, undefined);
    const [want3] = await degradeFrame(TOOLS, frameByHand(third, 1.2), {
      scale: 3,
      scalers: ["bicubic"],
    });
    assert.deepEqual(blur3.data, Float32Array.from(want3));
  },
});

/** A folder of `count` random colour PNGs of 64x48. */
async function imageFolder(dir: string, count: number): Promise<string> {
  await Deno.mkdir(`${dir}/img`);
  for (let i = 0; i < count; i++) {
    const raw = `${dir}/${i}.rgb`;
    await Deno.writeFile(raw, randomFrame(64 * 3, 48, 20 + i).y);
    await ffmpeg(
      ...["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "64x48", "-i", raw],
      `${dir}/img/${i}.png`,
    );
    await Deno.remove(raw);
  }
  return `${dir}/img`;
}

Deno.test({
  ...opts,
  name: "eval --degradations blur and train --degradations blur,matlab: the soft source's pairs",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const data = await imageFolder(dir, 2);
      const weights = await writeWeights(dir, 2, "nearest");
      const table = await cli([
        ...["eval", "--data", data, "--weights", weights, "--lr-codec", "none"],
        ...["--degradations", "blur,bicubic"],
      ]);
      assert.equal(table.code, 0, table.stderr);
      const rows = table.stdout.trim().split("\n");
      assert.match(rows[2], /^Gaussian blur σ 0\.8, ffmpeg scale flags=bicubic 1\/2 +\d+\.\d\d /);
      assert.match(rows[3], /^ffmpeg scale flags=bicubic 1\/2 /);

      // The folder list is parsed by the command line: spaces and an empty name are dropped.
      const out = `${dir}/w.safetensors`;
      const trained = await cli([
        ...["train", "--scale", "2", "--data", `${data}, ,`, "--out", out],
        ...["--degradations", "blur,matlab", "--crfs", "23", "--inter", "0"],
        ...["--steps", "1", "--holdout", "1", "--validate-every", "1"],
        ...["--d", "8", "--s", "4", "--m", "1", "--batch", "2", "--patch", "8", "--threads", "1"],
      ]);
      assert.equal(trained.code, 0, trained.stderr);
      assert.match(trained.stderr, /making degraded training pairs: 1\/1 images/);
      const { metadata } = await loadWeights(out);
      assert.match(metadata.validation_data, /; degraded: blur,matlab, x264 CRF 23$/);

      // The pairs train makes: the blurred, scaled, coded LR of each image beside MATLAB's.
      const images = await loadDataset(data, TOOLS);
      const pairs = await buildDegradedPairs(TOOLS, images, {
        scale: 2,
        degradations: ["blur", "matlab"],
        crfs: [23],
        factors: [1],
      });
      assert.deepEqual(pairs.map((p) => p.name), [
        "0@1/blur+crf23",
        "0@1/matlab",
        "1@1/blur+crf23",
        "1@1/matlab",
      ]);
      for (const [i, { image }] of images.entries()) {
        const [want] = await degradeFrame(TOOLS, frameByHand(hrFrame(image, 2), 0.8), {
          scale: 2,
          scalers: ["bicubic"],
          crf: 23,
        });
        const lr = pairs[2 * i].lr.data.map((v) => Math.round(v * 255));
        assert.deepEqual(lr, Float32Array.from(want), pairs[2 * i].name);
      }
    } finally {
      await cleanup();
    }
  },
});
