/**
 * The training step on tfjs (WebGPU where a real GPU exists, or wasm/cpu): the forward pass
 * in NHWC with the last layer in sub-pixel form, MSE loss, and the backward pass written out
 * with ordinary tfjs ops — the same equations as the ONNX training graph (train_graph.ts).
 * (tfjs-core registers no gradients unless the umbrella package is loaded, and its wasm
 * backend has no Conv2DBackpropFilter kernel anyway.)
 *
 * A convolution's weight gradient is either tfjs' Conv2DBackpropFilter kernel (`native`, on
 * backends that have it) or an ordinary convolution with batch and channel axes swapped
 * (`swap`), which every backend has: dW[ky,kx,i,o] = Σ x[n,y+ky,x+kx,i]·dy[n,y,x,o].
 */
import type { FsrcnnConfig } from "../net/fsrcnn/config.ts";
import { layerSpecs } from "../net/fsrcnn/config.ts";
import { deconvFromSubpixel, subpixelFromDeconv } from "../net/fsrcnn/subpixel.ts";
import { hwioToOihw, oihwToHwio } from "../net/weights/layout.ts";
import { tf, type TfjsBackendName, useTfjsBackend } from "../net/tfjs/runtime.ts";
import type { GradientStep, PatchBatch, StepResult } from "./step.ts";

export type WeightGradMode = "native" | "swap";

type Pad = [[number, number], [number, number], [number, number], [number, number]];

function padOf(before: number, after: number): Pad {
  return [[0, 0], [before, after], [before, after], [0, 0]];
}

/** Depth-to-space for one output channel (channel = ry·s + rx), NHWC. */
function depthToSpace(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, h, w] = x.shape;
  return tf.reshape(tf.transpose(tf.reshape(x, [n, h, w, s, s]), [0, 1, 3, 2, 4]), [
    n,
    h * s,
    w * s,
    1,
  ]);
}

/** Its inverse (and its gradient). */
function spaceToDepth(x: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, hs, ws] = x.shape;
  const h = hs / s, w = ws / s;
  return tf.reshape(tf.transpose(tf.reshape(x, [n, h, s, w, s]), [0, 1, 3, 2, 4]), [
    n,
    h,
    w,
    s * s,
  ]);
}

export class TfjsGradientStep implements GradientStep {
  readonly backend: TfjsBackendName;
  readonly mode: WeightGradMode;
  #cfg: FsrcnnConfig;

  private constructor(cfg: FsrcnnConfig, backend: TfjsBackendName, mode: WeightGradMode) {
    this.#cfg = cfg;
    this.backend = backend;
    this.mode = mode;
  }

  /** `mode` defaults to `swap` on wasm (no native kernel) and `native` elsewhere. */
  static async create(
    cfg: FsrcnnConfig,
    backend: TfjsBackendName,
    mode?: WeightGradMode,
  ): Promise<TfjsGradientStep> {
    await useTfjsBackend(backend);
    return new TfjsGradientStep(cfg, backend, mode ?? (backend === "wasm" ? "swap" : "native"));
  }

  #weightGrad(x: tf.Tensor4D, dy: tf.Tensor4D, k: number, pad: Pad): tf.Tensor4D {
    if (this.mode === "native") {
      return tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
        strides: [1, 1],
        pad,
        dataFormat: "NHWC",
        filterShape: [k, k, x.shape[3], dy.shape[3]],
      }) as tf.Tensor4D;
    }
    // x as a batch of I images with N channels; dy as a filter [H,W,N,O].
    const xt = tf.transpose(x, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyt = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    return tf.transpose(tf.conv2d(xt, dyt, 1, pad), [1, 2, 0, 3]); // [I,k,k,O] → [k,k,I,O]
  }

  async run(params: Map<string, Float32Array>, batch: PatchBatch): Promise<StepResult> {
    await useTfjsBackend(this.backend);
    const cfg = this.#cfg;
    const convs = layerSpecs(cfg).slice(0, -1);
    const sp = subpixelFromDeconv(
      params.get("NN2.weight")!,
      params.get("NN2.bias")![0],
      cfg.d,
      cfg.scale,
    );
    const phases = cfg.scale * cfg.scale;
    const hp = batch.size * cfg.scale;
    const outputs = tf.tidy(() => {
      const ws = convs.map((l) =>
        tf.tensor4d(
          oihwToHwio(params.get(`${l.conv}.weight`)!, l.outChannels, l.inChannels, l.kernel),
          [
            l.kernel,
            l.kernel,
            l.inChannels,
            l.outChannels,
          ],
        )
      );
      const bs = convs.map((l) => tf.tensor1d(params.get(`${l.conv}.bias`)!));
      const alphas = convs.map((l) => tf.tensor1d(params.get(`${l.prelu}.weight`)!));
      const wsp = tf.tensor4d(oihwToHwio(sp.weight, phases, cfg.d, sp.taps), [
        sp.taps,
        sp.taps,
        cfg.d,
        phases,
      ]);
      const lr = tf.tensor4d(batch.lr, [batch.count, batch.size, batch.size, 1]);
      const hr = tf.tensor4d(batch.hr, [batch.count, hp, hp, 1]);
      // Forward, keeping every layer's input (acts) and pre-activation (zs).
      const acts: tf.Tensor4D[] = [lr];
      const zs: tf.Tensor4D[] = [];
      convs.forEach((l, i) => {
        const p = l.kernel >> 1;
        const z = tf.add(tf.conv2d(acts[i], ws[i], 1, padOf(p, p)), bs[i]) as tf.Tensor4D;
        zs.push(z);
        acts.push(tf.prelu(z, alphas[i] as unknown as tf.Tensor4D));
      });
      const spPad = padOf(sp.padBefore, sp.padAfter);
      const aL = acts[convs.length];
      const sr = depthToSpace(
        tf.add(tf.conv2d(aL, wsp, 1, spPad), sp.bias[0]) as tf.Tensor4D,
        cfg.scale,
      );
      const diff = tf.sub(sr, hr) as tf.Tensor4D;
      const loss = tf.mean(tf.square(diff));
      // Backward.
      const dphase = spaceToDepth(tf.mul(diff, 2 / diff.size) as tf.Tensor4D, cfg.scale);
      const grads: tf.Tensor[] = [
        loss,
        this.#weightGrad(aL, dphase, sp.taps, spPad),
        tf.sum(dphase),
      ];
      let g = tf.conv2dTranspose(dphase, wsp, aL.shape, 1, spPad) as tf.Tensor4D;
      const perLayer: tf.Tensor[][] = [];
      for (let i = convs.length - 1; i >= 0; i--) {
        const l = convs[i], z = zs[i], p = l.kernel >> 1;
        const dz = tf.where(tf.greater(z, 0), g, tf.mul(g, alphas[i])) as tf.Tensor4D;
        const dAlpha = tf.sum(tf.mul(g, tf.minimum(z, 0)), [0, 1, 2]);
        perLayer[i] = [
          this.#weightGrad(acts[i], dz, l.kernel, padOf(p, p)),
          tf.sum(dz, [0, 1, 2]),
          dAlpha,
        ];
        if (i > 0) g = tf.conv2dTranspose(dz, ws[i], acts[i].shape, 1, padOf(p, p)) as tf.Tensor4D;
      }
      return [...grads, ...perLayer.flat()];
    });
    try {
      const host = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
      const [lossValue, gsp, gBias, ...layers] = host;
      const grads = new Map<string, Float32Array>();
      convs.forEach((l, i) => {
        grads.set(
          `${l.conv}.weight`,
          hwioToOihw(layers[3 * i], l.outChannels, l.inChannels, l.kernel),
        );
        grads.set(`${l.conv}.bias`, layers[3 * i + 1]);
        grads.set(`${l.prelu}.weight`, layers[3 * i + 2]);
      });
      grads.set(
        "NN2.weight",
        deconvFromSubpixel({ ...sp, weight: hwioToOihw(gsp, phases, cfg.d, sp.taps) }),
      );
      grads.set("NN2.bias", Float32Array.from(gBias));
      return { loss: lossValue[0], grads };
    } finally {
      tf.dispose(outputs);
    }
  }

  dispose(): void {}
}
