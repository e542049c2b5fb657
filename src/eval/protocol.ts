/**
 * The super-resolution literature's scoring protocol, pure (no file I/O). It is the one of
 * SRCNN's and FSRCNN's MATLAB test code (also used by VDSR and most later papers):
 *
 * 1. crop the HR image to a multiple of the scale (top-left),
 * 2. HR Y = `rgb2ycbcr` Y of the HR image, rounded to 8 bits as MATLAB does for uint8 input
 *    (the raw values for a greyscale file such as Set14's bridge),
 * 3. LR Y = MATLAB bicubic `imresize(single(Y) / 255, 1/s)`: a *float* plane, never rounded,
 * 4. SR Y = method(LR), s× bigger,
 * 5. SR Y is clamped and rounded to integers (MATLAB's `uint8(im_h * 255)`),
 * 6. `s` pixels are shaved off every border of both, then PSNR and SSIM are taken on Y.
 *
 * With these steps the bicubic baseline reproduces the published tables to every printed digit
 * (docs/design.md, "The scoring protocol", lists the variants that do not).
 *
 * Scores are averaged per image (the mean of the per-image PSNRs, not the PSNR of the mean
 * error), as the published tables do.
 */
import type { Image8, Plane } from "../media/frame/pixels.ts";
import { lumaPlane } from "./color.ts";
import { imresizePlane } from "./imresize.ts";
import { psnr, shave, ssim } from "./metrics.ts";

/** What a super-resolution method is given. */
export interface SrInput {
  /**
   * The LR Y plane in 0..255 units: the float bicubic downscale of HR Y, never rounded (for a
   * greyscale image, of its raw values).
   */
  lrY: Plane;
  /** The integer upscaling factor. */
  scale: number;
  /**
   * The picture that weights chosen from statistics are chosen from, when it is not `lrY`: the
   * clip's first (intra-coded) frame when `lrY` is a predicted frame, as `upscale` measures a
   * video on its keyframes.
   */
  choiceLr?: Plane;
}

/**
 * A super-resolution method: returns the SR Y plane, `scale`× the LR size, in 0..255 units,
 * unrounded (the protocol clamps and rounds it).
 */
export type SrMethod = (input: SrInput) => Promise<Plane>;

/** One image's scores. */
export interface ImageScore {
  /** Image name (file name without extension). */
  name: string;
  /** Y-channel PSNR in dB. */
  psnr: number;
  /** Y-channel SSIM (0..1). */
  ssim: number;
}

/** Scores of a list of images, with per-image means. */
export interface ScoreReport {
  /** Upscaling factor scored. */
  scale: number;
  /** Per-image scores, in the set's order. */
  images: ImageScore[];
  /** Mean of the per-image PSNRs (dB), as the literature reports. */
  meanPsnr: number;
  /** Mean of the per-image SSIMs. */
  meanSsim: number;
}

/** An image and the name it is reported under. */
export interface NamedImage {
  name: string;
  image: Image8;
}

/** Crops an image at the top-left to a multiple of `scale` in both dimensions. */
export function modcrop(image: Image8, scale: number): Image8 {
  const width = image.width - (image.width % scale);
  const height = image.height - (image.height % scale);
  if (width === image.width && height === image.height) return image;
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const s = y * image.width * c;
    data.set(image.data.subarray(s, s + width * c), y * width * c);
  }
  return { width, height, channels: image.channels, data };
}

/**
 * The bicubic baseline: MATLAB bicubic imresize of the LR Y plane by `scale` (float, as the
 * literature's `imresize(im_l, up_scale, 'bicubic')`).
 */
export const bicubic: SrMethod = (input) => Promise.resolve(imresizePlane(input.lrY, input.scale));

/** Clamps to [0, 255] and rounds halves up, as MATLAB's uint8() does for these values. */
function toUint8Values(plane: Plane): Plane {
  const data = new Float32Array(plane.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = plane.data[i];
    data[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.floor(v + 0.5);
  }
  return { width: plane.width, height: plane.height, data };
}

/** Scores one HR image at one scale. */
export async function scoreImage(
  hr: Image8,
  scale: number,
  method: SrMethod,
): Promise<{ psnr: number; ssim: number }> {
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`bad scale ${scale}`);
  const cropped = modcrop(hr, scale);
  const hrY = lumaPlane(cropped);
  const raw = await method({ lrY: imresizePlane(hrY, 1 / scale), scale });
  if (raw.width !== cropped.width || raw.height !== cropped.height) {
    throw new RangeError(
      `method returned ${raw.width}x${raw.height}, expected ${cropped.width}x${cropped.height}`,
    );
  }
  return scoreLuma(raw, hrY, scale);
}

/**
 * Scores an SR Y plane against the HR Y plane as the literature does: the SR values clamped
 * and rounded to integers, `scale` pixels shaved off every border of both, then PSNR (dB) and
 * SSIM.
 */
export function scoreLuma(sr: Plane, hrY: Plane, scale: number): { psnr: number; ssim: number } {
  const a = shave(toUint8Values(sr), scale);
  const b = shave(hrY, scale);
  return { psnr: psnr(a, b), ssim: ssim(a, b) };
}

/** Scores a list of images; means are over images. */
export async function scoreImages(
  images: readonly NamedImage[],
  scale: number,
  method: SrMethod,
): Promise<ScoreReport> {
  const scores: ImageScore[] = [];
  for (const { name, image } of images) {
    scores.push({ name, ...(await scoreImage(image, scale, method)) });
  }
  const mean = (f: (s: ImageScore) => number) =>
    scores.length === 0 ? NaN : scores.reduce((acc, s) => acc + f(s), 0) / scores.length;
  return { scale, images: scores, meanPsnr: mean((s) => s.psnr), meanSsim: mean((s) => s.ssim) };
}
