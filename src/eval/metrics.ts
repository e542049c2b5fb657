/**
 * Image quality metrics as the super-resolution literature computes them: PSNR with peak 255
 * and SSIM exactly as Wang et al.'s reference `ssim_index.m` (Gaussian 11×11 window, σ = 1.5,
 * K1 = 0.01, K2 = 0.03, L = 255, 'valid' filtering, mean of the map). Both take planes in
 * 0..255 units; sums are done in double precision.
 */
import type { Plane } from "../media/frame/pixels.ts";

/**
 * Removes `border` pixels on every side. The literature ignores a border of `scale` pixels
 * because no method can be judged fairly where the image edge cuts its receptive field.
 */
export function shave(plane: Plane<ArrayLike<number>>, border: number): Plane {
  const width = plane.width - 2 * border;
  const height = plane.height - 2 * border;
  if (border < 0 || width <= 0 || height <= 0) {
    throw new RangeError(`cannot shave ${border} px off a ${plane.width}x${plane.height} plane`);
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      out[y * width + x] = plane.data[(y + border) * plane.width + x + border];
    }
  }
  return { width, height, data: out };
}

function sameSize(a: Plane<ArrayLike<number>>, b: Plane<ArrayLike<number>>): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new RangeError(`size mismatch: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
}

/** Mean squared error between two planes of the same size. */
export function mse(a: Plane<ArrayLike<number>>, b: Plane<ArrayLike<number>>): number {
  sameSize(a, b);
  let sum = 0;
  const n = a.width * a.height;
  for (let i = 0; i < n; i++) {
    const d = a.data[i] - b.data[i];
    sum += d * d;
  }
  return sum / n;
}

/** PSNR in dB for 0..255 values: 10·log10(255² / MSE); Infinity for identical planes. */
export function psnr(a: Plane<ArrayLike<number>>, b: Plane<ArrayLike<number>>): number {
  const e = mse(a, b);
  return e === 0 ? Infinity : 10 * Math.log10((255 * 255) / e);
}

/** The 1-D factor of MATLAB's `fspecial('gaussian', size, sigma)`, normalised to sum 1. */
export function gaussian1d(size: number, sigma: number): Float64Array {
  const g = new Float64Array(size);
  const c = (size - 1) / 2;
  let sum = 0;
  for (let i = 0; i < size; i++) {
    g[i] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
    sum += g[i];
  }
  // The 2-D window exp(-(x²+y²)/2σ²)/Σ is exactly the outer product of this normalised
  // vector with itself, so filtering can be done in two separable passes.
  for (let i = 0; i < size; i++) g[i] /= sum;
  return g;
}

/** 'valid' 2-D filtering (no padding) with a separable symmetric window. */
function filterValid(
  data: Float64Array,
  width: number,
  height: number,
  g: Float64Array,
): Float64Array {
  const k = g.length;
  const ow = width - k + 1;
  const oh = height - k + 1;
  const tmp = new Float64Array(oh * width);
  for (let y = 0; y < oh; y++) {
    for (let j = 0; j < k; j++) {
      const w = g[j];
      const s = (y + j) * width;
      const o = y * width;
      for (let x = 0; x < width; x++) tmp[o + x] += w * data[s + x];
    }
  }
  const out = new Float64Array(oh * ow);
  for (let y = 0; y < oh; y++) {
    const s = y * width;
    for (let x = 0; x < ow; x++) {
      let acc = 0;
      for (let j = 0; j < k; j++) acc += g[j] * tmp[s + x + j];
      out[y * ow + x] = acc;
    }
  }
  return out;
}

/** SSIM parameters; the defaults are those of `ssim_index.m`. */
export interface SsimOptions {
  windowSize?: number;
  sigma?: number;
  k1?: number;
  k2?: number;
  /** Dynamic range of the values. */
  l?: number;
}

/** Mean SSIM of two planes, as Wang et al.'s `ssim_index.m` (no downsampling, 'valid' window). */
export function ssim(
  a: Plane<ArrayLike<number>>,
  b: Plane<ArrayLike<number>>,
  options: SsimOptions = {},
): number {
  sameSize(a, b);
  const size = options.windowSize ?? 11;
  const g = gaussian1d(size, options.sigma ?? 1.5);
  const l = options.l ?? 255;
  const c1 = ((options.k1 ?? 0.01) * l) ** 2;
  const c2 = ((options.k2 ?? 0.03) * l) ** 2;
  const { width, height } = a;
  if (width < size || height < size) {
    throw new RangeError(`SSIM needs at least ${size}x${size} pixels, got ${width}x${height}`);
  }
  const n = width * height;
  const x = Float64Array.from(a.data);
  const y = Float64Array.from(b.data);
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const mu1 = filterValid(x, width, height, g);
  const mu2 = filterValid(y, width, height, g);
  const s11 = filterValid(xx, width, height, g);
  const s22 = filterValid(yy, width, height, g);
  const s12 = filterValid(xy, width, height, g);
  let sum = 0;
  for (let i = 0; i < mu1.length; i++) {
    const m1 = mu1[i], m2 = mu2[i];
    const m1m1 = m1 * m1, m2m2 = m2 * m2, m1m2 = m1 * m2;
    const v1 = s11[i] - m1m1, v2 = s22[i] - m2m2, v12 = s12[i] - m1m2;
    sum += ((2 * m1m2 + c1) * (2 * v12 + c2)) / ((m1m1 + m2m2 + c1) * (v1 + v2 + c2));
  }
  return sum / mu1.length;
}
