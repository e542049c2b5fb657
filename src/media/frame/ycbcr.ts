/**
 * RGB ↔ Y'CbCr (ITU-R BT.601, studio swing) in floating point, for still images: the network
 * was trained on exactly this Y (Y = 16 + 65.481 R + 128.553 G + 24.966 B with R, G, B in
 * [0, 1], in 0..255 units), and working in floats avoids the 4:2:0 chroma loss and the 8-bit
 * rounding of a YUV round trip through ffmpeg.
 */
import type { Samples } from "./pixels.ts";

/**
 * BT.601 forward matrix rows, R, G, B in [0, 1] → 0..255 units before the offsets (16 for Y,
 * 128 for Cb and Cr): the coefficients of MATLAB's `rgb2ycbcr`.
 */
export const Y_ROW = [65.481, 128.553, 24.966] as const;
export const CB_ROW = [-37.797, -74.203, 112.0] as const;
export const CR_ROW = [112.0, -93.786, -18.214] as const;

/** Planes of Y, Cb and Cr, each normalised to [0, 1] (value / 255). */
export interface YCbCrPlanes {
  y: Float32Array;
  cb: Float32Array;
  cr: Float32Array;
}

/**
 * Interleaved RGB samples (0..max) → normalised Y, Cb, Cr planes. `max` is 255 for 8-bit
 * and 65535 for 16-bit images.
 */
export function rgbToYCbCr(rgb: ArrayLike<number>, pixels: number, max: number): YCbCrPlanes {
  const y = new Float32Array(pixels), cb = new Float32Array(pixels), cr = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const r = rgb[3 * i] / max, g = rgb[3 * i + 1] / max, b = rgb[3 * i + 2] / max;
    y[i] = (16 + Y_ROW[0] * r + Y_ROW[1] * g + Y_ROW[2] * b) / 255;
    cb[i] = (128 + CB_ROW[0] * r + CB_ROW[1] * g + CB_ROW[2] * b) / 255;
    cr[i] = (128 + CR_ROW[0] * r + CR_ROW[1] * g + CR_ROW[2] * b) / 255;
  }
  return { y, cb, cr };
}

/** The inverse of the forward matrix, computed once. */
const INVERSE = invert3([Y_ROW, CB_ROW, CR_ROW]);

/** Normalised Y, Cb, Cr planes → interleaved RGB samples rounded and clamped to 0..max. */
export function yCbCrToRgb(p: YCbCrPlanes, out: Samples, max: number): void {
  const n = p.y.length;
  const [a, b, c] = INVERSE;
  for (let i = 0; i < n; i++) {
    const y = p.y[i] * 255 - 16, cb = p.cb[i] * 255 - 128, cr = p.cr[i] * 255 - 128;
    const rgb = [
      a[0] * y + a[1] * cb + a[2] * cr,
      b[0] * y + b[1] * cb + b[2] * cr,
      c[0] * y + c[1] * cb + c[2] * cr,
    ];
    for (let k = 0; k < 3; k++) {
      const v = Math.round(rgb[k] * max);
      out[3 * i + k] = v < 0 ? 0 : v > max ? max : v;
    }
  }
}

/** Inverse of a 3×3 matrix (rows). */
export function invert3(m: readonly (readonly number[])[]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}
