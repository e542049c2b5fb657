/**
 * Overlap tiling geometry, pure: which LR windows to run through the network so that
 * stitching their kept centres reproduces the untiled output exactly.
 *
 * A network whose output at LR position q depends on inputs within `context` pixels of q
 * gives the same value at q whether it sees the whole plane or a window, as long as the
 * window reaches `context` pixels beyond q on each side or ends where the plane ends (the
 * zero padding is then the same). Windows here all have the same size, so they batch.
 */

/** A rectangle in LR pixel coordinates. */
export interface Rect {
  /** Left edge (inclusive), LR pixels. */
  x: number;
  /** Top edge (inclusive), LR pixels. */
  y: number;
  /** Width in LR pixels. */
  width: number;
  /** Height in LR pixels. */
  height: number;
}

/** One tile: the window fed to the network and the part of its output that is kept. */
export interface Tile {
  /** Window of the LR plane to run (all windows of a plan have the same size). */
  window: Rect;
  /** Region of the LR plane this tile is responsible for (tiles partition the plane). */
  keep: Rect;
}

/** How a plane is split: equal windows whose kept regions partition the plane. */
export interface TilePlan {
  /** Plane width in LR pixels. */
  width: number;
  /** Plane height in LR pixels. */
  height: number;
  /** Window size actually used on each axis (≤ the requested tile, ≤ the plane). */
  windowWidth: number;
  /** Window height actually used (≤ the requested tile, ≤ the plane). */
  windowHeight: number;
  /** The tiles, row by row. */
  tiles: Tile[];
}

export interface TileOptions {
  /** Plane size. */
  width: number;
  height: number;
  /** Requested window side in LR pixels, context included. */
  tile: number;
  /** Pixels of context the network needs on each side (its receptive-field radius). */
  context: number;
}

/** One axis: [start, size) windows and [start, end) keep ranges. */
interface Span {
  windowStart: number;
  keepStart: number;
  keepEnd: number;
}

function spans(
  length: number,
  window: number,
  context: number,
): { window: number; spans: Span[] } {
  if (window >= length) {
    return {
      window: length,
      spans: [{ windowStart: 0, keepStart: 0, keepEnd: length }],
    };
  }
  // As few windows as the largest allowed size needs, then each made only as large as that
  // many windows require: the kept cores split the axis evenly, so the overlap computed twice
  // is just the context, not most of a window.
  const count = Math.ceil(length / (window - 2 * context));
  const core = Math.ceil(length / count);
  window = Math.min(window, core + 2 * context);
  const out: Span[] = [];
  for (let keepStart = 0; keepStart < length; keepStart += core) {
    const keepEnd = Math.min(keepStart + core, length);
    // Centre the window on the kept range, then slide it back inside the plane; either the
    // window covers `context` beyond the kept range or it touches the plane's edge.
    const windowStart = Math.min(
      Math.max(keepStart - context, 0),
      length - window,
    );
    out.push({ windowStart, keepStart, keepEnd });
  }
  return { window, spans: out };
}

/**
 * Splits a plane into equally sized overlapping windows. Throws a RangeError when the tile
 * is too small to keep anything (tile ≤ 2·context) on an axis that needs splitting.
 */
export function planTiles(options: TileOptions): TilePlan {
  const { width, height, tile, context } = options;
  for (
    const [name, v] of [["width", width], ["height", height], [
      "tile",
      tile,
    ]] as const
  ) {
    if (!Number.isInteger(v) || v < 1) {
      throw new RangeError(`${name} must be a positive integer`);
    }
  }
  if (!Number.isInteger(context) || context < 0) {
    throw new RangeError("context must be ≥ 0");
  }
  const needsSplit = tile < width || tile < height;
  if (needsSplit && tile <= 2 * context) {
    throw new RangeError(
      `tile ${tile} is too small: it must exceed twice the network's context (${2 * context})`,
    );
  }
  const xs = spans(width, tile, context);
  const ys = spans(height, tile, context);
  const tiles: Tile[] = [];
  for (const y of ys.spans) {
    for (const x of xs.spans) {
      tiles.push({
        window: {
          x: x.windowStart,
          y: y.windowStart,
          width: xs.window,
          height: ys.window,
        },
        keep: {
          x: x.keepStart,
          y: y.keepStart,
          width: x.keepEnd - x.keepStart,
          height: y.keepEnd - y.keepStart,
        },
      });
    }
  }
  return {
    width,
    height,
    windowWidth: xs.window,
    windowHeight: ys.window,
    tiles,
  };
}

/**
 * Largest square window whose working memory fits `budgetBytes`, given the bytes one LR
 * pixel of one window costs while the network runs.
 */
export function tileForBudget(
  budgetBytes: number,
  bytesPerPixel: number,
  minTile: number,
): number {
  return Math.max(minTile, Math.floor(Math.sqrt(budgetBytes / bytesPerPixel)));
}
