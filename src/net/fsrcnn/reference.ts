/**
 * A direct, unoptimised FSRCNN forward pass in plain TypeScript (float64 accumulation),
 * written from the layer definitions: the transposed convolution scatters every input pixel
 * through its K×K kernel exactly as ConvTranspose2d is defined. Meant for tests on tiny
 * planes, as an oracle that shares no code with the fast backends.
 */
import { DECONV_PADDING, type FsrcnnConfig, layerSpecs } from "./config.ts";
import type { NetworkWeights } from "../arch.ts";

/**
 * Runs FSRCNN on one `width`×`height` plane; returns the (scale·height)×(scale·width) plane,
 * unclamped. Planes are row-major, values nominally in [0, 1]. Slow (about a second for a
 * 100×100 plane with FSRCNN(56, 12, 4)): meant as an oracle for tests, not for real work.
 *
 * @param weights Complete weights (as {@link loadWeights} or {@link initWeights} give).
 * @param plane `width · height` input values.
 * @param width Input width in pixels.
 * @param height Input height in pixels.
 *
 * @example Check an engine against the reference
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngineFor, initWeights, fsrcnnConfig, referenceForward } from "@fsrcnn/deno/engine";
 * const weights = initWeights(fsrcnnConfig(2));
 * const plane = Float32Array.from({ length: 16 * 12 }, (_, i) => (i % 7) / 7);
 * const expected = referenceForward(weights, plane, 16, 12); // 32×24 values
 * const engine = await createEngineFor(weights, "wasm");
 * const got = await engine.run({ data: plane, count: 1, width: 16, height: 12 });
 * engine.dispose();
 * assert(Math.max(...expected.map((v, i) => Math.abs(v - got.data[i]))) < 1e-4);
 * ```
 */
export function referenceForward(
  weights: NetworkWeights,
  plane: Float32Array,
  width: number,
  height: number,
): Float32Array {
  return Float32Array.from(referenceForward64(weights, plane, width, height));
}

/** As referenceForward, without rounding the result to float32 (for gradient checks). */
export function referenceForward64(
  weights: NetworkWeights,
  plane: Float32Array,
  width: number,
  height: number,
): Float64Array {
  const cfg: FsrcnnConfig = weights.config;
  let act: Float64Array = Float64Array.from(plane);
  let channels = 1;
  for (const layer of layerSpecs(cfg)) {
    const w = weights.params.get(`${layer.conv}.weight`)!;
    const b = weights.params.get(`${layer.conv}.bias`)!;
    if (layer.transposed) {
      return deconv(
        act,
        channels,
        width,
        height,
        w,
        b[0],
        layer.kernel,
        cfg.scale,
      );
    }
    act = conv(
      act,
      channels,
      width,
      height,
      w,
      b,
      layer.outChannels,
      layer.kernel,
    );
    channels = layer.outChannels;
    const slope = weights.params.get(`${layer.prelu}.weight`)!;
    const hw = width * height;
    for (let c = 0; c < channels; c++) {
      for (let i = 0; i < hw; i++) {
        const v = act[c * hw + i];
        if (v < 0) act[c * hw + i] = v * slope[c];
      }
    }
  }
  throw new Error("network has no transposed convolution");
}

function conv(
  x: Float64Array,
  cin: number,
  width: number,
  height: number,
  w: Float32Array,
  b: Float32Array,
  cout: number,
  k: number,
): Float64Array {
  const pad = k >> 1;
  const hw = width * height;
  const out = new Float64Array(cout * hw);
  for (let o = 0; o < cout; o++) {
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        let acc = b[o];
        for (let c = 0; c < cin; c++) {
          for (let ky = 0; ky < k; ky++) {
            const iy = y + ky - pad;
            if (iy < 0 || iy >= height) continue;
            for (let kx = 0; kx < k; kx++) {
              const ix = xx + kx - pad;
              if (ix < 0 || ix >= width) continue;
              acc += x[c * hw + iy * width + ix] *
                w[((o * cin + c) * k + ky) * k + kx];
            }
          }
        }
        out[o * hw + y * width + xx] = acc;
      }
    }
  }
  return out;
}

function deconv(
  x: Float64Array,
  cin: number,
  width: number,
  height: number,
  w: Float32Array,
  bias: number,
  k: number,
  scale: number,
): Float64Array {
  const ow = width * scale;
  const oh = height * scale;
  const acc = new Float64Array(ow * oh).fill(bias);
  const hw = width * height;
  for (let c = 0; c < cin; c++) {
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        const v = x[c * hw + y * width + xx];
        for (let ky = 0; ky < k; ky++) {
          const oy = y * scale - DECONV_PADDING + ky;
          if (oy < 0 || oy >= oh) continue;
          for (let kx = 0; kx < k; kx++) {
            const ox = xx * scale - DECONV_PADDING + kx;
            if (ox < 0 || ox >= ow) continue;
            acc[oy * ow + ox] += v * w[(c * k + ky) * k + kx];
          }
        }
      }
    }
  }
  return acc;
}
