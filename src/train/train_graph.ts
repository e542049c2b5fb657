/**
 * One FSRCNN training step as an ONNX graph, for onnxruntime's CPU library: forward pass,
 * MSE loss and the backward pass written out with ordinary inference ops, so that training
 * runs on the same optimised native kernels as inference (onnxruntime-node has no training
 * API). The last layer is trained in its sub-pixel form; its gradient maps one-to-one back
 * onto the transposed convolution's taps (see subpixel.ts).
 *
 * Gradients, for a layer z = conv(a, W) + b, a' = prelu(z, α), with upstream g = dL/da':
 *   dz = g where z > 0, g·α elsewhere;     dα = Σ g·min(z, 0);     db = Σ dz
 *   dW = conv(aᵀ, dzᵀ) with batch and channel axes swapped (the classic weight-gradient trick)
 *   da = convTranspose(dz, W) with the forward padding
 */
import {
  DECONV_KERNEL,
  DECONV_PADDING,
  type FsrcnnConfig,
  layerSpecs,
} from "../net/fsrcnn/config.ts";
import { subpixelTapRange } from "../net/fsrcnn/subpixel.ts";
import type { OnnxGraphSpec, OnnxInitializer, OnnxNode, OnnxValueInfo } from "../net/onnx/proto.ts";

/** Graph input/output names and shapes of the trainable parameters, in training form. */
export interface TrainParam {
  /** Input name of the parameter (reference name, or NN2.subpixel.* for the last layer). */
  name: string;
  /** Shape the graph takes it in. */
  shape: number[];
  /** Output name of its gradient. */
  grad: string;
}

export interface TrainGraph {
  graph: OnnxGraphSpec;
  params: TrainParam[];
}

export const LR_INPUT = "lr";
export const HR_INPUT = "hr";
/** Scalar input: 2 / (number of output pixels), the derivative factor of the mean. */
export const GRAD_SCALE_INPUT = "grad_scale";
export const LOSS_OUTPUT = "loss";
/**
 * Extra input: the sub-pixel weights transposed to [d, scale², T, T] and mirrored in both
 * spatial axes, K[c, o, v] = W[o, c, T−1−v], so that the layer's input gradient is a Conv.
 */
export const SUBPIXEL_MIRRORED_INPUT = "NN2.subpixel.weight_mirrored";
/** Output: the sub-pixel weight gradient with its taps mirrored, G[o, c, u] = dW[o, c, T−1−u]. */
export const FLIPPED_WEIGHT_GRAD = "grad.NN2.subpixel.weight_mirrored";

/** Builds the training-step graph for a model shape. */
export function trainGraph(cfg: FsrcnnConfig): TrainGraph {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const params: TrainParam[] = [];
  const node = (op: string, inputs: string[], output: string, attrs?: OnnxNode["attrs"]) => {
    nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  };
  const addParam = (name: string, shape: number[]) => {
    params.push({ name, shape, grad: `grad.${name}` });
    return name;
  };
  const const64 = (name: string, values: number[]) => {
    initializers.push({
      name,
      dims: [values.length],
      data: BigInt64Array.from(values.map(BigInt)),
    });
    return name;
  };
  const axesNHW = const64("axes_nhw", [0, 2, 3]);
  const axesHW = const64("axes_hw", [1, 2]);
  const swap01 = { perm: { ints: [1, 0, 2, 3] } };

  // Forward.
  const convs = layerSpecs(cfg).slice(0, -1);
  const acts: string[] = [LR_INPUT];
  const pre: string[] = [];
  const slopes: string[] = [];
  for (const l of convs) {
    const p = l.kernel >> 1;
    const w = addParam(`${l.conv}.weight`, [l.outChannels, l.inChannels, l.kernel, l.kernel]);
    const b = addParam(`${l.conv}.bias`, [l.outChannels]);
    const alpha = addParam(`${l.prelu}.weight`, [l.outChannels]);
    const z = node("Conv", [acts.at(-1)!, w, b], `${l.conv}.z`, {
      kernel_shape: { ints: [l.kernel, l.kernel] },
      pads: { ints: [p, p, p, p] },
    });
    const alpha3 = node("Unsqueeze", [alpha, axesHW], `${l.prelu}.slope3`);
    acts.push(node("PRelu", [z, alpha3], `${l.prelu}.a`));
    pre.push(z);
    slopes.push(alpha3);
  }
  const { min, max } = subpixelTapRange(cfg.scale);
  const taps = max - min + 1;
  const padA = -min, padB = max;
  const phases = cfg.scale * cfg.scale;
  const deconvW = addParam("NN2.weight", [cfg.d, 1, DECONV_KERNEL, DECONV_KERNEL]);
  const deconvB = addParam("NN2.bias", [1]);
  // The forward pass uses the transposed convolution itself: onnxruntime runs it faster than
  // the sub-pixel convolution, whose GEMM has only scale² rows (measured: 23 vs 38 ms for 64
  // 24×24 patches on one core).
  const sr = node("ConvTranspose", [acts.at(-1)!, deconvW, deconvB], "sr", {
    kernel_shape: { ints: [DECONV_KERNEL, DECONV_KERNEL] },
    strides: { ints: [cfg.scale, cfg.scale] },
    pads: { ints: [DECONV_PADDING, DECONV_PADDING, DECONV_PADDING, DECONV_PADDING] },
    output_padding: { ints: [cfg.scale - 1, cfg.scale - 1] },
  });
  const blocks = { blocksize: { int: cfg.scale } };
  const diff = node("Sub", [sr, HR_INPUT], "diff");
  node("ReduceMean", [node("Mul", [diff, diff], "sq")], LOSS_OUTPUT, { keepdims: { int: 0 } });

  // Backward.
  const dsr = node("Mul", [diff, GRAD_SCALE_INPUT], "d.sr");
  const dphase = node("SpaceToDepth", [dsr], "d.phases", blocks);
  const swapped = (x: string, out: string) => node("Transpose", [x], out, swap01);
  // k×k weight gradient by the batch/channel swap: conv(aᵀ, dzᵀ) → [C_in, C_out, k, k].
  const convWeightGrad = (input: string, dout: string, pads: number[], out: string) =>
    swapped(
      node("Conv", [swapped(input, `${out}.in_t`), swapped(dout, `${out}.dout_t`)], `${out}.t`, {
        pads: { ints: pads },
      }),
      out,
    );
  // 1×1 weight gradient as one GEMM over every pixel of the batch: dz[O, NHW] · a[C, NHW]ᵀ.
  const gemmWeightGrad = (input: string, dout: string, shape: number[], out: string) => {
    const flat = (x: string, name: string) =>
      node("Reshape", [swapped(x, `${name}.t`), flatShape], name);
    const g = node("Gemm", [flat(dout, `${out}.dout`), flat(input, `${out}.in`)], `${out}.2d`, {
      transB: { int: 1 },
    });
    return node("Reshape", [g, const64(`${out}.shape`, shape)], out);
  };
  const flatShape = const64("flat_shape", [0, -1]);
  // The sub-pixel layer has few outputs (scale²) and many inputs (d): put d on the GEMM's
  // long side by convolving dp with a. That yields the taps mirrored, which the caller
  // un-mirrors (see FLIPPED_WEIGHT_GRAD).
  node(
    "Conv",
    [swapped(dphase, "d.phases_t"), swapped(acts.at(-1)!, "NN2.in_t")],
    FLIPPED_WEIGHT_GRAD,
    {
      pads: { ints: [padB, padB, padA, padA] },
    },
  );
  node("Reshape", [
    node("ReduceSum", [dsr], "d.sr_sum", { keepdims: { int: 0 } }),
    const64("shape_1", [1]),
  ], `grad.${deconvB}`);
  // Input gradient of the sub-pixel layer as an ordinary convolution with the transposed,
  // mirrored kernel (supplied as an input): a GEMM with d rows instead of a col2im scatter.
  let upstream = node("Conv", [dphase, SUBPIXEL_MIRRORED_INPUT], "d.NN2.in", {
    kernel_shape: { ints: [taps, taps] },
    pads: { ints: [padB, padB, padA, padA] },
  });
  for (let i = convs.length - 1; i >= 0; i--) {
    const l = convs[i];
    const z = pre[i];
    const p = l.kernel >> 1;
    const positive = node("Greater", [z, "zero"], `${l.prelu}.pos`);
    const dz = node("Where", [
      positive,
      upstream,
      node("Mul", [upstream, slopes[i]], `${l.prelu}.g_alpha`),
    ], `${l.conv}.dz`);
    node(
      "ReduceSum",
      [
        node("Mul", [upstream, node("Min", [z, "zero"], `${l.prelu}.neg`)], `${l.prelu}.g_neg`),
        axesNHW,
      ],
      `grad.${l.prelu}.weight`,
      { keepdims: { int: 0 } },
    );
    node("ReduceSum", [dz, axesNHW], `grad.${l.conv}.bias`, { keepdims: { int: 0 } });
    if (l.kernel === 1) {
      gemmWeightGrad(acts[i], dz, [l.outChannels, l.inChannels, 1, 1], `grad.${l.conv}.weight`);
    } else {
      convWeightGrad(acts[i], dz, [p, p, p, p], `grad.${l.conv}.weight`);
    }
    if (i > 0) {
      upstream = node("ConvTranspose", [dz, `${l.conv}.weight`], `d.${l.conv}.in`, {
        kernel_shape: { ints: [l.kernel, l.kernel] },
        pads: { ints: [p, p, p, p] },
      });
    }
  }
  initializers.push({ name: "zero", dims: [], data: new Float32Array([0]) });

  const inputs: OnnxValueInfo[] = [
    { name: LR_INPUT, dims: ["N", 1, "H", "W"] },
    { name: HR_INPUT, dims: ["N", 1, "SH", "SW"] },
    { name: GRAD_SCALE_INPUT, dims: [] },
    ...params.map((p) => ({ name: p.name, dims: p.shape })),
    { name: SUBPIXEL_MIRRORED_INPUT, dims: [cfg.d, phases, taps, taps] },
  ];
  const outputs: OnnxValueInfo[] = [
    { name: LOSS_OUTPUT, dims: [] },
    ...params.map((p) => ({
      name: p.name === deconvW ? FLIPPED_WEIGHT_GRAD : p.grad,
      dims: p.name === deconvW ? [phases, cfg.d, taps, taps] : p.shape,
    })),
  ];
  return { graph: { name: "fsrcnn_train_step", nodes, initializers, inputs, outputs }, params };
}
