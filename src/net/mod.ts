/**
 * The network alone: FSRCNN's shape, weights files (load, save, the shipped ones and the
 * automatic choice among them), engines that run it on a backend, and the tiled upscaler that
 * runs an engine on planes of any size with the same pixels as untiled. Use it to upscale
 * planes you decode yourself; `upscaleFile` in the main module does the whole file.
 *
 * @example Run the network on a plane yourself
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngine, loadWeights, TiledUpscaler } from "@fsrcnn/deno/engine";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * const plane = { data: new Float32Array(64 * 48).fill(0.5), width: 64, height: 48 };
 * const [out] = await new TiledUpscaler(engine).upscale([plane]);
 * assert.deepEqual([out.width, out.height], [128, 96]);
 * engine.dispose();
 * ```
 * @module
 */

export {
  checkScale,
  type NetConfig,
  type NetworkWeights,
  type ParamSpec,
  type Scale,
  SUPPORTED_SCALES,
} from "./arch.ts";
export {
  isNetworkName,
  NETWORK_NAMES,
  networkConfig,
  type NetworkName,
  parseNetwork,
} from "./networks.ts";
export {
  DEFAULT_SHAPE,
  type FsrcnnConfig,
  fsrcnnConfig,
  macsPerFrame,
  paramSpecs,
} from "./fsrcnn/config.ts";
export { referenceForward } from "./fsrcnn/reference.ts";
export {
  cloneWeights,
  decodeWeights,
  encodeWeights,
  type FsrcnnWeights,
  initWeights,
  loadWeights,
  saveWeights,
} from "./weights/file.ts";
export type { SafetensorsDtype } from "./weights/safetensors.ts";
export {
  isShippedChoice,
  type LrOrigin,
  SHIPPED_CHOICES,
  SHIPPED_WEIGHTS,
  type ShippedChoice,
  type ShippedWeights,
  shippedWeightsFile,
  shippedWeightsFor,
  type ShippedWeightsName,
  UNCLEAR_BLEND,
} from "./weights/shipped.ts";
export {
  BLEND_SHARES,
  chooseShipped,
  chooseWeights,
  lrOrigin,
  type LrOriginVerdict,
  ORIGIN_THRESHOLDS,
  type OriginThresholds,
  type WeightsBlend,
  type WeightsChoice,
} from "./weights/choice.ts";
export { blendFsrcnn } from "./fsrcnn/blend.ts";
export {
  addMeasures,
  type LrStatistics,
  lrStatistics,
  type LumaMeasures,
  measureLuma,
  statisticsOf,
} from "./weights/lr_statistics.ts";
export {
  BACKEND_NAMES,
  type BackendChoice,
  type BackendName,
  BACKENDS,
  type BackendSpec,
} from "./backends.ts";
export type { EngineInfo, PlaneBatch, SrEngine } from "./engine.ts";
export { checkThreads, createEngine, createEngineFor, type EngineOptions } from "./create.ts";
export type { GpuAdapterSummary } from "./gpu.ts";
export type { TfjsBackendName } from "./tfjs/runtime.ts";
export type { Plane } from "../media/frame/pixels.ts";
export { TiledUpscaler, type TilingOptions } from "./tiling/tiled.ts";
export type { Rect, Tile, TilePlan } from "./tiling/geometry.ts";
