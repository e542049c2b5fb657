/**
 * The one small interface every inference backend implements. The rest of the code runs a
 * network through an `SrEngine` and never learns which backend is underneath.
 */
import type { NetConfig } from "./arch.ts";
import type { BackendName } from "./backends.ts";
import type { NetworkName } from "./networks.ts";

/** A batch of equally sized single-channel planes, row-major, values nominally in [0, 1]. */
export interface PlaneBatch {
  /** Planes one after another: `count · height · width` values. */
  data: Float32Array;
  /** Number of planes. */
  count: number;
  /** Width of each plane in pixels. */
  width: number;
  /** Height of each plane in pixels. */
  height: number;
}

/** What the engine reports about itself (for logs and `bench`). */
export interface EngineInfo {
  /** The backend that runs the network. */
  backend: BackendName;
  /** Human description of the device, e.g. the GPU adapter or "wasm SIMD". */
  device: string;
  /** True when the device is a software fallback (no real GPU). */
  fallback: boolean;
}

/**
 * Runs one network on batches of luma planes. Create one with {@link createEngine} or
 * {@link createEngineFor}; {@link TiledUpscaler} runs it on planes of any size.
 */
export interface SrEngine {
  /** The network it runs (see src/net/networks.ts). */
  readonly network: NetworkName;
  /** The network's shape (its weights' config); `config.scale` is its upscaling factor. */
  readonly config: NetConfig;
  /** Backend and device, for logs and benchmarks. */
  readonly info: EngineInfo;
  /**
   * Upscales every plane of the batch by `config.scale` (each plane on its own, zero-padded at
   * its borders). The result is unclamped (the network's raw output); the caller quantises it.
   * Large planes may exceed a device's limits: {@link TiledUpscaler} splits them.
   */
  run(batch: PlaneBatch): Promise<PlaneBatch>;
  /** Frees device memory. The engine cannot be used afterwards. */
  dispose(): void;
}
