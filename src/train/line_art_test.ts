import assert from "node:assert/strict";
import { lumaPlane } from "../eval/color.ts";
import {
  Canvas,
  coverage,
  insidePolygon,
  LINE_ART_SIDE,
  lineArtImages,
  segmentDistance,
} from "./line_art.ts";

Deno.test("segmentDistance: to the segment, its ends, and a degenerate segment", () => {
  const table: Array<[number, number, [number, number], [number, number], number]> = [
    [0, 1, [-1, 0], [1, 0], 1], // above the middle
    [3, 4, [-1, 0], [0, 0], 5], // past the end: distance to (0, 0)
    [-4, 3, [-1, 0], [1, 0], Math.hypot(3, 3)], // before the start
    [2, 2, [1, 1], [1, 1], Math.SQRT2], // a point
    [0.5, 0.5, [0, 0], [1, 1], 0], // on it
  ];
  for (const [x, y, a, b, want] of table) {
    assert.ok(Math.abs(segmentDistance(x, y, a, b) - want) < 1e-12, `(${x}, ${y})`);
  }
});

Deno.test("insidePolygon: a square and a concave L, even-odd", () => {
  const square: Array<[number, number]> = [[0, 0], [4, 0], [4, 4], [0, 4]];
  const ell: Array<[number, number]> = [[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4]];
  const table: Array<[Array<[number, number]>, number, number, boolean]> = [
    [square, 2, 2, true],
    [square, 5, 2, false],
    [square, -0.5, 3, false],
    [ell, 0.5, 3, true],
    [ell, 3, 0.5, true],
    [ell, 3, 3, false], // in the L's notch
  ];
  for (const [poly, x, y, want] of table) {
    assert.equal(insidePolygon(x, y, poly), want, `(${x}, ${y})`);
  }
});

Deno.test("coverage: half at the edge, full a half pixel inside, none a half pixel out", () => {
  const table: Array<[number, number]> = [[0, 0.5], [0.5, 1], [2, 1], [-0.5, 0], [-3, 0], [
    0.25,
    0.75,
  ]];
  for (const [inside, want] of table) assert.equal(coverage(inside), want);
});

Deno.test("Canvas: a pixel-aligned box is sharp, a box on half pixels half-covers its edge", () => {
  const canvas = new Canvas(8, 4);
  canvas.gradient([1, 1, 1], [1, 1, 1], 0);
  canvas.fill([[2, 0], [4, 0], [4, 4], [2, 4]], [0, 0, 0]);
  canvas.fill([[5.5, 0], [7, 0], [7, 4], [5.5, 4]], [0, 0, 0]);
  const { data } = canvas.toImage();
  const row = Array.from({ length: 8 }, (_, x) => data[(8 + x) * 3]);
  assert.deepEqual(row, [255, 255, 0, 0, 255, 128, 0, 255]);
});

Deno.test("Canvas: a horizontal stroke 2 pixels wide covers exactly the two rows it spans", () => {
  const canvas = new Canvas(6, 6);
  canvas.gradient([1, 1, 1], [1, 1, 1], 0);
  canvas.stroke([[-2, 3], [8, 3]], 2, [0, 0, 0]);
  const { data } = canvas.toImage();
  const column = Array.from({ length: 6 }, (_, y) => data[(y * 6 + 3) * 3]);
  assert.deepEqual(column, [255, 255, 0, 0, 255, 255]);
});

Deno.test("lineArtImages: reproducible per seed and index, different across seeds, not blank", () => {
  const a = lineArtImages(3, 7, 64), b = lineArtImages(3, 7, 64), c = lineArtImages(2, 8, 64);
  assert.deepEqual(a.map((i) => i.name), ["line-art/7-0", "line-art/7-1", "line-art/7-2"]);
  for (let i = 0; i < 3; i++) assert.deepEqual(a[i].image.data, b[i].image.data);
  assert.deepEqual(lineArtImages(1, 7, 64)[0].image.data, a[0].image.data); // depends on i, not count
  assert.notDeepEqual(c[0].image.data, a[0].image.data);
  const full = lineArtImages(4, 1);
  for (const { name, image } of full) {
    assert.equal(image.width, LINE_ART_SIDE);
    const y = lumaPlane(image).data;
    let lo = Infinity, hi = -Infinity;
    for (const v of y) lo = Math.min(lo, v), hi = Math.max(hi, v);
    assert.ok(hi - lo > 60, `${name}: luma spans only ${lo}..${hi}`);
  }
});
