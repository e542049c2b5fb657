/**
 * Runs an engine over planes of any size: splits each plane into equal overlapping windows
 * (src/tile), batches windows from one or more planes into engine calls, and stitches the
 * kept centres. Exact: the result equals the untiled network output (tested).
 */
import { planTiles, tileForBudget, type TilePlan } from "../tile/geometry.ts";
import { contextRadius } from "./config.ts";
import type { SrEngine } from "./engine.ts";

export interface TilingOptions {
  /** Window side in LR pixels; default: the largest that fits `budgetBytes`. */
  tile?: number;
  /** Largest number of windows per engine call; default: as many as fit `budgetBytes`. */
  maxBatch?: number;
  /** Working-memory budget of one engine call. Default 256 MiB. */
  budgetBytes?: number;
}

export const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;

/** A single-channel plane. */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

export class TiledUpscaler {
  readonly engine: SrEngine;
  readonly context: number;
  readonly tile: number;
  readonly #budgetPixels: number;
  readonly #maxBatch: number;

  constructor(engine: SrEngine, options: TilingOptions = {}) {
    this.engine = engine;
    const cfg = engine.config;
    this.context = contextRadius(cfg);
    // Live activations per LR pixel: the widest layer's input and output, plus the
    // scale² sub-pixel phases and the output, in float32.
    const bytesPerPixel = 4 * (2 * cfg.d + 2 * cfg.scale * cfg.scale);
    const budget = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    this.#budgetPixels = Math.max(1, Math.floor(budget / bytesPerPixel));
    this.tile = options.tile ?? tileForBudget(budget, bytesPerPixel, 2 * this.context + 16);
    if (!Number.isInteger(this.tile) || this.tile <= 2 * this.context) {
      throw new RangeError(
        `tile ${this.tile} is too small: it must be more than ${2 * this.context} pixels`,
      );
    }
    this.#maxBatch = options.maxBatch ?? Infinity;
  }

  /** The tiling of a width×height plane. */
  plan(width: number, height: number): TilePlan {
    return planTiles({ width, height, tile: this.tile, context: this.context });
  }

  /** How many windows of this plan go into one engine call. */
  batchSize(plan: TilePlan): number {
    const fit = Math.floor(this.#budgetPixels / (plan.windowWidth * plan.windowHeight));
    return Math.max(1, Math.min(this.#maxBatch, fit));
  }

  /** Upscales equally sized planes; returns one output plane per input, in order. */
  async upscale(planes: Plane[]): Promise<Plane[]> {
    if (planes.length === 0) return [];
    const { width, height } = planes[0];
    if (planes.some((p) => p.width !== width || p.height !== height)) {
      throw new RangeError("all planes of one call must have the same size");
    }
    const s = this.engine.config.scale;
    const plan = this.plan(width, height);
    const outW = width * s, outH = height * s;
    const outputs = planes.map(() => new Float32Array(outW * outH));
    const jobs = planes.flatMap((_, p) => plan.tiles.map((tile) => ({ p, tile })));
    const batch = this.batchSize(plan);
    const ww = plan.windowWidth, wh = plan.windowHeight;
    for (let start = 0; start < jobs.length; start += batch) {
      const chunk = jobs.slice(start, start + batch);
      const input = new Float32Array(chunk.length * ww * wh);
      chunk.forEach(({ p, tile }, i) => {
        const src = planes[p].data;
        const { x, y } = tile.window;
        for (let row = 0; row < wh; row++) {
          const from = (y + row) * width + x;
          input.set(src.subarray(from, from + ww), (i * wh + row) * ww);
        }
      });
      const result = await this.engine.run({
        data: input,
        count: chunk.length,
        width: ww,
        height: wh,
      });
      const rw = ww * s, rh = wh * s;
      chunk.forEach(({ p, tile }, i) => {
        const dst = outputs[p];
        const k = tile.keep;
        const offX = (k.x - tile.window.x) * s, offY = (k.y - tile.window.y) * s;
        const rowLen = k.width * s;
        for (let row = 0; row < k.height * s; row++) {
          const from = (i * rh + offY + row) * rw + offX;
          dst.set(result.data.subarray(from, from + rowLen), (k.y * s + row) * outW + k.x * s);
        }
      });
    }
    return outputs.map((data) => ({ data, width: outW, height: outH }));
  }
}
