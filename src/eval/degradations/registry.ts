/**
 * Every way the suite (`eval --degradations`) and degraded training pairs (`train
 * --degradations`) make a low-resolution picture from an HR one, one entry each. An entry
 * composes plain steps: what happened to the source first (e.g. a blur), how it was shrunk
 * (one of ffmpeg's scalers, as a video is scaled, or MATLAB's bicubic of Y, the literature's
 * protocol), and so what the LR then goes through (the codec round trip, or nothing). A new
 * degradation is one entry of {@link DEGRADATION_REGISTRY}; degrade_luma.ts runs them.
 */
import { OptionError } from "../../core/errors.ts";
import type { SwsScaler, Yuv420Frame } from "../../media/ffmpeg/degrade.ts";
import type { Plane } from "../../media/frame/pixels.ts";
import { imresizePlane } from "../imresize.ts";
import { blurFrame } from "./gaussian_blur.ts";

/** A degradation's name. */
export type DegradationName = "matlab" | "bicubic" | "bilinear" | "area" | "neighbor" | "blur";

/** A step on the HR frame before it is shrunk: how the source itself was made. */
export interface SourceStep {
  /** The step in words at a scale, e.g. `Gaussian blur σ 0.8`. */
  describe(scale: number): string;
  /** The HR frame after the step. */
  apply(frame: Yuv420Frame, scale: number): Yuv420Frame;
}

/** How the HR frame (after its source steps) becomes the LR one. */
export type Shrink =
  /** One of swscale's kernels on all three planes, in one ffmpeg run with the codec's encode. */
  | { readonly kind: "ffmpeg"; readonly scaler: SwsScaler }
  /** A resize of the Y plane alone, in float: no video, so never coded. */
  | {
    readonly kind: "luma";
    readonly describe: (scale: number) => string;
    readonly resize: (y: Plane, scale: number) => Plane;
  };

/** One degradation: its name, its words and its steps. */
export interface Degradation {
  /** Its name, by which eval and train ask for it. */
  readonly name: DegradationName;
  /** One line that says what it does (for help texts and the docs). */
  readonly describe: string;
  /** What happens to the HR frame before it is shrunk, in order (none: a sharp source). */
  readonly source: readonly SourceStep[];
  /** How it is shrunk. */
  readonly shrink: Shrink;
  /**
   * What the LR clip then goes through: the suite's codec round trip (x264), as a scaled
   * video's frames do, when true; nothing when false (a float Y plane is no video).
   */
  readonly coded: boolean;
}

/** Shrinks with one of ffmpeg's scalers; the LR is then coded as a video's. */
export function swscale(scaler: SwsScaler): Shrink {
  return { kind: "ffmpeg", scaler };
}

/** MATLAB's `imresize` bicubic of Y, float: the literature's protocol. */
export const MATLAB_BICUBIC: Shrink = {
  kind: "luma",
  describe: (scale) => `MATLAB bicubic 1/${scale} of Y, float (the literature's protocol)`,
  resize: (y, scale) => imresizePlane(y, 1 / scale),
};

/**
 * A soft source: a Gaussian blur of `lrSigma` LR pixels, that is `lrSigma · scale` HR pixels,
 * so that the picture a user has is as soft at every scale.
 */
export function gaussianBlur(lrSigma: number): SourceStep {
  // Whole thousandths, so that the words and the kernel agree (0.4 · 3 is 1.2000000000000002).
  const sigma = (scale: number) => Math.round(lrSigma * scale * 1000) / 1000;
  return {
    describe: (scale) => `Gaussian blur σ ${sigma(scale)}`,
    apply: (frame, scale) => blurFrame(frame, sigma(scale)),
  };
}

/**
 * The blur of a soft source, in LR pixels: 0.8 HR pixels at ×2, 1.2 at ×3, 1.6 at ×4. Softer
 * than a sharp source shrunk by bicubic, yet milder than the literature's "BD" degradation
 * (σ 1.6 at ×3, 0.53 LR pixels), so the scaler's own aliasing still shows through: a camera's
 * lens and sensor, or older footage, rather than a defocused shot.
 */
export const SOFT_SOURCE_SIGMA = 0.4;

function entry(
  name: DegradationName,
  describe: string,
  source: readonly SourceStep[],
  shrink: Shrink,
): Degradation {
  return { name, describe, source, shrink, coded: shrink.kind === "ffmpeg" };
}

/** Every degradation, in report order. */
export const DEGRADATION_REGISTRY: readonly Degradation[] = [
  entry(
    "matlab",
    "MATLAB's bicubic imresize of Y in float, never coded: the literature's protocol",
    [],
    MATLAB_BICUBIC,
  ),
  entry("bicubic", "ffmpeg's bicubic scaler (its default), then the codec", [], swscale("bicubic")),
  entry("bilinear", "ffmpeg's bilinear scaler, then the codec", [], swscale("bilinear")),
  entry("area", "ffmpeg's area-averaging scaler, then the codec", [], swscale("area")),
  entry(
    "neighbor",
    "ffmpeg's nearest-neighbour scaler (aliased), then the codec",
    [],
    swscale("neighbor"),
  ),
  entry(
    "blur",
    `a soft source: Gaussian blur of σ ${SOFT_SOURCE_SIGMA} LR pixels (${
      2 * SOFT_SOURCE_SIGMA
    } at ×2), then ffmpeg's bicubic scaler and the codec`,
    [gaussianBlur(SOFT_SOURCE_SIGMA)],
    swscale("bicubic"),
  ),
];

/** Every degradation's name, in report order. */
export const DEGRADATIONS: readonly DegradationName[] = DEGRADATION_REGISTRY.map((d) => d.name);

/** The registry's entry of a degradation. */
export function degradationNamed(name: DegradationName): Degradation {
  const found = DEGRADATION_REGISTRY.find((d) => d.name === name);
  if (!found) throw new RangeError(`no degradation is named ${name}`);
  return found;
}

/**
 * Names checked against the registry, in their order.
 *
 * @throws {OptionError} (`degradations`) A name that is no degradation's.
 */
export function checkDegradations(names: readonly string[]): DegradationName[] {
  for (const n of names) {
    if (!(DEGRADATIONS as readonly string[]).includes(n)) {
      throw new OptionError(
        "degradations",
        `has ${n}, which is none of ${DEGRADATIONS.join(", ")}`,
      );
    }
  }
  return names as DegradationName[];
}

/** A degradation's steps in words at a scale, without the codec: a row of the suite's table. */
export function describeSteps(d: Degradation, scale: number): string {
  const shrink = d.shrink.kind === "luma"
    ? d.shrink.describe(scale)
    : `ffmpeg scale flags=${d.shrink.scaler} 1/${scale}`;
  return [...d.source.map((s) => s.describe(scale)), shrink].join(", ");
}
