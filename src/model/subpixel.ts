/**
 * The sub-pixel form of FSRCNN's last layer.
 *
 * ConvTranspose2d(d, 1, K, stride=s, padding=P, output_padding=s−1) writes output pixel
 * Y = s·q + r from inputs x with tap k = Y + P − s·x. Grouping outputs by phase r turns it into
 * an ordinary correlation over the LR grid, out_r[q] = Σ_t in[q + t] · W[r + P − s·t], with one
 * output channel per phase (s² in 2-D) followed by depth-to-space. Taps whose k falls outside
 * [0, K) are zero. The result is the same function, border included, because both forms treat
 * inputs outside the plane as zero and output_padding = s−1 makes the output exactly s·H.
 */
import { DECONV_KERNEL, DECONV_PADDING } from "./config.ts";

/** An ordinary convolution equivalent to the transposed convolution, plus depth-to-space. */
export interface SubpixelConv {
  scale: number;
  /** Kernel size (taps per axis) of the equivalent convolution. */
  taps: number;
  /** Zero padding before (top/left) and after (bottom/right) on each axis. */
  padBefore: number;
  padAfter: number;
  inChannels: number;
  /** Weights in OIHW layout: [scale², inChannels, taps, taps]; channel o = ry·scale + rx. */
  weight: Float32Array;
  /** One bias per output phase (all equal to the transposed convolution's bias). */
  bias: Float32Array;
}

/** Tap offsets t (relative to the LR pixel) that any phase uses, for a kernel K, padding P. */
export function subpixelTapRange(
  scale: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
): { min: number; max: number } {
  // k = r + P − s·t must lie in [0, K−1] for some phase r in [0, s).
  return {
    min: Math.ceil((padding - kernel + 1) / scale),
    max: Math.floor((scale - 1 + padding) / scale),
  };
}

/**
 * Which sub-pixel weight holds which transposed-convolution tap: pairs of flat indices
 * [sub-pixel (OIHW, [scale², C, T, T]), deconvolution ([C, 1, K, K])]. Every deconvolution tap
 * appears exactly once; sub-pixel entries that appear in no pair are structurally zero.
 */
export function subpixelTapPairs(
  scale: number,
  inChannels: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
): { taps: number; min: number; max: number; pairs: Int32Array } {
  const { min, max } = subpixelTapRange(scale, kernel, padding);
  const taps = max - min + 1;
  const pairs = new Int32Array(2 * inChannels * kernel * kernel);
  let n = 0;
  for (let ry = 0; ry < scale; ry++) {
    for (let rx = 0; rx < scale; rx++) {
      const o = ry * scale + rx;
      for (let c = 0; c < inChannels; c++) {
        for (let ty = 0; ty < taps; ty++) {
          // Output phase r at tap offset t reads deconvolution tap k = r + P − s·t.
          const ky = ry + padding - scale * (min + ty);
          if (ky < 0 || ky >= kernel) continue;
          for (let tx = 0; tx < taps; tx++) {
            const kx = rx + padding - scale * (min + tx);
            if (kx < 0 || kx >= kernel) continue;
            pairs[n++] = ((o * inChannels + c) * taps + ty) * taps + tx;
            pairs[n++] = (c * kernel + ky) * kernel + kx;
          }
        }
      }
    }
  }
  return { taps, min, max, pairs: pairs.subarray(0, n) };
}

/**
 * Converts transposed-convolution weights (PyTorch layout [inChannels, 1, K, K]) and bias into
 * the equivalent sub-pixel convolution.
 */
export function subpixelFromDeconv(
  deconvWeight: Float32Array,
  deconvBias: number,
  inChannels: number,
  scale: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
): SubpixelConv {
  const { taps, min, max, pairs } = subpixelTapPairs(scale, inChannels, kernel, padding);
  const phases = scale * scale;
  const weight = new Float32Array(phases * inChannels * taps * taps);
  for (let i = 0; i < pairs.length; i += 2) weight[pairs[i]] = deconvWeight[pairs[i + 1]];
  return {
    scale,
    taps,
    padBefore: -min,
    padAfter: max,
    inChannels,
    weight,
    bias: new Float32Array(phases).fill(deconvBias),
  };
}

/**
 * The inverse mapping, for gradients: gathers a sub-pixel weight gradient back onto the
 * transposed convolution's [inChannels, 1, K, K] layout (taps that are structurally zero drop).
 */
export function deconvFromSubpixel(sp: SubpixelConv, kernel = DECONV_KERNEL): Float32Array {
  const { pairs } = subpixelTapPairs(sp.scale, sp.inChannels, kernel);
  const out = new Float32Array(sp.inChannels * kernel * kernel);
  for (let i = 0; i < pairs.length; i += 2) out[pairs[i + 1]] = sp.weight[pairs[i]];
  return out;
}
