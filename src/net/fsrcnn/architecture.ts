/**
 * FSRCNN (Dong et al., ECCV 2016) as an {@link Architecture}: the one object the registry
 * (src/net/networks.ts) holds for both FSRCNN(56, 12, 4) and the small FSRCNN-s(32, 5, 1).
 */
import { Rng } from "../../core/random.ts";
import type { Architecture, NetConfig } from "../arch.ts";
import { sizeOf } from "../arch.ts";
import {
  contextRadius,
  FSRCNN_HYPERPARAMETERS,
  fsrcnnConfig,
  layerSpecs,
  macsPerFrame,
  paramSpecs,
} from "./config.ts";
import { fsrcnnOnnxGraph } from "./onnx_graph.ts";
import { referenceForward64 } from "./reference.ts";

/**
 * Fresh parameters initialised as the reference does: conv weights normal(0, sqrt(2/(out·k·k))),
 * zero biases, the transposed convolution normal(0, 0.001), PReLU slopes 0.25.
 */
function init(cfg: NetConfig, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const params = new Map<string, Float32Array>();
  for (const l of layerSpecs(cfg)) {
    const shape = l.transposed
      ? [l.inChannels, l.outChannels, l.kernel, l.kernel]
      : [l.outChannels, l.inChannels, l.kernel, l.kernel];
    const std = l.transposed ? 0.001 : Math.sqrt(2 / (l.outChannels * l.kernel * l.kernel));
    const w = new Float32Array(sizeOf(shape));
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    params.set(`${l.conv}.weight`, w);
    params.set(`${l.conv}.bias`, new Float32Array(l.outChannels));
    if (l.prelu) params.set(`${l.prelu}.weight`, new Float32Array(l.outChannels).fill(0.25));
  }
  return params;
}

/** `d`, `s` and `m` from the reference's tensor names and shapes. */
function shapeOf(
  tensors: ReadonlyMap<string, { shape: number[] }>,
): Record<string, number> | string {
  const first = tensors.get("NN1.0.weight");
  const shrink = tensors.get("NN1.2.weight");
  if (!first || !shrink) return "missing tensor NN1.0.weight or NN1.2.weight: not FSRCNN weights";
  let m = 0;
  while (tensors.has(`NN1.${4 + 2 * m}.weight`)) m++;
  // The last convolution in NN1 is the expanding 1x1 layer.
  if (m === 0) return "too few NN1 layers for FSRCNN";
  return { d: first.shape[0], s: shrink.shape[0], m: m - 1 };
}

/** FSRCNN: the paper's layers, the reference's names, and every backend's graph. */
export const FSRCNN: Architecture = {
  title: "FSRCNN",
  hyperparameters: FSRCNN_HYPERPARAMETERS,
  config: fsrcnnConfig,
  params: paramSpecs,
  init,
  shapeOf,
  macsPerPixel: (cfg) => macsPerFrame(cfg, 1, 1),
  contextRadius,
  // The widest layer's input and output, plus the scale² sub-pixel phases and the output.
  activationsPerPixel: (cfg) => 2 * cfg.d + 2 * cfg.scale * cfg.scale,
  reference: referenceForward64,
  backends: {
    onnx: fsrcnnOnnxGraph,
    // tfjs and the WGSL kernels load on first use, so that an unused backend costs nothing.
    tfjs: async (weights) => (await import("./tfjs_graph.ts")).fsrcnnTfjsGraph(weights),
    wgsl: async (weights) => await (await import("./wgsl/engine.ts")).WgslEngine.create(weights),
  },
};
