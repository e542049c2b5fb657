import assert from "node:assert/strict";
import { addMeasures, lrStatistics, measureLuma, statisticsOf } from "./lr_statistics.ts";

const W = 64, H = 64;

/** A plane from a function of the pixel's column and row. */
function plane(f: (x: number, y: number) => number, width = W, height = H) {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { data, width, height };
}

/** Squares of 16 pixels whose edges fall in the middle of each 16×16 tile (at 8, 24, …). */
const squares = (x: number, y: number) =>
  (Math.floor((x + 8) / 16) + Math.floor((y + 8) / 16)) % 2 === 0 ? 40 : 200;

/** `f` blurred once by [1, 2, 1] / 4 along rows and columns (edges clamped). */
function blurred(f: (x: number, y: number) => number) {
  const c = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
  const row = (x: number, y: number) => (f(c(x - 1, W), y) + 2 * f(x, y) + f(c(x + 1, W), y)) / 4;
  return (x: number, y: number) => (row(x, c(y - 1, H)) + 2 * row(x, y) + row(x, c(y + 1, H))) / 4;
}

// A cosine along the rows has second differences 2·cos(ωx)·(cos kω − 1) at lag k, so every
// tile's ratio is (1 − cos ω)²(1 − cos 4ω)² / (1 − cos 2ω)⁴. A hard step has e1 : e2 : e4 =
// 2 : 4 : 8 (ratio 1); the step blurred by [1, 2, 1] / 4 has 1/4 : 7/4 : 45/8 (ratio 0.459).
const aliasingCases: { name: string; f: (x: number, y: number) => number; aliasing: number }[] = [
  {
    name: "cosine of period 3 (all lags alike)",
    f: (x) => 128 + 60 * Math.cos((2 * Math.PI * x) / 3),
    aliasing: 1,
  },
  {
    name: "cosine of period 6",
    f: (x) => 128 + 60 * Math.cos((2 * Math.PI * x) / 6),
    aliasing: 1 / 9,
  },
  { name: "hard-edged squares", f: squares, aliasing: 1 },
  { name: "the squares blurred", f: blurred(squares), aliasing: (0.25 * 5.625) / 1.75 ** 2 },
];

Deno.test("aliasing: e1·e4 / e2² of every tile with detail, exact for hand-made planes", () => {
  for (const c of aliasingCases) {
    const s = lrStatistics([plane(c.f)], 255);
    assert.equal(s.detailedTiles, 16, c.name);
    // The median is reported at the centre of a histogram bin 1.5% wide.
    assert.ok(Math.abs(s.aliasing / c.aliasing - 1) < 0.01, `${c.name}: ${s.aliasing}`);
  }
});

Deno.test("aliasing: flat or nearly flat tiles are left out; none at all gives 0", () => {
  const flat = lrStatistics([plane(() => 90)], 255);
  assert.deepEqual(flat, { aliasing: 0, blocking: 1, detailedTiles: 0, tiles: 16 });
  // Ripples of ±1 code are rounding noise, not detail.
  const faint = lrStatistics([plane((x) => 90 + Math.cos((2 * Math.PI * x) / 3))], 255);
  assert.equal(faint.detailedTiles, 0);
  // Partial tiles at the right and bottom edges are not measured.
  const m = measureLuma(plane((x) => 128 + 60 * Math.cos((2 * Math.PI * x) / 3), 40, 20), 255);
  assert.equal(m.tiles, 2);
});

Deno.test("aliasing does not depend on the code range: 8-bit codes and floats in [0, 1]", () => {
  const codes = plane(blurred(squares));
  const unit = { ...codes, data: codes.data.map((v) => v / 255) };
  const a = lrStatistics([codes], 255), b = lrStatistics([unit], 1);
  assert.equal(a.aliasing, b.aliasing);
  assert.equal(a.detailedTiles, b.detailedTiles);
});

// Along the rows only (columns are constant): a ramp of 1 code per pixel; the same ramp with
// an extra 2 codes at every 4th column, as a codec's blocks leave (steps of 3 across the grid,
// 1 inside; a step inside a block has the grid's 3 on one side: neighbours 2).
const blockingCases: { name: string; f: (x: number, y: number) => number; blocking: number }[] = [
  { name: "a ramp", f: (x) => 20 + x, blocking: 1 },
  {
    name: "a ramp with 4×4 blocks",
    f: (x) => 20 + x + 2 * Math.floor(x / 4),
    blocking: 3 / (1 / 2),
  },
  {
    // Jumps between columns 4k and 4k+1 (odd): a grid step sits beside one, an odd step is one.
    name: "blocks on odd columns, a grid no codec here used",
    f: (x) => 20 + x + 2 * Math.floor((x + 1) / 4),
    blocking: (1 / 2) / (4 / 2),
  },
  {
    name: "steps too large to be smooth",
    f: (x) => 20 + 3 * x + 6 * Math.floor(x / 4),
    blocking: 1,
  },
  { name: "flat", f: () => 20, blocking: 1 },
];

Deno.test("blocking: steps across the 4×4 grid against steps inside blocks, smooth areas only", () => {
  for (const c of blockingCases) {
    const s = lrStatistics([plane(c.f)], 255);
    assert.ok(Math.abs(s.blocking - c.blocking) < 1e-9, `${c.name}: ${s.blocking}`);
  }
});

Deno.test("measures of several planes add up to one measurement of them all", () => {
  const a = plane(squares), b = plane((x) => 20 + x + 2 * Math.floor(x / 4));
  const both = statisticsOf(addMeasures(measureLuma(a, 255), measureLuma(b, 255)));
  assert.deepEqual(both, lrStatistics([a, b], 255));
  assert.equal(both.detailedTiles, 16 + lrStatistics([b], 255).detailedTiles);
});
