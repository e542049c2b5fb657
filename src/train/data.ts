/**
 * Training data: HR images become aligned (LR, HR) Y-plane pairs made exactly as `eval`
 * makes its inputs (HR Y rounded to 8 bits, LR its float MATLAB-bicubic downscale), with the
 * paper's augmentation — each image also downscaled by 0.9, 0.8, 0.7 and 0.6 — and random
 * rotations by 90° and flips applied to every sampled patch. A fraction of the patches may also
 * have their levels remapped (see {@link remapLevels}).
 */
import { lumaPlane } from "../eval/color.ts";
import { imresizePlane } from "../eval/imresize.ts";
import type { Plane } from "../media/frame/pixels.ts";
import type { NamedImage } from "../eval/protocol.ts";
import type { Rng } from "../core/random.ts";
import type { PatchBatch } from "./step.ts";

/** The paper's extra downscaling factors (1 is the original image). */
export const AUGMENT_FACTORS = [1, 0.9, 0.8, 0.7, 0.6] as const;

/** One training pair, Y in [0, 1]. */
export interface TrainPair {
  name: string;
  hr: Plane;
  lr: Plane;
}

/** The LR/HR Y pair of an HR Y plane (0..255 units in, [0, 1] out), as the eval protocol. */
export function pairFromHrY(name: string, hrY: Plane, scale: number): TrainPair | null {
  const width = hrY.width - (hrY.width % scale);
  const height = hrY.height - (hrY.height % scale);
  if (width < scale || height < scale) return null;
  const hr = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    hr.set(hrY.data.subarray(y * hrY.width, y * hrY.width + width), y * width);
  }
  const lr = imresizePlane({ width, height, data: hr }, 1 / scale);
  const norm = (p: Float32Array) => p.map((v) => v / 255);
  return {
    name,
    hr: { width, height, data: norm(hr) },
    lr: { width: lr.width, height: lr.height, data: norm(lr.data) },
  };
}

/** All pairs of a set of HR images, with the augmentation downscales. */
export function buildPairs(
  images: readonly NamedImage[],
  scale: number,
  factors: readonly number[] = AUGMENT_FACTORS,
): TrainPair[] {
  const pairs: TrainPair[] = [];
  for (const { name, image } of images) {
    const y = lumaPlane(image);
    for (const f of factors) {
      const hrY = f === 1 ? y : imresizePlane(y, f);
      const pair = pairFromHrY(`${name}@${f}`, hrY, scale);
      if (pair) pairs.push(pair);
    }
  }
  return pairs;
}

/** Contrast gains of remapped patches: log-uniform between these. */
export const LEVEL_GAINS = [1 / 8, 2] as const;

/**
 * Remaps an aligned LR/HR patch pair in place to other levels, `v → gain·v + shift`, both
 * clipped to [0, 1] as a camera or an encoder clips. Photographs seldom hold large flat areas at
 * the ends of the code range, yet video does (black bars, titles, animation, full-range and
 * super-white pictures): networks trained on photographs alone lift black and dim white there.
 * Remapped patches teach that flat areas keep their level anywhere in the range, and how
 * clipped edges look.
 */
export function remapLevels(lr: Float32Array, hr: Float32Array, gain: number, shift: number): void {
  for (const p of [lr, hr]) {
    for (let i = 0; i < p.length; i++) p[i] = Math.min(1, Math.max(0, gain * p[i] + shift));
  }
}

/** Draws random aligned patches (with rotation/flip) from a list of pairs. */
export class PatchSampler {
  readonly #pairs: TrainPair[];
  readonly #cumulative: Float64Array;
  readonly #scale: number;
  readonly #size: number;
  readonly #levels: number;

  /**
   * `size` is the LR patch side; pairs smaller than a patch are skipped. A fraction `levels`
   * of the patches (0 to 1; default none) is remapped by {@link remapLevels}: the contrast
   * scaled by a gain log-uniform in {@link LEVEL_GAINS} and the LR patch's mean moved to a
   * level uniform in [0, 1].
   */
  constructor(pairs: TrainPair[], scale: number, size: number, levels = 0) {
    if (!(levels >= 0 && levels <= 1)) {
      throw new RangeError(`the fraction of remapped patches must be in [0, 1], not ${levels}`);
    }
    this.#scale = scale;
    this.#size = size;
    this.#levels = levels;
    this.#pairs = pairs.filter((p) => p.lr.width >= size && p.lr.height >= size);
    if (this.#pairs.length === 0) {
      throw new RangeError(`no training image has ${size}x${size} LR patches`);
    }
    // Every patch position equally likely: weight images by their number of positions.
    this.#cumulative = new Float64Array(this.#pairs.length);
    let total = 0;
    this.#pairs.forEach((p, i) => {
      total += (p.lr.width - size + 1) * (p.lr.height - size + 1);
      this.#cumulative[i] = total;
    });
  }

  /** Number of distinct patch positions (before rotation/flip). */
  get positions(): number {
    return this.#cumulative[this.#cumulative.length - 1];
  }

  /** A batch of `count` patches drawn with `rng`. */
  sample(rng: Rng, count: number): PatchBatch {
    const p = this.#size, s = this.#scale, hp = p * s;
    const lr = new Float32Array(count * p * p);
    const hr = new Float32Array(count * hp * hp);
    for (let n = 0; n < count; n++) {
      const target = rng.uniform() * this.positions;
      let lo = 0, hi = this.#cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.#cumulative[mid] > target) hi = mid;
        else lo = mid + 1;
      }
      const pair = this.#pairs[lo];
      const x = rng.int(pair.lr.width - p + 1);
      const y = rng.int(pair.lr.height - p + 1);
      const transform = rng.int(8); // 4 rotations × optional flip
      copyTransformed(pair.lr, x, y, p, transform, lr.subarray(n * p * p, (n + 1) * p * p));
      copyTransformed(
        pair.hr,
        x * s,
        y * s,
        hp,
        transform,
        hr.subarray(n * hp * hp, (n + 1) * hp * hp),
      );
      // No draws without remapping, so runs recorded without it sample as they did.
      if (this.#levels > 0 && rng.uniform() < this.#levels) {
        const lrPatch = lr.subarray(n * p * p, (n + 1) * p * p);
        const [lo, hi] = LEVEL_GAINS;
        const gain = Math.exp(Math.log(lo) + rng.uniform() * Math.log(hi / lo));
        const mean = lrPatch.reduce((a, v) => a + v, 0) / lrPatch.length;
        const shift = rng.uniform() - gain * mean;
        remapLevels(lrPatch, hr.subarray(n * hp * hp, (n + 1) * hp * hp), gain, shift);
      }
    }
    return { count, size: p, lr, hr };
  }
}

/**
 * Copies a size×size window at (x0, y0) into `out`, rotated by 90°·(t & 3) and transposed
 * when t & 4. Rotating LR and HR alike keeps them aligned: MATLAB's bicubic downscale of a
 * modcropped image commutes with these symmetries.
 */
export function copyTransformed(
  src: Plane,
  x0: number,
  y0: number,
  size: number,
  t: number,
  out: Float32Array,
): void {
  const last = size - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let u = x, v = y;
      if (t & 4) [u, v] = [v, u];
      switch (t & 3) {
        case 1:
          [u, v] = [last - v, u];
          break;
        case 2:
          [u, v] = [last - u, last - v];
          break;
        case 3:
          [u, v] = [v, last - u];
          break;
      }
      out[y * size + x] = src.data[(y0 + v) * src.width + x0 + u];
    }
  }
}
