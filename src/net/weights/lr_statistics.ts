/**
 * Two statistics of a low-resolution luma plane that tell how it was made (pure;
 * table-tested), each a ratio within the picture itself so that what the picture shows
 * matters less than how it was made:
 *
 * - **aliasing**: how much energy sits at the highest frequencies compared with what the
 *   picture's lower frequencies predict. A scaler that antialiases (bicubic, bilinear,
 *   MATLAB's `imresize`) takes the top octave away; nearest-neighbour scaling folds the
 *   detail it cannot hold back into it (jaggies). Per 16×16 tile with detail, the energies of
 *   second differences at lags 1, 2 and 4 (`e1`, `e2`, `e4`: bands around π, π/2 and π/4)
 *   give `e1·e4 / e2²`, which is 1 where the spectrum falls off as steeply from π/4 to π/2 as
 *   from π/2 to π, and lower where the top octave was filtered; the statistic is the median
 *   over the tiles.
 * - **blocking**: how much larger the steps across the 4×4 grid of a block-transform codec
 *   (H.264, HEVC, VP9, JPEG's 8×8 included) are than the steps inside its blocks, in smooth
 *   areas, where a codec that quantised away the fine detail leaves its block edges: the mean
 *   step between columns (and rows) 4k−1 and 4k over the mean of the steps next to it,
 *   divided by the same ratio at odd columns, which are inside every block. 1 for a picture
 *   that never went through such a codec; a deblocking filter lowers it but not to 1.
 *
 * Pictures are measured one at a time into sums (so a video's first frames cost one frame of
 * memory), the sums of several pictures add up, and the statistics come from the sums.
 */
import type { Plane } from "../../media/frame/pixels.ts";

/** Tile side (pixels) of the aliasing statistic. */
export const TILE = 16;

/**
 * Tiles whose lag-2 second differences are smaller than this (RMS, as a fraction of the code
 * range) are left out as flat: their ratio tells of rounding and codec noise more than of the
 * scaler (at 1%, x264's noise made antialiased pictures read as aliased; docs/quality.md).
 */
const FLAT_TILE = 0.03;

/** Steps larger than this (fraction of the code range) are edges, not smooth areas. */
const SMOOTH_STEP = 6 / 255;

/** Bins of the histogram of log tile ratios, and the log range they cover. */
const BINS = 400;
const LOG_MIN = -4, LOG_MAX = 2;

/** Sums of one or more luma planes that {@link statisticsOf} turns into statistics. */
export interface LumaMeasures {
  /** Histogram of `ln(e1·e4 / e2²)` over the tiles with detail ({@link BINS} bins). */
  tileRatios: number[];
  /** Tiles with detail (the histogram's total). */
  detailedTiles: number;
  /** Whole tiles measured. */
  tiles: number;
  /** Σ of the steps across the 4-pixel grid, in smooth areas. */
  gridSteps: number;
  /** Σ of the mean of the two steps beside each of `gridSteps`. */
  gridNeighbours: number;
  /** Σ of the steps at odd positions (inside every block), in smooth areas. */
  innerSteps: number;
  /** Σ of the mean of the two steps beside each of `innerSteps`. */
  innerNeighbours: number;
}

/** What {@link statisticsOf} finds: see the module comment. */
export interface LrStatistics {
  /**
   * Median over tiles with detail of `e1·e4 / e2²`: about 0.6 for antialiased pictures, about
   * 0.9 and above for pictures made by a nearest-neighbour scaler (0 when no tile has detail).
   */
  aliasing: number;
  /**
   * Step across the 4×4 block grid relative to its neighbours, over the same at odd positions:
   * 1.00 ± 0.05 without a block-transform codec, more with one (1 when nothing is smooth).
   */
  blocking: number;
  /** Tiles with detail that the aliasing statistic is the median of. */
  detailedTiles: number;
  /** Whole tiles measured, with detail or without (absent where not known). */
  tiles?: number;
}

function emptyMeasures(): LumaMeasures {
  return {
    tileRatios: new Array(BINS).fill(0),
    detailedTiles: 0,
    tiles: 0,
    gridSteps: 0,
    gridNeighbours: 0,
    innerSteps: 0,
    innerNeighbours: 0,
  };
}

/** Second-difference energies at lags 1, 2 and 4 of one tile, rows and columns. */
function tileEnergies(
  d: ArrayLike<number>,
  width: number,
  x0: number,
  y0: number,
): [number, number, number] {
  let e1 = 0, e2 = 0, e4 = 0;
  // Positions whose taps at ±4 stay inside the tile.
  for (let a = 0; a < TILE; a++) {
    for (let b = 4; b < TILE - 4; b++) {
      // Along the row y0 + a, at x0 + b.
      let i = (y0 + a) * width + x0 + b;
      let c2 = 2 * d[i];
      e1 += (d[i - 1] + d[i + 1] - c2) ** 2;
      e2 += (d[i - 2] + d[i + 2] - c2) ** 2;
      e4 += (d[i - 4] + d[i + 4] - c2) ** 2;
      // Along the column x0 + a, at y0 + b.
      i = (y0 + b) * width + x0 + a;
      c2 = 2 * d[i];
      e1 += (d[i - width] + d[i + width] - c2) ** 2;
      e2 += (d[i - 2 * width] + d[i + 2 * width] - c2) ** 2;
      e4 += (d[i - 4 * width] + d[i + 4 * width] - c2) ** 2;
    }
  }
  return [e1, e2, e4];
}

/** Adds the smooth-area steps of one line (`n` samples `stride` apart from `start`). */
function addGridSteps(
  m: LumaMeasures,
  d: ArrayLike<number>,
  start: number,
  stride: number,
  n: number,
  smooth: number,
): void {
  // The step between samples c−1 and c, beside the steps c−2→c−1 and c→c+1.
  for (let c = 2; c + 1 < n; c++) {
    const grid = c % 4 === 0;
    if (!grid && c % 2 === 0) continue;
    const p = start + c * stride;
    const step = Math.abs(d[p] - d[p - stride]);
    if (step > smooth) continue;
    const before = Math.abs(d[p - stride] - d[p - 2 * stride]);
    const after = Math.abs(d[p + stride] - d[p]);
    if (before > smooth || after > smooth) continue;
    if (grid) {
      m.gridSteps += step;
      m.gridNeighbours += (before + after) / 2;
    } else {
      m.innerSteps += step;
      m.innerNeighbours += (before + after) / 2;
    }
  }
}

/**
 * Measures one luma plane.
 *
 * @param plane The plane's codes (any numeric array), row after row, as decoded: the 4×4 grid
 *   of a codec starts at its top-left corner.
 * @param maxValue The code range's top (255 for 8-bit, 1023 for 10-bit, 1 for floats in [0, 1]).
 */
export function measureLuma(plane: Plane<ArrayLike<number>>, maxValue: number): LumaMeasures {
  const { width, height, data } = plane;
  const m = emptyMeasures();
  // Each tile has 2·TILE·(TILE−8) positions per lag.
  const positions = 2 * TILE * (TILE - 8);
  const flat = positions * (FLAT_TILE * maxValue) ** 2;
  for (let y0 = 0; y0 + TILE <= height; y0 += TILE) {
    for (let x0 = 0; x0 + TILE <= width; x0 += TILE) {
      m.tiles++;
      const [e1, e2, e4] = tileEnergies(data, width, x0, y0);
      if (e2 < flat || e1 <= 0 || e4 <= 0) continue;
      const log = Math.log((e1 * e4) / (e2 * e2));
      const bin = Math.floor(((log - LOG_MIN) / (LOG_MAX - LOG_MIN)) * BINS);
      m.tileRatios[Math.min(BINS - 1, Math.max(0, bin))]++;
      m.detailedTiles++;
    }
  }
  const smooth = SMOOTH_STEP * maxValue;
  for (let y = 0; y < height; y++) addGridSteps(m, data, y * width, 1, width, smooth);
  for (let x = 0; x < width; x++) addGridSteps(m, data, x, width, height, smooth);
  return m;
}

/** The sums of two measurements, as if their planes had been measured together. */
export function addMeasures(a: LumaMeasures, b: LumaMeasures): LumaMeasures {
  return {
    tileRatios: a.tileRatios.map((v, i) => v + b.tileRatios[i]),
    detailedTiles: a.detailedTiles + b.detailedTiles,
    tiles: a.tiles + b.tiles,
    gridSteps: a.gridSteps + b.gridSteps,
    gridNeighbours: a.gridNeighbours + b.gridNeighbours,
    innerSteps: a.innerSteps + b.innerSteps,
    innerNeighbours: a.innerNeighbours + b.innerNeighbours,
  };
}

/** The statistics of measured planes (see {@link LrStatistics}). */
export function statisticsOf(m: LumaMeasures): LrStatistics {
  let aliasing = 0;
  if (m.detailedTiles > 0) {
    // The median tile, at the centre of its bin.
    let seen = 0, bin = 0;
    while (bin < BINS - 1 && seen + m.tileRatios[bin] < m.detailedTiles / 2) {
      seen += m.tileRatios[bin++];
    }
    aliasing = Math.exp(LOG_MIN + ((bin + 0.5) / BINS) * (LOG_MAX - LOG_MIN));
  }
  const grid = m.gridNeighbours > 0 ? m.gridSteps / m.gridNeighbours : 0;
  const inner = m.innerNeighbours > 0 ? m.innerSteps / m.innerNeighbours : 0;
  return {
    aliasing,
    blocking: grid > 0 && inner > 0 ? grid / inner : 1,
    detailedTiles: m.detailedTiles,
    tiles: m.tiles,
  };
}

/**
 * The statistics of one or more luma planes measured together (a video's first frames, an
 * image): see the module comment.
 *
 * @param planes The planes' codes, row after row.
 * @param maxValue The code range's top (255 for 8-bit codes).
 * @returns Aliasing, blocking, the number of tiles with detail and of all tiles.
 *
 * @example Hard-edged squares, as a nearest-neighbour scaler leaves edges
 * ```ts
 * import { lrStatistics } from "@fsrcnn/deno/engine";
 * const width = 64, height = 64;
 * const data = Uint8Array.from(
 *   { length: width * height },
 *   (_, i) => (((i % width) >> 3) ^ (Math.floor(i / width) >> 3)) & 1 ? 200 : 40,
 * );
 * const s = lrStatistics([{ data, width, height }], 255);
 * console.log(s.aliasing.toFixed(2), s.blocking, s.detailedTiles, s.tiles); // 1.00 1 16 16
 * ```
 */
export function lrStatistics(
  planes: readonly Plane<ArrayLike<number>>[],
  maxValue: number,
): LrStatistics {
  return statisticsOf(
    planes.map((p) => measureLuma(p, maxValue)).reduce(addMeasures, emptyMeasures()),
  );
}
