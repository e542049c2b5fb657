/**
 * RGB → YCbCr in ITU-R BT.601 studio range, as MATLAB's `rgb2ycbcr` and the super-resolution
 * literature compute it: Y = 16 + 65.481 R + 128.553 G + 24.966 B with R, G, B in [0, 1], so
 * Y lies in [16, 235] in 0..255 units. Scores are taken on Y only because the literature's
 * methods only super-resolve luminance.
 */
import type { Image8, Plane } from "../media/frame/pixels.ts";
import { CB_ROW, CR_ROW, Y_ROW } from "../media/frame/ycbcr.ts";

/** Options for the conversions. */
export interface YOptions {
  /**
   * Round to 8-bit integers, as `rgb2ycbcr` does for uint8 input (its result is uint8).
   * Default true: with the rounding, our bicubic baseline matches the published tables.
   */
  round?: boolean;
}

function finish(v: number, round: boolean): number {
  // The result is always inside [16, 240], so rounding never needs saturation.
  return round ? Math.floor(v + 0.5) : v;
}

/** Y of one RGB pixel (0..255 inputs), unrounded. */
export function lumaOf(r: number, g: number, b: number): number {
  return 16 + (Y_ROW[0] * r + Y_ROW[1] * g + Y_ROW[2] * b) / 255;
}

/**
 * The Y plane of an image. For a single-channel (greyscale) image the raw values are returned
 * unchanged: the literature scores greyscale files such as Set14's `bridge.png` that way.
 */
export function lumaPlane(image: Image8, options: YOptions = {}): Plane {
  const round = options.round ?? true;
  const n = image.width * image.height;
  const out = new Float32Array(n);
  const d = image.data;
  if (image.channels === 1) {
    out.set(d.subarray(0, n));
  } else {
    for (let i = 0; i < n; i++) {
      out[i] = finish(lumaOf(d[3 * i], d[3 * i + 1], d[3 * i + 2]), round);
    }
  }
  return { width: image.width, height: image.height, data: out };
}

/** Cb and Cr planes of an RGB image (0..255 units, centred on 128). */
export function chromaPlanes(
  image: Image8,
  options: YOptions = {},
): { cb: Plane; cr: Plane } {
  if (image.channels !== 3) throw new RangeError("chroma needs an RGB image");
  const round = options.round ?? true;
  const n = image.width * image.height;
  const cb = new Float32Array(n);
  const cr = new Float32Array(n);
  const d = image.data;
  for (let i = 0; i < n; i++) {
    const r = d[3 * i], g = d[3 * i + 1], b = d[3 * i + 2];
    cb[i] = finish(128 + (CB_ROW[0] * r + CB_ROW[1] * g + CB_ROW[2] * b) / 255, round);
    cr[i] = finish(128 + (CR_ROW[0] * r + CR_ROW[1] * g + CR_ROW[2] * b) / 255, round);
  }
  const { width, height } = image;
  return { cb: { width, height, data: cb }, cr: { width, height, data: cr } };
}
