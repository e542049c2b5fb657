import assert from "node:assert/strict";
import { invert3, rgbToYCbCr, yCbCrToRgb } from "./ycbcr.ts";

Deno.test("BT.601 studio Y of black, white and primaries", () => {
  const rgb = [0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255];
  const { y, cb, cr } = rgbToYCbCr(rgb, 5, 255);
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-5;
  assert.ok(close(y[0] * 255, 16) && close(cb[0] * 255, 128) && close(cr[0] * 255, 128));
  assert.ok(close(y[1] * 255, 235) && close(cb[1] * 255, 128) && close(cr[1] * 255, 128));
  assert.ok(close(y[2] * 255, 16 + 65.481) && close(cr[2] * 255, 240));
  assert.ok(close(y[3] * 255, 16 + 128.553));
  assert.ok(close(y[4] * 255, 16 + 24.966) && close(cb[4] * 255, 240));
});

Deno.test("RGB → YCbCr → RGB is exact for every 8-bit grey and many colours, and for 16-bit", () => {
  const n = 256 + 1000;
  const rgb = new Uint8Array(3 * n);
  for (let v = 0; v < 256; v++) rgb.set([v, v, v], 3 * v);
  let seed = 1;
  for (let i = 256 * 3; i < rgb.length; i++) {
    rgb[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  }
  const back = new Uint8Array(rgb.length);
  yCbCrToRgb(rgbToYCbCr(rgb, n, 255), back, 255);
  assert.deepEqual(back, rgb);
  const deep = Uint16Array.from([0, 65535, 1234, 40000, 2, 65534]);
  const back16 = new Uint16Array(6);
  yCbCrToRgb(rgbToYCbCr(deep, 2, 65535), back16, 65535);
  assert.deepEqual(back16, deep);
});

Deno.test("3x3 inverse", () => {
  const m = [[2, 0, 1], [1, 3, 0], [0, 1, 4]];
  const inv = invert3(m);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      const v = m[r][0] * inv[0][c] + m[r][1] * inv[1][c] + m[r][2] * inv[2][c];
      assert.ok(Math.abs(v - (r === c ? 1 : 0)) < 1e-12);
    }
  }
});
