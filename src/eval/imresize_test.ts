import assert from "node:assert/strict";
import type { Image8 } from "../media/frame/pixels.ts";
import { contributions, imresize, imresizePlane, outputLength } from "./imresize.ts";

// Hand-computed values of the cubic kernel (a = −0.5) used below (checked in
// frame/resample_test.ts):
//   k(0.25) = 1.5·0.015625 − 2.5·0.0625 + 1         =  0.8671875
//   k(0.75) = 1.5·0.421875 − 2.5·0.5625 + 1         =  0.2265625
//   k(1.25) = −0.5·1.953125 + 2.5·1.5625 − 5 + 2    = −0.0703125
//   k(1.75) = −0.5·5.359375 + 2.5·3.0625 − 7 + 2    = −0.0234375
// Shrinking by 2, the kernel is stretched to k(d/2)/2 and output pixel x (1-based) sits at
// u = 2x − 0.5, so its 8 taps at distances ±0.5, ±1.5, ±2.5, ±3.5 weigh
//   e = 0.43359375, c = 0.11328125, b = −0.03515625, a = −0.01171875  (sum 2(e+c+b+a) = 1).
const E = 0.43359375, C = 0.11328125, B = -0.03515625, A = -0.01171875;

function grey(width: number, height: number, values: number[]): Image8 {
  return { width, height, channels: 1, data: Uint8Array.from(values) };
}

Deno.test("contributions: interior weights of a 1/2 shrink", () => {
  const c = contributions(16, 8, 0.5);
  const x = 3; // 0-based output pixel 3 = MATLAB's x = 4, u = 7.5
  const byIndex = new Map<number, number>();
  for (let k = 0; k < c.taps; k++) {
    const i = c.indices[x * c.taps + k];
    byIndex.set(i, (byIndex.get(i) ?? 0) + c.weights[x * c.taps + k]);
  }
  // 1-based sources 4..11 → 0-based 3..10
  const expected = [A, B, C, E, E, C, B, A];
  for (let j = 0; j < 8; j++) assert.ok(Math.abs(byIndex.get(3 + j)! - expected[j]) < 1e-12);
});

Deno.test("imresize 1/2 of a row: hand-computed impulse response", () => {
  // 16×1 row, background 100, one bright pixel (1-based position 8) of 255.
  const row = new Array(16).fill(100);
  row[7] = 255;
  const out = imresize(grey(16, 1, row), 0.5);
  assert.equal(out.width, 8);
  assert.equal(out.height, 1);
  // Output x = 3, 4, 5, 6 (1-based) see the impulse at distance −2.5, −0.5, 1.5, 3.5.
  assert.equal(out.data[2], Math.round(100 + 155 * B)); // 94.55 → 95
  assert.equal(out.data[3], Math.round(100 + 155 * E)); // 167.21 → 167
  assert.equal(out.data[4], Math.round(100 + 155 * C)); // 117.56 → 118
  assert.equal(out.data[5], Math.round(100 + 155 * A)); // 98.18 → 98
  assert.deepEqual(Array.from(out.data.subarray(2, 6)), [95, 167, 118, 98]);
  // Far from the impulse the background is untouched.
  assert.equal(out.data[7], 100);
});

Deno.test("imresize 1/2 of a ramp reproduces the ramp at the output centres", () => {
  const row = Array.from({ length: 16 }, (_, i) => 10 * (i + 1)); // value 10·j at 1-based j
  const out = imresize(grey(16, 1, row), 0.5);
  // Interior outputs sit at u = 2x − 0.5 and the symmetric weights interpolate lines exactly.
  for (let x = 3; x <= 6; x++) assert.equal(out.data[x - 1], 10 * (2 * x - 0.5));
});

Deno.test("edges are mirrored as MATLAB does: hand-computed at the first pixel", () => {
  // Output x = 1 sits at u = 1.5; its taps reach 1-based j = −2..5. Mirroring folds
  // j = 0, −1, −2 onto 1, 2, 3.
  const row = new Array(8).fill(0);
  row[0] = 200;
  const mirror = imresize(grey(8, 1, row), 0.5);
  assert.equal(mirror.data[0], Math.round(200 * (C + E))); // 109.375 → 109
  assert.equal(mirror.data[0], 109);
});

Deno.test("imresize ×2 up: hand-computed value", () => {
  // Output x = 3 (1-based) sits at u = 3/2 + 0.25 = 1.75: taps j = 0..3 at distances
  // 1.75, 0.75, −0.25, −1.25 (j = 0 mirrors onto 1).
  const out = imresize(grey(6, 1, [0, 100, 0, 0, 0, 0]), 2);
  assert.equal(out.width, 12);
  assert.equal(out.data[2], Math.round(100 * 0.8671875)); // 87
  // x = 4 at u = 2.25: distances 1.25, 0.25, −0.75, −1.75 from j = 1..4.
  assert.equal(out.data[3], Math.round(100 * 0.8671875));
  // x = 5 at u = 2.75: j = 2 at −0.75.
  assert.equal(out.data[4], Math.round(100 * 0.2265625)); // 23
});

Deno.test("imresize of a constant image is constant (8-bit and float, down and up)", () => {
  for (const channels of [1, 3] as const) {
    const data = new Uint8Array(17 * 13 * channels);
    for (let i = 0; i < data.length; i++) data[i] = channels === 1 ? 77 : [10, 128, 250][i % 3];
    const image: Image8 = { width: 17, height: 13, channels, data };
    for (const s of [2, 3, 4]) {
      for (const scale of [s, 1 / s]) {
        const out = imresize(image, scale);
        for (let i = 0; i < out.data.length; i++) {
          assert.equal(out.data[i], channels === 1 ? 77 : [10, 128, 250][i % 3]);
        }
      }
    }
  }
  const plane = { width: 9, height: 7, data: new Float32Array(63).fill(123.25) };
  for (const scale of [2, 3, 4, 1 / 2, 1 / 3, 1 / 4]) {
    const out = imresizePlane(plane, scale);
    for (const v of out.data) assert.ok(Math.abs(v - 123.25) < 1e-4);
  }
});

Deno.test("output sizes follow MATLAB's ceil(scale · size)", () => {
  const image: Image8 = { width: 12, height: 9, channels: 3, data: new Uint8Array(12 * 9 * 3) };
  const cases: [number, number, number][] = [
    [2, 24, 18],
    [3, 36, 27],
    [4, 48, 36],
    [1 / 2, 6, 5],
    [1 / 3, 4, 3],
    [1 / 4, 3, 3],
  ];
  for (const [scale, w, h] of cases) {
    const out = imresize(image, scale);
    assert.deepEqual([out.width, out.height, out.channels, out.data.length], [w, h, 3, w * h * 3]);
  }
  assert.equal(outputLength(255, 1 / 3), 85); // no off-by-one from 1/3 in floating point
  assert.equal(outputLength(256, 1 / 3), 86);
});

Deno.test("8-bit imresize = vertical pass, rounded to uint8, then horizontal pass", () => {
  // A 1-pixel-wide image only goes through the vertical pass (the horizontal one copies its
  // single column), and a 1-pixel-high one only through the horizontal pass. Chaining them
  // by hand therefore gives MATLAB's order with uint8 rounding in between, which must be
  // exactly what imresize does on the 2-D image.
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const w = 20, h = 14;
  const data = Uint8Array.from({ length: w * h }, () => Math.floor(next() * 256));
  for (const scale of [1 / 2, 3]) {
    const oh = outputLength(h, scale), ow = outputLength(w, scale);
    const mid = new Uint8Array(w * oh);
    for (let x = 0; x < w; x++) {
      const col = imresize(grey(1, h, Array.from({ length: h }, (_, y) => data[y * w + x])), scale);
      for (let y = 0; y < oh; y++) mid[y * w + x] = col.data[y * col.width];
    }
    const expected = new Uint8Array(ow * oh);
    for (let y = 0; y < oh; y++) {
      const row = imresize(grey(w, 1, Array.from(mid.subarray(y * w, (y + 1) * w))), scale);
      expected.set(row.data.subarray(0, ow), y * ow);
    }
    const actual = imresize(grey(w, h, Array.from(data)), scale);
    assert.deepEqual(actual.data, expected);
    // Without the intermediate rounding (and saturation) the result is measurably different.
    const float = imresizePlane({ width: w, height: h, data: Float32Array.from(data) }, scale);
    let differ = 0;
    for (let i = 0; i < expected.length; i++) {
      const f = Math.min(255, Math.max(0, Math.floor(float.data[i] + 0.5)));
      if (f !== actual.data[i]) differ++;
    }
    assert.ok(differ > 0, `scale ${scale}: rounding between passes changed nothing`);
  }
});
