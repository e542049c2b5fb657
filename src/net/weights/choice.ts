/**
 * Which shipped weights suit an input, from how its low-resolution pictures look to have been
 * made (see lr_statistics.ts): the paper-protocol weights for clean, antialiased pictures,
 * weights trained on ffmpeg scalers and x264 for compressed video and for pictures made by a
 * nearest-neighbour scaler, or (when shipped) specialists fine-tuned on each of the two. Pure:
 * whether a file exists is the caller's question.
 */
import type { LrStatistics } from "./lr_statistics.ts";
import {
  type LrOrigin,
  SHIPPED_WEIGHTS,
  type ShippedChoice,
  shippedWeightsFile,
  shippedWeightsFor,
  type ShippedWeightsName,
} from "./shipped.ts";

/**
 * Where the statistics part the origins. Calibrated on degraded training images only (the 20
 * held out of training; `tools/calibrate_choice.ts`, figures in docs/quality.md); never on a
 * test set. On the real-footage clips outside the validation split (`tools/calibrate_footage.ts`)
 * other aliasing cuts gained 0.02 dB and cost the stills, so these stand.
 */
export const ORIGIN_THRESHOLDS = {
  /** At or above: aliased (nearest-neighbour scaler). */
  aliasing: 0.73,
  /** At or above (and not aliased): compressed (a block-transform codec). */
  blocking: 1.07,
  /**
   * Compressed with aliasing at or above this (and under `aliasing`): the scaler is unclear.
   * The cut that gave the highest mean Y-PSNR over the 340 held-out LR images.
   */
  unclearAliasing: 0.64,
  /** Fewer tiles with detail than this: too little to tell (a blank or nearly flat picture). */
  detailedTiles: 16,
} as const;

/** Where the statistics part the origins (see {@link ORIGIN_THRESHOLDS}). */
export type OriginThresholds = { readonly [K in keyof typeof ORIGIN_THRESHOLDS]: number };

/** An origin and the one-line reason for it. */
export interface LrOriginVerdict {
  /** How the pictures look to have been made; null when they hold too little detail to tell. */
  origin: LrOrigin | null;
  /** The figures that decided it, e.g. `aliasing 0.41 ≥ 0.30`. */
  reason: string;
}

const f2 = (v: number) => v.toFixed(2);

/**
 * How pictures with these statistics look to have been made: aliased when their aliasing
 * reaches its threshold, else compressed when their blocking does (with the scaler unclear when
 * the aliasing is just under the threshold), else clean.
 *
 * A picture stored by a lossy codec (`lossyCodec`, its name) is never taken as clean: where its
 * blocking stays under the threshold (VP9's and AV1's deblocked large transforms, a high
 * bitrate), its scaler and its codec's traces are both unclear.
 *
 * @param s Statistics of the pictures' luma (see lrStatistics).
 * @param t Where the statistics part the origins; the shipped {@link ORIGIN_THRESHOLDS} unless a
 *   calibration tries others.
 * @param lossyCodec The lossy codec the pictures are stored in (e.g. `vp9`), if any.
 * @returns The origin (null when too flat to tell) and the comparison that decided it.
 */
export function lrOrigin(
  s: LrStatistics,
  t: OriginThresholds = ORIGIN_THRESHOLDS,
  lossyCodec?: string,
): LrOriginVerdict {
  if (!(s.detailedTiles >= t.detailedTiles)) {
    return {
      origin: null,
      reason: `${s.detailedTiles} of the 16×16 tiles have detail, fewer than ` +
        `${t.detailedTiles}: too little to tell how the pictures were made`,
    };
  }
  if (s.aliasing >= t.aliasing) {
    return {
      origin: "aliased",
      reason: `aliasing ${f2(s.aliasing)} ≥ ${f2(t.aliasing)}: made by a nearest-neighbour scaler`,
    };
  }
  const aliasing = `aliasing ${f2(s.aliasing)} < ${f2(t.aliasing)}`;
  if (s.blocking >= t.blocking && s.aliasing >= t.unclearAliasing) {
    return {
      origin: "compressed-unclear",
      reason: `aliasing ${f2(s.aliasing)} in [${f2(t.unclearAliasing)}, ${f2(t.aliasing)}), ` +
        `blocking ${f2(s.blocking)} ≥ ${f2(t.blocking)}: a lossy codec after a scaler that ` +
        "could be either kind",
    };
  }
  if (s.blocking >= t.blocking) {
    return {
      origin: "compressed",
      reason: `${aliasing}, blocking ${f2(s.blocking)} ≥ ${f2(t.blocking)}: ` +
        "an antialiasing scaler, then a lossy codec",
    };
  }
  if (lossyCodec) {
    return {
      origin: "compressed-unclear",
      reason: `${aliasing}, blocking ${f2(s.blocking)} < ${f2(t.blocking)}, but stored as ` +
        `${lossyCodec}: a lossy codec after a scaler the pictures cannot name`,
    };
  }
  return {
    origin: "clean",
    reason: `${aliasing}, blocking ${f2(s.blocking)} < ${f2(t.blocking)}: ` +
      "an antialiasing scaler, no lossy codec",
  };
}

/** The weights a run uses, and why. */
export interface WeightsChoice {
  /** The shipped weights' name, or null for weights the caller gave. */
  name: ShippedWeightsName | null;
  /** The weights file, or null for weights given as data. */
  path: string | null;
  /** One line: why these weights. */
  reason: string;
  /** The origin the choice was made for, when it was made from statistics. */
  origin?: LrOrigin | null;
  /** The statistics it was made from, when it was made from statistics. */
  statistics?: LrStatistics;
}

/**
 * Chooses shipped weights for pictures: by their origin (see {@link lrOrigin}), the first entry
 * of {@link SHIPPED_WEIGHTS} that serves it and is shipped for the scale. With nothing to
 * choose between (a scale with only the paper weights) the statistics are not needed.
 *
 * @param statistics The pictures' statistics; null when none could be measured.
 * @param scale Upscaling factor.
 * @param shipped The names whose files exist for `scale` (see {@link shippedWeightsFor}); the
 *   paper weights are taken as shipped for every scale, and weights chosen for no origin (the
 *   `fast` ones) are never chosen.
 * @param lossyCodec The lossy codec the pictures are stored in, if any (see {@link lrOrigin}).
 * @returns The weights' name and the reason in one line ({@link chooseShipped} adds the file).
 *
 * @example Choose for a picture
 * ```ts
 * import { chooseWeights, lrStatistics, shippedWeightsFor } from "@fsrcnn/deno/engine";
 * // Hard-edged 8×8 squares with no intermediate values at their edges, as a nearest-neighbour
 * // scaler leaves them.
 * const width = 128, height = 128;
 * const data = Uint8Array.from(
 *   { length: width * height },
 *   (_, i) => (((i % width) >> 3) ^ (Math.floor(i / width) >> 3)) & 1 ? 200 : 40,
 * );
 * const statistics = lrStatistics([{ data, width, height }], 255);
 * const choice = chooseWeights(statistics, 2, await shippedWeightsFor(2));
 * // video weights: aliasing 1.00 ≥ 0.73: made by a nearest-neighbour scaler
 * console.log(choice.name, choice.reason);
 * ```
 */
export function chooseWeights(
  statistics: LrStatistics | null,
  scale: number,
  shipped: readonly ShippedWeightsName[],
  lossyCodec?: string,
): Omit<WeightsChoice, "path"> {
  const available = SHIPPED_WEIGHTS.filter((w) =>
    w.chosenFor.length > 0 && (w.name === "paper" || shipped.includes(w.name))
  );
  const pick = (name: ShippedWeightsName, reason: string, origin?: LrOrigin | null) => ({
    name,
    reason: `${name} weights: ${reason}`,
    origin,
    ...(statistics ? { statistics } : {}),
  });
  if (available.length === 1) {
    return pick(available[0].name, `the only ones shipped for x${scale}`);
  }
  // Video is what most inputs are; when the pictures cannot tell, the video weights' loss on
  // clean pictures is smaller than the paper weights' loss on compressed ones, and nothing says
  // which scaler made them: the weights trained on every scaler, not a specialist.
  const fallback: LrOrigin = "compressed-unclear";
  if (!statistics) {
    const w = available.find((e) => e.chosenFor.includes(fallback))!;
    return pick(
      w.name,
      "no picture could be measured; chosen as for compressed video of an unclear scaler",
      null,
    );
  }
  const verdict = lrOrigin(statistics, ORIGIN_THRESHOLDS, lossyCodec);
  const origin = verdict.origin ?? fallback;
  const w = available.find((e) => e.chosenFor.includes(origin))!;
  return pick(w.name, verdict.reason, verdict.origin);
}

/**
 * The shipped weights of a run at `scale`: those named, or (`auto`) those that suit the
 * pictures, chosen by {@link chooseWeights} from the statistics `measure` returns and the lossy
 * codec the pictures are stored in. `measure` is called only when there is a choice to make;
 * without it, `auto` chooses as for pictures that could not be measured.
 *
 * @param choice `auto` or the name of shipped weights.
 * @param scale Upscaling factor.
 * @param measure Measures the pictures; null when none could be measured.
 * @param lossyCodec The lossy codec the pictures are stored in, if any.
 * @returns The choice, with its file.
 * @throws {OptionError} (for the option `weights`) Weights named that are not shipped for
 *   `scale`.
 */
export async function chooseShipped(
  choice: ShippedChoice,
  scale: number,
  measure?: () => Promise<LrStatistics | null>,
  lossyCodec?: string,
): Promise<WeightsChoice> {
  if (choice !== "auto") {
    const path = await shippedWeightsFile(choice, scale);
    return { name: choice, path, reason: `${choice} weights: asked for by name` };
  }
  const available = await shippedWeightsFor(scale, { auto: true });
  const statistics = available.length > 1 && measure ? await measure() : null;
  const chosen = chooseWeights(statistics, scale, available, lossyCodec);
  return { ...chosen, path: await shippedWeightsFile(chosen.name!, scale) };
}
