/**
 * A Gaussian blur of a 4:2:0 frame: the softness of a source that was never sharp (a camera's
 * lens and sensor, older footage), before anyone scaled it. Separable, in float, rounded back
 * to 8 bits as the soft source would be stored.
 */
import type { Yuv420Frame } from "../../media/ffmpeg/degrade.ts";
import { gaussian1d } from "../metrics.ts";

/**
 * The 1-D kernel of a blur of `sigma` pixels: MATLAB's `fspecial('gaussian')` factor over
 * 2·⌈3σ⌉+1 taps (beyond 3σ the Gaussian is under 1.2% of its peak).
 */
export function gaussianTaps(sigma: number): Float64Array {
  if (!(sigma > 0)) throw new RangeError(`a Gaussian blur needs σ > 0, not ${sigma}`);
  return gaussian1d(2 * Math.ceil(3 * sigma) + 1, sigma);
}

/**
 * Blurs one 8-bit plane (`width · height` samples, row after row) with a Gaussian of `sigma`
 * pixels: rows, then columns, the edge samples repeated beyond the borders, rounded at the end.
 */
export function blurPlane(
  data: Uint8Array,
  width: number,
  height: number,
  sigma: number,
): Uint8Array {
  if (data.length !== width * height) {
    throw new RangeError(`${data.length} samples are not a ${width}x${height} plane`);
  }
  const g = gaussianTaps(sigma);
  const r = (g.length - 1) / 2;
  const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
  const rows = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let j = 0; j < g.length; j++) acc += g[j] * data[row + clamp(x + j - r, width)];
      rows[row + x] = acc;
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let j = 0; j < g.length; j++) acc += g[j] * rows[clamp(y + j - r, height) * width + x];
      out[y * width + x] = Math.min(255, Math.max(0, Math.round(acc)));
    }
  }
  return out;
}

/**
 * Blurs every plane of a 4:2:0 frame by `sigma` luma pixels: a chroma pixel spans two luma
 * pixels each way, so the chroma planes are blurred by `sigma / 2` of theirs.
 */
export function blurFrame(frame: Yuv420Frame, sigma: number): Yuv420Frame {
  const { width, height } = frame;
  const blurChroma = (p: Uint8Array) => blurPlane(p, width / 2, height / 2, sigma / 2);
  return {
    width,
    height,
    y: blurPlane(frame.y, width, height, sigma),
    u: blurChroma(frame.u),
    v: blurChroma(frame.v),
  };
}
