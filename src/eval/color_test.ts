import assert from "node:assert/strict";
import type { Image8 } from "../media/frame/pixels.ts";
import { chromaPlanes, lumaOf, lumaPlane } from "./color.ts";

function rgb(pixels: [number, number, number][]): Image8 {
  return { width: pixels.length, height: 1, channels: 3, data: Uint8Array.from(pixels.flat()) };
}

Deno.test("Y: BT.601 studio range, rounded to 8 bits by default", () => {
  const image = rgb([[0, 0, 0], [255, 255, 255], [255, 0, 0], [0, 255, 0], [0, 0, 255]]);
  // 16 + 65.481 = 81.481, 16 + 128.553 = 144.553, 16 + 24.966 = 40.966
  assert.deepEqual(Array.from(lumaPlane(image).data), [16, 235, 81, 145, 41]);
  const exact = lumaPlane(image, { round: false }).data;
  assert.ok(Math.abs(exact[2] - 81.481) < 1e-4);
  assert.ok(Math.abs(exact[3] - 144.553) < 1e-4);
  assert.ok(Math.abs(lumaOf(255, 255, 255) - 235) < 1e-9);
});

Deno.test("Y of a greyscale image is its raw values", () => {
  const image: Image8 = { width: 3, height: 1, channels: 1, data: Uint8Array.from([0, 7, 255]) };
  assert.deepEqual(Array.from(lumaPlane(image).data), [0, 7, 255]);
});

Deno.test("Cb/Cr: neutral grey is 128, primaries go where BT.601 puts them", () => {
  const { cb, cr } = chromaPlanes(rgb([[128, 128, 128], [0, 0, 255], [255, 0, 0]]));
  assert.deepEqual(Array.from(cb.data), [128, 240, 90]); // 128 + 112, 128 − 37.797
  assert.deepEqual(Array.from(cr.data), [128, 110, 240]); // 128 − 18.214, 128 + 112
});
