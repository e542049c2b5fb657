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
  const { min, max } = subpixelTapRange(scale, kernel, padding);
  const taps = max - min + 1;
  const phases = scale * scale;
  const weight = new Float32Array(phases * inChannels * taps * taps);
  for (let ry = 0; ry < scale; ry++) {
    for (let rx = 0; rx < scale; rx++) {
      const o = ry * scale + rx;
      for (let c = 0; c < inChannels; c++) {
        for (let ty = 0; ty < taps; ty++) {
          const ky = ry + padding - scale * (min + ty);
          if (ky < 0 || ky >= kernel) continue;
          for (let tx = 0; tx < taps; tx++) {
            const kx = rx + padding - scale * (min + tx);
            if (kx < 0 || kx >= kernel) continue;
            weight[((o * inChannels + c) * taps + ty) * taps + tx] =
              deconvWeight[(c * kernel + ky) * kernel + kx];
          }
        }
      }
    }
  }
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
 * The inverse mapping, for gradients: accumulates a sub-pixel weight gradient back onto the
 * transposed convolution's [inChannels, 1, K, K] layout (taps that are structurally zero drop).
 */
export function deconvFromSubpixel(
  sp: SubpixelConv,
  kernel = DECONV_KERNEL,
): Float32Array {
  const { scale, taps, inChannels } = sp;
  const padding = DECONV_PADDING;
  const min = -sp.padBefore;
  const out = new Float32Array(inChannels * kernel * kernel);
  for (let ry = 0; ry < scale; ry++) {
    for (let rx = 0; rx < scale; rx++) {
      const o = ry * scale + rx;
      for (let c = 0; c < inChannels; c++) {
        for (let ty = 0; ty < taps; ty++) {
          const ky = ry + padding - scale * (min + ty);
          if (ky < 0 || ky >= kernel) continue;
          for (let tx = 0; tx < taps; tx++) {
            const kx = rx + padding - scale * (min + tx);
            if (kx < 0 || kx >= kernel) continue;
            out[(c * kernel + ky) * kernel + kx] +=
              sp.weight[((o * inChannels + c) * taps + ty) * taps + tx];
          }
        }
      }
    }
  }
  return out;
}
