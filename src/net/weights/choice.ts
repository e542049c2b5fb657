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
  UNCLEAR_BLEND,
} from "./shipped.ts";

/**
 * Where the statistics part the origins. Calibrated on the real-footage clips outside the
 * validation split (`tools/calibrate_blend.py`; figures in docs/quality.md) and on the
 * training photographs; never on a test set. The unclear band reaches from just under the lowest
 * aliasing a nearest-neighbour training clip read (0.57) to 0.08 over the highest an
 * antialiased one read (0.80); pictures with no trace of a lossy codec read higher (Kodak
 * photographs shrunk by `area` up to 1.00, by `bicubic` up to 0.72), so theirs is higher.
 */
export const ORIGIN_THRESHOLDS = {
  /** At or above, in pictures a lossy codec stored or left its blocks in: aliased. */
  aliasing: 0.88,
  /** At or above, in pictures with no trace of a lossy codec: aliased. */
  aliasingUncoded: 1.08,
  /** At or above (and not aliased): compressed (a block-transform codec). */
  blocking: 1.07,
  /** At or above (and under the aliased cut), in coded pictures: the scaler could be either kind. */
  unclearAliasing: 0.55,
  /**
   * At or above (and under the aliased cut), in pictures with no trace of a lossy codec: the
   * scaler could be either kind. Antialiased stills read up to about 0.72 (Kodak photographs
   * shrunk by `bicubic`), where the paper weights gain 0.8–2.7 dB and a blend half of that.
   */
  unclearAliasingUncoded: 0.73,
  /** Fewer tiles with detail than this: too little to tell (a blank or nearly flat picture). */
  detailedTiles: 16,
  /**
   * A smaller share of the tiles with detail than this: too little to tell. Where detail is a
   * small part of a picture (a traffic camera's edges and overlay on flat road, 6–10% of its
   * tiles), its look need not be the scaler's; every training clip has 46% or more, and a picture
   * with large flat areas that reads true (the tests' `mandelbrot` at 320x240) 19%.
   */
  detailedShare: 0.15,
} as const;

/** Where the statistics part the origins (see {@link ORIGIN_THRESHOLDS}). */
export type OriginThresholds = { readonly [K in keyof typeof ORIGIN_THRESHOLDS]: number };

/**
 * The aliased specialist's share of the blend that pictures of an unclear scaler get (the
 * antialiased specialist has the rest): `bottom` at the unclear band's lower edge, rising
 * linearly to `top` at the aliased cut, and `flat` for pictures too flat to tell. Calibrated
 * with the thresholds: a blend costs little on either kind of picture, where either specialist
 * alone loses 0.6–2 dB when it is the wrong one (docs/quality.md).
 */
export const BLEND_SHARES = { bottom: 0.25, top: 0.6, flat: 0.3 } as const;

/** An origin and the one-line reason for it. */
export interface LrOriginVerdict {
  /** How the pictures look to have been made; null when they hold too little detail to tell. */
  origin: LrOrigin | null;
  /** The figures that decided it, e.g. `aliasing 0.41 < 0.55`, and what they suggest. */
  reason: string;
  /**
   * For `unclear` pictures: where their aliasing sits in the unclear band, from 0 at its foot
   * to 1 at the aliased cut (how much they look like nearest-neighbour pictures).
   */
  lean?: number;
}

const f2 = (v: number) => v.toFixed(2);
// Measured figures carry one more digit than thresholds, so that none reads as its own cut.
const f3 = (v: number) => v.toFixed(3);

/**
 * How pictures with these statistics look to have been made. A lossy codec (`lossyCodec`, the
 * container's codec, or blocking at its threshold) sets the band: aliased at or above its cut
 * (`aliasing`, else `aliasingUncoded`), of an unclear scaler from its foot (`unclearAliasing`,
 * else `unclearAliasingUncoded`) up to it, else compressed (coded) or clean.
 * Each verdict is an estimate from the pictures, and its reason says so.
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
  if (s.tiles !== undefined && s.detailedTiles < t.detailedShare * s.tiles) {
    return {
      origin: null,
      reason: `${s.detailedTiles} of the ${s.tiles} 16×16 tiles have detail, under ` +
        `${Math.round(t.detailedShare * 100)}%: too little to tell how the pictures were made`,
    };
  }
  const blocked = s.blocking >= t.blocking;
  const coded = blocked || lossyCodec !== undefined;
  const codec = blocked
    ? `blocking ${f3(s.blocking)} ≥ ${f2(t.blocking)}`
    : lossyCodec
    ? `stored as ${lossyCodec}`
    : `blocking ${f3(s.blocking)} < ${f2(t.blocking)}`;
  const cut = coded ? t.aliasing : t.aliasingUncoded;
  const foot = coded ? t.unclearAliasing : t.unclearAliasingUncoded;
  const a = f3(s.aliasing);
  if (s.aliasing >= cut) {
    return {
      origin: "aliased",
      reason: `aliasing ${a} ≥ ${f2(cut)}, ${codec}: looks made by a nearest-neighbour scaler`,
    };
  }
  if (s.aliasing >= foot) {
    return {
      origin: "unclear",
      reason: `aliasing ${a} in [${f2(foot)}, ${f2(cut)}), ${codec}: ` +
        "the scaler could be either kind",
      lean: (s.aliasing - foot) / (cut - foot),
    };
  }
  return {
    origin: coded ? "compressed" : "clean",
    reason: `aliasing ${a} < ${f2(foot)}, ${codec}: looks made by an antialiasing scaler, ` +
      (coded ? "then a lossy codec" : "with no lossy codec"),
  };
}

/**
 * Two shipped files run as one network (see blendFsrcnn): `share` of the first's output, the
 * rest the second's.
 */
export interface WeightsBlend {
  /** The two files' names: the nearest-neighbour specialist first. */
  names: readonly [ShippedWeightsName, ShippedWeightsName];
  /** Their files, once {@link chooseShipped} has found them. */
  paths?: readonly [string, string];
  /** The first one's share of the output, from 0 to 1 (two decimals). */
  share: number;
}

/** The weights a run uses, and why. */
export interface WeightsChoice {
  /** The shipped weights' name, or null for weights the caller gave and for a blend. */
  name: ShippedWeightsName | null;
  /** The weights file, or null for weights given as data and for a blend. */
  path: string | null;
  /** One line: why these weights. */
  reason: string;
  /** The origin the choice was made for, when it was made from statistics. */
  origin?: LrOrigin | null;
  /** The statistics it was made from, when it was made from statistics. */
  statistics?: LrStatistics;
  /** For pictures of an unclear scaler, the two shipped files blended. */
  blend?: WeightsBlend;
}

/**
 * Chooses shipped weights for pictures: by their origin (see {@link lrOrigin}), the first entry
 * of {@link SHIPPED_WEIGHTS} that serves it and is shipped for the scale. Pictures whose scaler
 * is unclear (or that are too flat to tell, or could not be measured) get a blend of the two
 * specialists of {@link UNCLEAR_BLEND} where both are shipped, the nearest-neighbour one's share
 * rising with the aliasing ({@link BLEND_SHARES}). With nothing to choose between (a scale with
 * only the paper weights) the statistics are not needed.
 *
 * @param statistics The pictures' statistics; null when none could be measured.
 * @param scale Upscaling factor.
 * @param shipped The names whose files exist for `scale` (see {@link shippedWeightsFor}); the
 *   paper weights are taken as shipped for every scale, and weights chosen for no origin (the
 *   `fast` ones) are never chosen.
 * @param lossyCodec The lossy codec the pictures are stored in, if any (see {@link lrOrigin}).
 * @returns The weights' name (or the blend) and the reason in one line ({@link chooseShipped}
 *   adds the files).
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
 * const choice = chooseWeights(statistics, 2, await shippedWeightsFor(2), "h264");
 * // video-aliased weights: aliasing 0.998 ≥ 0.88, stored as h264: looks made by a
 * // nearest-neighbour scaler
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
  const measured = statistics ? { statistics } : {};
  const pick = (name: ShippedWeightsName, reason: string, origin?: LrOrigin | null) => ({
    name,
    reason: `${name} weights: ${reason}`,
    origin,
    ...measured,
  });
  if (available.length === 1) {
    return pick(available[0].name, `the only ones shipped for x${scale}`);
  }
  const verdict: LrOriginVerdict = statistics
    ? lrOrigin(statistics, ORIGIN_THRESHOLDS, lossyCodec)
    : { origin: null, reason: "no picture could be measured" };
  // Too flat to tell, or not measured: nothing says which scaler made the pictures.
  const origin = verdict.origin ?? "unclear";
  if (origin === "unclear" && UNCLEAR_BLEND.every((n) => shipped.includes(n))) {
    const share = verdict.lean === undefined
      ? BLEND_SHARES.flat
      : BLEND_SHARES.bottom + (BLEND_SHARES.top - BLEND_SHARES.bottom) * verdict.lean;
    const blend = { names: UNCLEAR_BLEND, share: Math.round(share * 100) / 100 };
    const percent = Math.round(blend.share * 100);
    return {
      name: null,
      reason: `${UNCLEAR_BLEND[0]} and ${UNCLEAR_BLEND[1]} weights blended ` +
        `${percent}:${100 - percent}: ${verdict.reason}`,
      origin: verdict.origin,
      blend,
      ...measured,
    };
  }
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
 * @returns The choice, with its file (or, for a blend, its two files).
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
  if (chosen.blend) {
    const [a, b] = chosen.blend.names;
    const paths = [await shippedWeightsFile(a, scale), await shippedWeightsFile(b, scale)] as const;
    return { ...chosen, path: null, blend: { ...chosen.blend, paths } };
  }
  return { ...chosen, path: await shippedWeightsFile(chosen.name!, scale) };
}
