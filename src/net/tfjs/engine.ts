/**
 * FSRCNN on tfjs (WebGPU, wasm or cpu). Layers are fused conv+bias+PReLU ops in NHWC; the
 * transposed convolution runs in its sub-pixel form (a convolution to scale² phases, then
 * depth-to-space), which is the same function and much faster on every tfjs backend.
 */
import { layerSpecs } from "../fsrcnn/config.ts";
import { oihwToHwio } from "../weights/layout.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "../engine.ts";
import { getGpu } from "../gpu.ts";
import { subpixelFromDeconv } from "../fsrcnn/subpixel.ts";
import { tf, type TfjsBackendName, useTfjsBackend } from "./runtime.ts";
import type { FsrcnnWeights } from "../weights/file.ts";

interface TfLayer {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  slope: tf.Tensor1D;
  pad: number;
}

export class TfjsEngine implements SrEngine {
  readonly config;
  readonly info: EngineInfo;
  #layers: TfLayer[];
  #last: { filter: tf.Tensor4D; bias: tf.Tensor1D; pad: [number, number] };
  #disposed = false;

  private constructor(weights: FsrcnnWeights, info: EngineInfo) {
    this.config = weights.config;
    this.info = info;
    const p = (name: string) => weights.params.get(name)!;
    this.#layers = [];
    const specs = layerSpecs(weights.config);
    for (const l of specs.slice(0, -1)) {
      this.#layers.push({
        filter: tf.tensor4d(
          oihwToHwio(
            p(`${l.conv}.weight`),
            l.outChannels,
            l.inChannels,
            l.kernel,
          ),
          [l.kernel, l.kernel, l.inChannels, l.outChannels],
        ),
        bias: tf.tensor1d(p(`${l.conv}.bias`)),
        slope: tf.tensor1d(p(`${l.prelu}.weight`)),
        pad: l.kernel >> 1,
      });
    }
    const d = weights.config.d;
    const sp = subpixelFromDeconv(
      p("NN2.weight"),
      p("NN2.bias")[0],
      d,
      weights.config.scale,
    );
    const phases = sp.scale * sp.scale;
    this.#last = {
      filter: tf.tensor4d(oihwToHwio(sp.weight, phases, d, sp.taps), [
        sp.taps,
        sp.taps,
        d,
        phases,
      ]),
      bias: tf.tensor1d(sp.bias),
      pad: [sp.padBefore, sp.padAfter],
    };
  }

  /** Creates an engine on the given tfjs backend (initialising it if needed). */
  static async create(
    weights: FsrcnnWeights,
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
    return new TfjsEngine(weights, info);
  }

  /** The network as tfjs ops on an NHWC batch; the caller owns the returned tensor. */
  forward(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      let h = x;
      for (const l of this.#layers) {
        h = tf.fused.conv2d({
          x: h,
          filter: l.filter,
          strides: 1,
          pad: l.pad === 0 ? "valid" : [[0, 0], [l.pad, l.pad], [l.pad, l.pad], [0, 0]],
          bias: l.bias,
          activation: "prelu",
          preluActivationWeights: l.slope,
        });
      }
      const [a, b] = this.#last.pad;
      const phases = tf.fused.conv2d({
        x: h,
        filter: this.#last.filter,
        strides: 1,
        pad: [[0, 0], [a, b], [a, b], [0, 0]],
        bias: this.#last.bias,
      });
      return tf.depthToSpace(phases, this.config.scale, "NHWC");
    });
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
    for (const l of this.#layers) tf.dispose([l.filter, l.bias, l.slope]);
    tf.dispose([this.#last.filter, this.#last.bias]);
  }
}
