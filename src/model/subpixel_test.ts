import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import { deconvFromSubpixel, subpixelFromDeconv, subpixelTapRange } from "./subpixel.ts";

/** ConvTranspose2d(c, 1, 9, stride s, padding 4, output_padding s−1) by its definition. */
function transposedConv(
  x: Float32Array,
  c: number,
  w: number,
  h: number,
  k: Float32Array,
  s: number,
) {
  const ow = w * s, oh = h * s;
  const out = new Float64Array(ow * oh);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        for (let ky = 0; ky < 9; ky++) {
          for (let kx = 0; kx < 9; kx++) {
            const oy = y * s - 4 + ky, ox = xx * s - 4 + kx;
            if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) {
              out[oy * ow + ox] += x[(ch * h + y) * w + xx] * k[(ch * 9 + ky) * 9 + kx];
            }
          }
        }
      }
    }
  }
  return out;
}

/** The sub-pixel form computed naively: correlation with zero padding, then depth-to-space. */
function subpixelConv(
  x: Float32Array,
  c: number,
  w: number,
  h: number,
  k: Float32Array,
  s: number,
) {
  const sp = subpixelFromDeconv(k, 0, c, s);
  const out = new Float64Array(w * s * h * s);
  for (let ry = 0; ry < s; ry++) {
    for (let rx = 0; rx < s; rx++) {
      const o = ry * s + rx;
      for (let y = 0; y < h; y++) {
        for (let xx = 0; xx < w; xx++) {
          let acc = 0;
          for (let ch = 0; ch < c; ch++) {
            for (let ty = 0; ty < sp.taps; ty++) {
              const iy = y + ty - sp.padBefore;
              if (iy < 0 || iy >= h) continue;
              for (let tx = 0; tx < sp.taps; tx++) {
                const ix = xx + tx - sp.padBefore;
                if (ix < 0 || ix >= w) continue;
                acc += x[(ch * h + iy) * w + ix] *
                  sp.weight[((o * c + ch) * sp.taps + ty) * sp.taps + tx];
              }
            }
          }
          out[(y * s + ry) * w * s + xx * s + rx] = acc;
        }
      }
    }
  }
  return out;
}

Deno.test("tap ranges of the sub-pixel form", () => {
  assert.deepEqual(subpixelTapRange(2), { min: -2, max: 2 });
  assert.deepEqual(subpixelTapRange(3), { min: -1, max: 2 });
  assert.deepEqual(subpixelTapRange(4), { min: -1, max: 1 });
});

for (const s of [2, 3, 4]) {
  Deno.test(`sub-pixel convolution equals ConvTranspose2d incl. borders (x${s})`, () => {
    const rng = new Rng(s);
    const c = 3, w = 7, h = 5;
    const x = new Float32Array(c * w * h).map(() => rng.normal());
    const k = new Float32Array(c * 81).map(() => rng.normal());
    const a = transposedConv(x, c, w, h, k, s);
    const b = subpixelConv(x, c, w, h, k, s);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-9, `pixel ${i}`);
  });

  Deno.test(`every deconvolution tap appears exactly once in the sub-pixel kernel (x${s})`, () => {
    const k = new Float32Array(2 * 81).map((_, i) => i + 1);
    const sp = subpixelFromDeconv(k, 0.5, 2, s);
    assert.deepEqual(deconvFromSubpixel(sp), k);
    const nonzero = sp.weight.filter((v) => v !== 0);
    assert.equal(nonzero.length, k.length);
    assert.deepEqual([...sp.bias], new Array(s * s).fill(0.5));
  });
}
