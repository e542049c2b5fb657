/**
 * A network on tfjs (WebGPU, wasm or cpu): the graph its architecture builds
 * (see {@link TfjsGraph}), run on batches of planes.
 */
import type { NetConfig, NetworkWeights } from "../arch.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "../engine.ts";
import { getGpu } from "../gpu.ts";
import type { NetworkName } from "../networks.ts";
import { tf, type TfjsBackendName, type TfjsGraph, useTfjsBackend } from "./runtime.ts";

export class TfjsEngine implements SrEngine {
  readonly network: NetworkName;
  readonly config: NetConfig;
  readonly info: EngineInfo;
  #graph: TfjsGraph;
  #disposed = false;

  private constructor(weights: NetworkWeights, graph: TfjsGraph, info: EngineInfo) {
    this.network = weights.network;
    this.config = weights.config;
    this.info = info;
    this.#graph = graph;
  }

  /**
   * Creates an engine on the given tfjs backend (initialising it if needed).
   *
   * @param weights The network's weights.
   * @param build Its architecture's tfjs graph.
   * @param backend Which tfjs backend.
   */
  static async create(
    weights: NetworkWeights,
    build: (weights: NetworkWeights) => TfjsGraph | Promise<TfjsGraph>,
    backend: TfjsBackendName,
  ): Promise<TfjsEngine> {
    await useTfjsBackend(backend);
    let info: EngineInfo;
    if (backend === "webgpu") {
      const gpu = (await getGpu())!;
      info = {
        backend,
        device: gpu.summary.description,
        fallback: gpu.summary.fallback,
      };
    } else {
      info = {
        backend,
        device: backend === "wasm" ? "tfjs wasm (SIMD, 1 thread)" : "tfjs cpu (JavaScript)",
        fallback: false,
      };
    }
    return new TfjsEngine(weights, await build(weights), info);
  }

  /** The network as tfjs ops on an NHWC batch; the caller owns the returned tensor. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return this.#graph.forward(x);
  }

  async run(batch: PlaneBatch): Promise<PlaneBatch> {
    if (this.#disposed) throw new Error("engine used after dispose()");
    await useTfjsBackend(this.info.backend as TfjsBackendName);
    const { count, width, height } = batch;
    const x = tf.tensor4d(batch.data, [count, height, width, 1]);
    const y = this.forward(x);
    x.dispose();
    try {
      const data = await y.data() as Float32Array;
      const s = this.config.scale;
      return { data, count, width: width * s, height: height * s };
    } finally {
      y.dispose();
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#graph.dispose();
  }
}
