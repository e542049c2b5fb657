/**
 * Bicubic upsampling of one plane by an integer factor, for the chroma planes: the network
 * only enlarges luma, and U and V follow with this.
 *
 * Kernel: Keys' cubic convolution with a = −0.5 (the "bicubic" of MATLAB, ffmpeg's swscale and
 * PIL), 4 taps per axis, applied separably: horizontally into a Float32 intermediate, then
 * vertically, rounding and clamping only at the very end. Samples outside the plane repeat the
 * nearest edge sample (clamp-to-edge).
 *
 * Geometry: each output chroma sample is interpolated where it physically lies on the input
 * chroma grid, keeping the stream's chroma siting and the image's edges, so its input
 * coordinate is k = (j + c)/s − c for a sample offset c (¼ co-sited, ½ centred) from its luma
 * block's edge; the derivation is in docs/design.md ("Chroma siting").
 */
import type { Samples } from "./pixels.ts";

/**
 * Where chroma samples sit relative to luma, by ffmpeg's `chroma_location` names:
 * - `left`: co-sited with even luma columns, centred between luma rows. MPEG-2, H.264, HEVC
 *   default for 4:2:0 video, so the default here.
 * - `center`: centred both ways (JPEG, MPEG-1).
 * - `topleft`: co-sited with the top-left luma sample of its 2×2 block (BT.2020 / UHD HEVC).
 * - `top`: centred horizontally, co-sited with even luma rows.
 * - `bottomleft`, `bottom`: as `left` and `center` columns, co-sited with odd luma rows.
 */
export type ChromaSiting = "left" | "center" | "topleft" | "top" | "bottomleft" | "bottom";

/**
 * Chroma sample position in its own pixel units, measured from the edge of the 2×2 luma block
 * it belongs to (see the module comment): ¼ co-sited with the first luma sample, ½ centred,
 * ¾ co-sited with the second.
 */
export interface SitingOffsets {
  x: number;
  y: number;
}

const OFFSETS: Readonly<Record<ChromaSiting, SitingOffsets>> = {
  left: { x: 0.25, y: 0.5 },
  center: { x: 0.5, y: 0.5 },
  topleft: { x: 0.25, y: 0.25 },
  top: { x: 0.5, y: 0.25 },
  bottomleft: { x: 0.25, y: 0.75 },
  bottom: { x: 0.5, y: 0.75 },
};

/** The per-axis offsets of a siting (see SitingOffsets). */
export function sitingOffsets(siting: ChromaSiting): SitingOffsets {
  const o = OFFSETS[siting];
  if (!o) throw new RangeError(`unknown chroma siting: ${siting}`);
  return { ...o };
}

/**
 * The offsets of a chroma plane that is subsampled by 2^shiftX × 2^shiftY: a subsampled axis
 * sits as `siting` says; an axis at full resolution has its chroma samples co-sited with the
 * luma samples, at the centre of their own pixel (½), whatever the stream's chroma_location
 * (which speaks of subsampled axes only). So 4:4:4 is centred both ways, and 4:2:2 takes the
 * siting's columns and centred rows.
 */
export function planeSiting(siting: ChromaSiting, shiftX: 0 | 1, shiftY: 0 | 1): SitingOffsets {
  const o = sitingOffsets(siting);
  return { x: shiftX === 0 ? 0.5 : o.x, y: shiftY === 0 ? 0.5 : o.y };
}

/**
 * The siting for an ffprobe `chroma_location` value. "unspecified", a missing value and
 * anything unrecognised give `left`, the MPEG/H.26x default for 4:2:0 video.
 */
export function chromaSiting(chromaLocation: string | undefined): ChromaSiting {
  const name = chromaLocation?.trim().toLowerCase() ?? "";
  return Object.hasOwn(OFFSETS, name) ? name as ChromaSiting : "left";
}

/**
 * Input coordinate (in input sample indices, sample centres at integers) of output sample
 * `dst` when upsampling by `scale` a grid whose samples sit `offset` of a pixel from the
 * alignment edge: (dst + offset)/scale − offset.
 */
export function sourceCoordinate(dst: number, scale: number, offset: number): number {
  return (dst + offset) / scale - offset;
}

/**
 * Keys' cubic convolution kernel with a = −0.5, support (−2, 2): the "bicubic" of MATLAB's
 * imresize as well (eval/imresize.ts), which it reproduces to the last 8-bit code on Set5 and
 * Set14.
 */
export function keysCubic(x: number): number {
  const ax = Math.abs(x);
  if (ax <= 1) return (1.5 * ax - 2.5) * ax * ax + 1;
  if (ax < 2) return ((-0.5 * ax + 2.5) * ax - 4) * ax + 2;
  return 0;
}

/** Options of one upsampling. */
export interface UpsampleOptions {
  /** Integer factor ≥ 1 on both axes. */
  scale: number;
  /**
   * Output size; default scale × input. For chroma give the output frame's chroma size,
   * ⌈s·W/2⌉ × ⌈s·H/2⌉, which is one less than s × the input chroma size for odd luma sizes
   * (every sample is computed from the mapping, so any size works).
   */
  dstWidth?: number;
  dstHeight?: number;
  /** Default `left`. Explicit offsets override the named positions. */
  siting?: ChromaSiting | SitingOffsets;
}

/** Options of an integer-plane upsampling. */
export interface IntUpsampleOptions extends UpsampleOptions {
  /** Output codes are rounded and clamped to [0, 2^bitDepth − 1]. */
  bitDepth: number;
}

/** 4 taps per output sample along one axis: clamped source indices and their weights. */
interface AxisTaps {
  index: Int32Array;
  weight: Float64Array;
}

function axisTaps(inLength: number, outLength: number, scale: number, offset: number): AxisTaps {
  const index = new Int32Array(outLength * 4);
  const weight = new Float64Array(outLength * 4);
  const last = inLength - 1;
  for (let j = 0; j < outLength; j++) {
    const x = sourceCoordinate(j, scale, offset);
    const base = Math.floor(x);
    const t = x - base;
    // Taps base−1 … base+2 at distances 1+t, t, 1−t, 2−t. The weights sum to 1 up to
    // rounding; dividing by the sum makes a constant plane come out exactly constant.
    const w0 = keysCubic(1 + t), w1 = keysCubic(t), w2 = keysCubic(1 - t), w3 = keysCubic(2 - t);
    const sum = w0 + w1 + w2 + w3;
    const ws = [w0 / sum, w1 / sum, w2 / sum, w3 / sum];
    for (let k = 0; k < 4; k++) {
      const i = base - 1 + k;
      index[j * 4 + k] = i < 0 ? 0 : i > last ? last : i;
      weight[j * 4 + k] = ws[k];
    }
  }
  return { index, weight };
}

interface Geometry {
  srcWidth: number;
  srcHeight: number;
  dstWidth: number;
  dstHeight: number;
  cols: AxisTaps;
  rows: AxisTaps;
}

/** The taps of the most recent geometry: video calls this twice a frame with the same one. */
let lastGeometry: Geometry | undefined;
let lastKey = "";

function geometry(src: ArrayLike<number>, srcWidth: number, srcHeight: number, o: UpsampleOptions) {
  const { scale } = o;
  if (!Number.isSafeInteger(scale) || scale < 1) {
    throw new RangeError(`scale must be a positive integer, got ${scale}`);
  }
  const dstWidth = o.dstWidth ?? scale * srcWidth;
  const dstHeight = o.dstHeight ?? scale * srcHeight;
  for (
    const [what, n] of [
      ["source width", srcWidth],
      ["source height", srcHeight],
      ["output width", dstWidth],
      ["output height", dstHeight],
    ] as const
  ) {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new RangeError(`${what} must be a positive integer, got ${n}`);
    }
  }
  if (src.length !== srcWidth * srcHeight) {
    throw new RangeError(`plane has ${src.length} samples, expected ${srcWidth}x${srcHeight}`);
  }
  const siting = o.siting ?? "left";
  const off = typeof siting === "string" ? sitingOffsets(siting) : siting;
  const key = `${srcWidth},${srcHeight},${dstWidth},${dstHeight},${scale},${off.x},${off.y}`;
  if (lastGeometry && key === lastKey) return lastGeometry;
  lastGeometry = {
    srcWidth,
    srcHeight,
    dstWidth,
    dstHeight,
    cols: axisTaps(srcWidth, dstWidth, scale, off.x),
    rows: axisTaps(srcHeight, dstHeight, scale, off.y),
  };
  lastKey = key;
  return lastGeometry;
}

/**
 * Reused horizontal-pass buffer (it only grows: 4 MB for 1080p chroma). The functions below
 * are synchronous, so two calls never use it at once.
 */
let scratch = new Float32Array(0);

/**
 * Horizontal pass: every input row to dstWidth samples, into a Float32 buffer of
 * dstWidth × srcHeight. Done first because it is the gathering (slower) pass and the input
 * has fewer rows than the output.
 */
function horizontal(src: ArrayLike<number>, g: Geometry): Float32Array {
  const { srcWidth, srcHeight, dstWidth } = g;
  const n = dstWidth * srcHeight;
  if (scratch.length < n) scratch = new Float32Array(n);
  const tmp = scratch;
  const { index, weight } = g.cols;
  for (let y = 0; y < srcHeight; y++) {
    const s = y * srcWidth;
    const d = y * dstWidth;
    for (let x = 0, t = 0; x < dstWidth; x++, t += 4) {
      tmp[d + x] = weight[t] * src[s + index[t]] +
        weight[t + 1] * src[s + index[t + 1]] +
        weight[t + 2] * src[s + index[t + 2]] +
        weight[t + 3] * src[s + index[t + 3]];
    }
  }
  return tmp;
}

/**
 * Upsamples an integer plane (8-bit in a Uint8Array, up to 16-bit in a Uint16Array) and
 * returns the result in a new plane of the same type, or in `out` when given. Output codes are
 * rounded half up and clamped to [0, 2^bitDepth − 1]; the clamp matters because the cubic's
 * negative lobes overshoot at sharp edges (about 7 % of the step per axis).
 */
export function upsamplePlane(
  src: Uint8Array,
  srcWidth: number,
  srcHeight: number,
  options: IntUpsampleOptions,
  out?: Uint8Array,
): Uint8Array;
export function upsamplePlane(
  src: Uint16Array,
  srcWidth: number,
  srcHeight: number,
  options: IntUpsampleOptions,
  out?: Uint16Array,
): Uint16Array;
export function upsamplePlane(
  src: Samples,
  srcWidth: number,
  srcHeight: number,
  options: IntUpsampleOptions,
  out?: Samples,
): Samples;
export function upsamplePlane(
  src: Samples,
  srcWidth: number,
  srcHeight: number,
  options: IntUpsampleOptions,
  out?: Samples,
): Samples {
  const { bitDepth } = options;
  const limit = src instanceof Uint8Array ? 8 : 16;
  if (!Number.isInteger(bitDepth) || bitDepth < 1 || bitDepth > limit) {
    throw new RangeError(`bit depth must be an integer in 1..${limit}, got ${bitDepth}`);
  }
  const g = geometry(src, srcWidth, srcHeight, options);
  const n = g.dstWidth * g.dstHeight;
  const dst = out ?? (src instanceof Uint8Array ? new Uint8Array(n) : new Uint16Array(n));
  if (dst.length !== n || dst.constructor !== src.constructor) {
    throw new RangeError(`output must be a ${src.constructor.name} of ${n} samples`);
  }
  const max = 2 ** bitDepth - 1;
  const tmp = horizontal(src, g);
  const { dstWidth, dstHeight } = g;
  const { index, weight } = g.rows;
  for (let y = 0, t = 0; y < dstHeight; y++, t += 4) {
    const r0 = index[t] * dstWidth, r1 = index[t + 1] * dstWidth;
    const r2 = index[t + 2] * dstWidth, r3 = index[t + 3] * dstWidth;
    const w0 = weight[t], w1 = weight[t + 1], w2 = weight[t + 2], w3 = weight[t + 3];
    const d = y * dstWidth;
    for (let x = 0; x < dstWidth; x++) {
      const r = w0 * tmp[r0 + x] + w1 * tmp[r1 + x] + w2 * tmp[r2 + x] + w3 * tmp[r3 + x] + 0.5;
      // Round half up and clamp, as floatToPlane: NaN cannot occur, r < 1 gives 0.
      dst[d + x] = r >= 1 ? (r < max ? r | 0 : max) : 0;
    }
  }
  return dst;
}

/**
 * Upsamples a float plane: the same filter as upsamplePlane without rounding or clamping
 * (values may overshoot the input's range near sharp edges). Returns a new plane, or `out`.
 * The vertical pass is written out again rather than shared through a store callback because
 * it is the hot loop of chroma upsampling (millions of samples per frame).
 */
export function upsamplePlaneFloat(
  src: Float32Array,
  srcWidth: number,
  srcHeight: number,
  options: UpsampleOptions,
  out?: Float32Array,
): Float32Array {
  const g = geometry(src, srcWidth, srcHeight, options);
  const n = g.dstWidth * g.dstHeight;
  const dst = out ?? new Float32Array(n);
  if (dst.length !== n) throw new RangeError(`output must have ${n} samples, got ${dst.length}`);
  const tmp = horizontal(src, g);
  const { dstWidth, dstHeight } = g;
  const { index, weight } = g.rows;
  for (let y = 0, t = 0; y < dstHeight; y++, t += 4) {
    const r0 = index[t] * dstWidth, r1 = index[t + 1] * dstWidth;
    const r2 = index[t + 2] * dstWidth, r3 = index[t + 3] * dstWidth;
    const w0 = weight[t], w1 = weight[t + 1], w2 = weight[t + 2], w3 = weight[t + 3];
    const d = y * dstWidth;
    for (let x = 0; x < dstWidth; x++) {
      dst[d + x] = w0 * tmp[r0 + x] + w1 * tmp[r1 + x] + w2 * tmp[r2 + x] + w3 * tmp[r3 + x];
    }
  }
  return dst;
}
