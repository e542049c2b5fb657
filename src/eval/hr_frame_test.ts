import assert from "node:assert/strict";
import { chromaPlanes } from "./color.ts";
import { hrFrame } from "./hr_frame.ts";

Deno.test("hrFrame: cropped to a multiple of 2×scale, studio-range Y, 2×2-averaged chroma", () => {
  // A 7x5 greyscale image at x2: 4x4 frame; grey g becomes Y = 16 + 219 g / 255, rounded.
  const grey = { width: 7, height: 5, channels: 1 as const, data: new Uint8Array(35) };
  for (let i = 0; i < 35; i++) grey.data[i] = (i * 37) % 256;
  const f = hrFrame(grey, 2);
  assert.equal(f.width, 4);
  assert.equal(f.height, 4);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const g = grey.data[y * 7 + x];
      assert.equal(f.y[y * 4 + x], Math.floor(16 + (219 * g) / 255 + 0.5), `(${x}, ${y})`);
    }
  }
  assert.deepEqual([...f.u], [128, 128, 128, 128]);
  assert.deepEqual([...f.v], [128, 128, 128, 128]);

  // Pure red: MATLAB's rgb2ycbcr gives Y 81; chroma is the same at every pixel.
  const red = { width: 12, height: 6, channels: 3 as const, data: new Uint8Array(12 * 6 * 3) };
  for (let i = 0; i < 72; i++) red.data[3 * i] = 255;
  const r = hrFrame(red, 3);
  assert.equal(r.width, 12);
  assert.equal(r.height, 6);
  assert.ok(r.y.every((v) => v === 81));
  const { cb, cr } = chromaPlanes({
    width: 1,
    height: 1,
    channels: 3,
    data: red.data.subarray(0, 3),
  });
  assert.ok(r.u.every((v) => v === Math.round(cb.data[0])));
  assert.ok(r.v.every((v) => v === Math.round(cr.data[0])));
  assert.equal(r.u.length, 6 * 3);

  assert.throws(() => hrFrame({ ...red, width: 5, data: red.data.subarray(0, 90) }, 3), RangeError);
});
