/**
 * Runs an engine over planes of any size: splits each plane into equal overlapping windows
 * (src/net/tiling/geometry.ts), batches windows from one or more planes into engine calls, and stitches the
 * kept centres. Exact: the result equals the untiled network output (tested).
 */
import type { Plane } from "../../media/frame/pixels.ts";
import { OptionError } from "../../core/errors.ts";
import { planTiles, tileForBudget, type TilePlan } from "./geometry.ts";
import type { NetConfig } from "../arch.ts";
import type { SrEngine } from "../engine.ts";
import { architectureOf, type NetworkName } from "../networks.ts";

/** How {@link TiledUpscaler} splits planes and batches windows. */
export interface TilingOptions {
  /**
   * Window side in LR pixels, context included; must exceed twice the network's context
   * radius. Default: the largest that fits `budgetBytes`.
   */
  tile?: number;
  /** Largest number of windows per engine call; default: as many as fit `budgetBytes`. */
  maxBatch?: number;
  /** Working-memory budget of one engine call, in bytes (float32 activations); default 256 MiB. */
  budgetBytes?: number;
}

const DEFAULT_BUDGET_BYTES = 256 * 1024 * 1024;

/**
 * Checks a window side for a network: a whole number of LR pixels larger than twice its context
 * radius (so that each window has pixels of its own).
 *
 * @returns `tile`, unchanged.
 * @throws {OptionError} Any other value.
 */
export function checkTile(network: NetworkName, cfg: NetConfig, tile: number): number {
  const context = architectureOf(network).contextRadius(cfg);
  if (!Number.isInteger(tile) || tile <= 2 * context) {
    throw new OptionError(
      "tile",
      `must be a whole number of pixels above ${2 * context} (got ${tile})`,
    );
  }
  return tile;
}

/**
 * Runs an {@link SrEngine} on planes of any size, splitting them into overlapping windows that
 * fit a memory budget. The result equals the untiled network output exactly, so tiling changes
 * memory use and speed, never pixels.
 *
 * @example Upscale a 1080p luma plane ×2 in 128-pixel windows
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngine, loadWeights, TiledUpscaler } from "@fsrcnn/deno/engine";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * const upscaler = new TiledUpscaler(engine, { tile: 128 });
 * const luma = { data: new Float32Array(1920 * 1080).fill(0.5), width: 1920, height: 1080 };
 * const [big] = await upscaler.upscale([luma]);
 * assert.deepEqual([big.width, big.height], [3840, 2160]);
 * engine.dispose();
 * ```
 */
export class TiledUpscaler {
  /** The engine that runs every window (not owned: the caller disposes it). */
  readonly engine: SrEngine;
  /** The network's receptive-field radius in LR pixels: the overlap each window needs per side. */
  readonly context: number;
  /** Window side in LR pixels, context included. */
  readonly tile: number;
  readonly #budgetPixels: number;
  readonly #maxBatch: number;

  /**
   * Sizes the windows and batches for `engine`'s network.
   *
   * @param engine The engine to run (kept, not copied or disposed).
   * @param options Window size, batch limit and memory budget.
   * @throws {OptionError} `options.tile` is not an integer larger than twice the context radius.
   */
  constructor(engine: SrEngine, options: TilingOptions = {}) {
    this.engine = engine;
    const cfg = engine.config;
    const arch = architectureOf(engine.network);
    this.context = arch.contextRadius(cfg);
    // Live float32 activations per LR pixel.
    const bytesPerPixel = 4 * arch.activationsPerPixel(cfg);
    const budget = options.budgetBytes ?? DEFAULT_BUDGET_BYTES;
    this.#budgetPixels = Math.max(1, Math.floor(budget / bytesPerPixel));
    this.tile = checkTile(
      engine.network,
      cfg,
      options.tile ?? tileForBudget(budget, bytesPerPixel, 2 * this.context + 16),
    );
    this.#maxBatch = options.maxBatch ?? Infinity;
  }

  /**
   * The tiling of a `width`×`height` plane (sizes in LR pixels): window size and each tile's
   * window and kept region.
   *
   * @throws {RangeError} A size is not a positive integer.
   */
  plan(width: number, height: number): TilePlan {
    return planTiles({ width, height, tile: this.tile, context: this.context });
  }

  /** How many windows of this plan go into one engine call. */
  batchSize(plan: TilePlan): number {
    const fit = Math.floor(this.#budgetPixels / (plan.windowWidth * plan.windowHeight));
    return Math.max(1, Math.min(this.#maxBatch, fit));
  }

  /**
   * Upscales equally sized planes by the engine's scale; returns one output plane per input, in
   * order. Outputs are unclamped (the network's raw values); windows from several planes share
   * engine calls.
   *
   * @throws {RangeError} The planes differ in size.
   */
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
