import assert from "node:assert/strict";
import { gaussian1d, mse, psnr, shave, ssim } from "./metrics.ts";

function plane(width: number, height: number, f: (x: number, y: number) => number) {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, data };
}

function noise(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296 - 0.5;
}

Deno.test("shave removes the border on every side", () => {
  const p = plane(6, 5, (x, y) => 10 * y + x);
  const s = shave(p, 2);
  assert.deepEqual([s.width, s.height], [2, 1]);
  assert.deepEqual(Array.from(s.data), [22, 23]);
  assert.throws(() => shave(p, 3), RangeError);
});

Deno.test("PSNR: identical planes are Infinity, a known error gives 10·log10(255²/MSE)", () => {
  const a = plane(8, 8, (x, y) => (x * 31 + y * 17) % 256);
  assert.equal(psnr(a, a), Infinity);
  // Errors of +3 on half the pixels and −1 on the other half: MSE = (9 + 1) / 2 = 5.
  const b = plane(8, 8, (x, y) => a.data[y * 8 + x] + ((x + y) % 2 === 0 ? 3 : -1));
  assert.equal(mse(a, b), 5);
  assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10((255 * 255) / 5)) < 1e-12);
  assert.ok(Math.abs(psnr(a, b) - 41.1411) < 1e-4);
  assert.throws(() => psnr(a, plane(8, 7, () => 0)), RangeError);
});

Deno.test("Gaussian window sums to 1 and is symmetric", () => {
  const g = gaussian1d(11, 1.5);
  assert.ok(Math.abs(g.reduce((s, v) => s + v, 0) - 1) < 1e-12);
  for (let i = 0; i < 11; i++) assert.equal(g[i], g[10 - i]);
  assert.ok(g[5] > g[4] && g[4] > g[0]);
});

Deno.test("SSIM: 1 for identical planes, decreasing with noise", () => {
  const next = noise(7);
  const a = plane(40, 30, (x, y) => 128 + 60 * Math.sin(x / 5) * Math.cos(y / 7));
  assert.ok(Math.abs(ssim(a, a) - 1) < 1e-12);
  let last = 1;
  for (const sigma of [2, 8, 32]) {
    const b = plane(40, 30, (x, y) => a.data[y * 40 + x] + sigma * next());
    const s = ssim(a, b);
    assert.ok(s < last, `SSIM ${s} with noise ${sigma} should be below ${last}`);
    last = s;
  }
  assert.ok(last < 0.8);
});

Deno.test("SSIM of two constant 11×11 planes: one window, luminance term only", () => {
  // The variances are 0, so SSIM = (2·m1·m2 + C1) / (m1² + m2² + C1), C1 = (0.01·255)².
  const c1 = 6.5025;
  const expected = (2 * 100 * 120 + c1) / (100 * 100 + 120 * 120 + c1);
  const s = ssim(plane(11, 11, () => 100), plane(11, 11, () => 120));
  assert.ok(Math.abs(s - expected) < 1e-9);
  assert.throws(() => ssim(plane(10, 11, () => 0), plane(10, 11, () => 0)), RangeError);
});
