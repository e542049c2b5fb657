/**
 * Runs the training-step graph (train_graph.ts) on onnxruntime's CPU library and converts
 * between the reference parameter layout and the graph's training form.
 */
import * as ort from "onnxruntime-node";
import type { FsrcnnConfig } from "../net/fsrcnn/config.ts";
import { encodeModel } from "../net/onnx/proto.ts";
import { deconvFromSubpixel, subpixelFromDeconv } from "../net/fsrcnn/subpixel.ts";
import {
  FLIPPED_WEIGHT_GRAD,
  GRAD_SCALE_INPUT,
  HR_INPUT,
  LOSS_OUTPUT,
  LR_INPUT,
  SUBPIXEL_MIRRORED_INPUT,
  trainGraph,
  type TrainParam,
} from "./train_graph.ts";
import type { GradientStep, PatchBatch, StepResult } from "./step.ts";

export class OnnxGradientStep implements GradientStep {
  #session: ort.InferenceSession;
  #params: TrainParam[];
  #cfg: FsrcnnConfig;

  private constructor(cfg: FsrcnnConfig, session: ort.InferenceSession, params: TrainParam[]) {
    this.#cfg = cfg;
    this.#session = session;
    this.#params = params;
  }

  static async create(cfg: FsrcnnConfig, threads?: number): Promise<OnnxGradientStep> {
    const { graph, params } = trainGraph(cfg);
    const session = await ort.InferenceSession.create(encodeModel(graph), {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      intraOpNumThreads: threads ?? navigator.hardwareConcurrency ?? 1,
      interOpNumThreads: 1,
      executionMode: "sequential",
    });
    return new OnnxGradientStep(cfg, session, params);
  }

  async run(params: Map<string, Float32Array>, batch: PatchBatch): Promise<StepResult> {
    const { scale, d } = this.#cfg;
    const sp = subpixelFromDeconv(params.get("NN2.weight")!, params.get("NN2.bias")![0], d, scale);
    const hrSize = batch.size * scale;
    const feeds: Record<string, ort.Tensor> = {
      [LR_INPUT]: new ort.Tensor("float32", batch.lr, [batch.count, 1, batch.size, batch.size]),
      [HR_INPUT]: new ort.Tensor("float32", batch.hr, [batch.count, 1, hrSize, hrSize]),
      [GRAD_SCALE_INPUT]: new ort.Tensor(
        "float32",
        new Float32Array([2 / (batch.count * hrSize * hrSize)]),
        [],
      ),
    };
    for (const p of this.#params) {
      feeds[p.name] = new ort.Tensor("float32", params.get(p.name)!, p.shape);
    }
    const phases = scale * scale;
    feeds[SUBPIXEL_MIRRORED_INPUT] = new ort.Tensor(
      "float32",
      mirrorTaps(sp.weight, phases, d, sp.taps, true),
      [d, phases, sp.taps, sp.taps],
    );
    const out = await this.#session.run(feeds);
    const grads = new Map<string, Float32Array>();
    for (const p of this.#params) {
      if (p.name === "NN2.weight") {
        // Un-mirror the sub-pixel gradient; each deconvolution tap is exactly one of its taps.
        const g = out[FLIPPED_WEIGHT_GRAD].data as Float32Array;
        grads.set(
          p.name,
          deconvFromSubpixel({ ...sp, weight: mirrorTaps(g, phases, d, sp.taps, false) }),
        );
      } else {
        grads.set(p.name, out[p.grad].data as Float32Array);
      }
    }
    const loss = (out[LOSS_OUTPUT].data as Float32Array)[0];
    for (const t of Object.values(out)) t.dispose();
    return { loss, grads };
  }

  dispose(): void {
    void this.#session.release();
  }
}

/**
 * Mirrors a [A, B, T, T] kernel in both spatial axes, optionally swapping its first two axes
 * (giving [B, A, T, T]).
 */
export function mirrorTaps(
  w: Float32Array,
  a: number,
  b: number,
  taps: number,
  swapAxes: boolean,
): Float32Array {
  const out = new Float32Array(w.length);
  const t2 = taps * taps;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const src = (i * b + j) * t2;
      const dst = (swapAxes ? j * a + i : i * b + j) * t2;
      for (let k = 0; k < t2; k++) out[dst + t2 - 1 - k] = w[src + k];
    }
  }
  return out;
}
