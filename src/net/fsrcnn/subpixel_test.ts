import assert from "node:assert/strict";
import { Rng } from "../../core/random.ts";
import {
  deconvFromSubpixel,
  phaseWindows,
  subpixelFromDeconv,
  subpixelTapRange,
} from "./subpixel.ts";

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

/**
 * The sub-pixel form computed naively: correlation of stride `block` with zero padding, then
 * depth-to-space, cropped to s times the input.
 */
function subpixelConv(
  x: Float32Array,
  c: number,
  w: number,
  h: number,
  k: Float32Array,
  s: number,
  block = 1,
  shifted = false,
) {
  const sp = subpixelFromDeconv(k, 0, c, s, 9, 4, { block, shifted });
  const extra = Math.max(...sp.shift);
  const side = block * s, ow = w * s, oh = h * s;
  // The padding gives ⌈n / block⌉ (+ the largest shift) outputs per axis.
  assert.equal(
    Math.floor((h + sp.padBefore + sp.padAfter - sp.taps) / block) + 1,
    Math.ceil(h / block) + extra,
  );
  assert.equal(
    Math.floor((w + sp.padBefore + sp.padAfter - sp.taps) / block) + 1,
    Math.ceil(w / block) + extra,
  );
  const out = new Float64Array(ow * oh);
  for (let uy = 0; uy < side; uy++) {
    for (let ux = 0; ux < side; ux++) {
      const o = uy * side + ux;
      for (let py = 0; py < Math.ceil(h / block); py++) {
        for (let px = 0; px < Math.ceil(w / block); px++) {
          let acc = 0;
          for (let ch = 0; ch < c; ch++) {
            for (let ty = 0; ty < sp.taps; ty++) {
              const iy = py * block + sp.shift[uy] * block + ty - sp.padBefore;
              if (iy < 0 || iy >= h) continue;
              for (let tx = 0; tx < sp.taps; tx++) {
                const ix = px * block + sp.shift[ux] * block + tx - sp.padBefore;
                if (ix < 0 || ix >= w) continue;
                acc += x[(ch * h + iy) * w + ix] *
                  sp.weight[((o * c + ch) * sp.taps + ty) * sp.taps + tx];
              }
            }
          }
          const oy = py * side + uy, ox = px * side + ux;
          if (oy < oh && ox < ow) out[oy * ow + ox] = acc;
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
  // Blocks of 2x2 LR pixels: one more tap after, stride 2.
  assert.deepEqual(subpixelTapRange(2, 9, 4, 2), { min: -2, max: 3 });
  assert.deepEqual(subpixelTapRange(4, 9, 4, 2), { min: -1, max: 2 });
  // Shifted windows: as wide as the widest phase's own taps.
  const shifted = (scale: number, block: number) =>
    phaseWindows(scale, 9, 4, { block, shifted: true });
  assert.deepEqual(shifted(2, 1), { min: -2, taps: 5, shift: [0, 0] });
  assert.deepEqual(shifted(2, 2), { min: -2, taps: 6, shift: [0, 0, 0, 0] });
  assert.deepEqual(shifted(3, 1), { min: -1, taps: 3, shift: [0, 0, 1] });
  assert.deepEqual(shifted(4, 1), { min: -1, taps: 3, shift: [0, 0, 0, 0] });
  assert.deepEqual(phaseWindows(3), { min: -1, taps: 4, shift: [0, 0, 0] });
});

for (const s of [2, 3, 4]) {
  Deno.test(`sub-pixel convolution equals ConvTranspose2d incl. borders (x${s})`, () => {
    const rng = new Rng(s);
    const c = 3, w = 7, h = 5;
    const x = new Float32Array(c * w * h).map(() => rng.normal());
    const k = new Float32Array(c * 81).map(() => rng.normal());
    const a = transposedConv(x, c, w, h, k, s);
    for (const block of [1, 2, 3]) {
      for (const shifted of [false, true]) {
        // 7x5 is no multiple of 2 or 3: the last block is partial and cropped.
        const b = subpixelConv(x, c, w, h, k, s, block, shifted);
        for (let i = 0; i < a.length; i++) {
          assert.ok(Math.abs(a[i] - b[i]) < 1e-9, `block ${block}, ${shifted}, pixel ${i}`);
        }
      }
    }
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
