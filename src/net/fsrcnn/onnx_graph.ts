/**
 * FSRCNN as an ONNX graph built from our weights, for onnxruntime. Input `lr` is
 * [N, 1, H, W], output `sr` is [N, 1, scale·H, scale·W]; N, H and W are free.
 *
 * Five forms compute the same function:
 * - `transposed`: the reference, layer by layer (Conv, PRelu, …, ConvTranspose).
 * - `subpixel`: the same with the last layer as a convolution plus DepthToSpace.
 * - `blocked`: rewritten so that onnxruntime's CPU library keeps every tensor in its
 *   channel-blocked NCHWc layout and runs no PRelu kernel. onnxruntime has no per-channel PReLU
 *   for NCHWc tensors, so the reference form converts each activation back to NCHW and runs a
 *   PRelu kernel whose branches mispredict on image data: ~45 of 87 ms at 480x270 ×2 on one
 *   thread, plus ~9 ms of layout reorders (docs/benchmarks.md). It ends in a Concat, a reorder
 *   to NCHW and a ConvTranspose, whose col2im scatter is single-threaded.
 * - `blocked-subpixel` (what the onnx engine runs on x86-64): the same body, ending in sub-pixel
 *   convolutions on the NCHWc tensors and DepthToSpace (see subpixelTail).
 * - `blocked-col2im`: the same body, ending in a 1x1 convolution to every LR pixel's 81 taps and
 *   onnxruntime's Col2Im (measured no faster than `blocked`).
 */
import { DECONV_KERNEL, DECONV_PADDING, layerSpecs } from "./config.ts";
import { subpixelFromDeconv } from "./subpixel.ts";
import type { NetworkWeights } from "../arch.ts";
import type { Attr, OnnxGraphSpec, OnnxInitializer, OnnxNode } from "../onnx/proto.ts";

/** How the graph is expressed; every form is the same function (see the module comment). */
export type GraphForm =
  | "transposed"
  | "subpixel"
  | "blocked"
  | "blocked-subpixel"
  | "blocked-col2im";

export const INPUT_NAME = "lr";
export const OUTPUT_NAME = "sr";

/**
 * Channel counts of the blocked form are padded to a multiple of this: onnxruntime's NCHWc block
 * is 16 floats with AVX-512 and 8 with AVX2, and its depthwise and concatenation kernels need
 * whole blocks.
 */
export const CHANNEL_BLOCK = 16;

/**
 * The graph form onnxruntime runs fastest on this CPU. On x86-64 `blocked-subpixel`, which
 * keeps onnxruntime in its NCHWc layout with no PRelu kernel (4–9% faster on real pictures,
 * 1.7× on noise, than the reference's layer-by-layer `transposed` form) and ends in a sub-pixel
 * convolution instead of a Concat, a reorder and a ConvTranspose (`blocked`; the sub-pixel tail
 * takes 0.67–0.87 of its time from 480x270 to 1280x720 at every scale:
 * tools/onnx_forms_rounds.ts, docs/benchmarks.md). Elsewhere `transposed`, because onnxruntime
 * has no NCHWc layout off x86 and the blocked forms' padded channels would be pure extra work
 * there.
 */
export function defaultForm(): GraphForm {
  return Deno.build.arch === "x86_64" ? "blocked-subpixel" : "transposed";
}

const FORMS: readonly GraphForm[] = [
  "transposed",
  "subpixel",
  "blocked",
  "blocked-subpixel",
  "blocked-col2im",
];

/**
 * The inference graph of `weights` in a form named by a string (the onnx engine's option).
 *
 * @throws {Error} `form` names no form (a bug in the caller).
 */
export function fsrcnnOnnxGraph(weights: NetworkWeights, form?: string): OnnxGraphSpec {
  if (form !== undefined && !(FORMS as readonly string[]).includes(form)) {
    throw new Error(`no FSRCNN graph form "${form}" (forms: ${FORMS.join(", ")})`);
  }
  return fsrcnnGraph(weights, (form as GraphForm | undefined) ?? defaultForm());
}

/** The inference graph of `weights` in the given form. */
export function fsrcnnGraph(
  weights: NetworkWeights,
  form: GraphForm,
): OnnxGraphSpec {
  const g = new GraphBuilder();
  if (form === "transposed" || form === "subpixel") referenceNodes(weights, form, g);
  else blockedNodes(weights, form, g);
  return {
    name: "fsrcnn",
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: INPUT_NAME, dims: ["N", 1, "H", "W"] }],
    outputs: [{ name: OUTPUT_NAME, dims: ["N", 1, "SH", "SW"] }],
    // Col2Im is an opset-18 operator.
    opset: form === "blocked-col2im" ? 18 : undefined,
  };
}

/** Collects nodes and initializers; names intermediate tensors. */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];

  constant(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  /** An int64 constant (shapes, axes). */
  int64(name: string, dims: number[], values: number[]): string {
    this.initializers.push({ name, dims, data: BigInt64Array.from(values, BigInt) });
    return name;
  }

  node(op: string, inputs: string[], output: string, attrs?: Record<string, Attr>): string {
    this.nodes.push({ op, inputs, outputs: [output], attrs });
    return output;
  }

  /** A stride-1 convolution with "same" zero padding; `weight` is [out, in/group, k, k]. */
  conv(
    x: string,
    output: string,
    weight: { name: string; dims: number[]; data: Float32Array },
    bias?: Float32Array,
    group = 1,
  ): string {
    const k = weight.dims[2], p = k >> 1;
    const inputs = [x, this.constant(weight.name, weight.dims, weight.data)];
    if (bias) inputs.push(this.constant(`${weight.name}.bias`, [weight.dims[0]], bias));
    const attrs: Record<string, Attr> = {
      kernel_shape: { ints: [k, k] },
      pads: { ints: [p, p, p, p] },
    };
    if (group > 1) attrs.group = { int: group };
    return this.node("Conv", inputs, output, attrs);
  }

  /** The reference's ConvTranspose2d(C, 1, 9, stride=scale, padding=4, output_padding=scale−1). */
  deconv(
    x: string,
    output: string,
    name: string,
    weight: Float32Array,
    scale: number,
    bias?: Float32Array,
  ): string {
    const channels = weight.length / (DECONV_KERNEL * DECONV_KERNEL);
    const inputs = [x, this.constant(name, [channels, 1, DECONV_KERNEL, DECONV_KERNEL], weight)];
    if (bias) inputs.push(this.constant(`${name}.bias`, [1], bias));
    const p = DECONV_PADDING;
    return this.node("ConvTranspose", inputs, output, {
      kernel_shape: { ints: [DECONV_KERNEL, DECONV_KERNEL] },
      strides: { ints: [scale, scale] },
      pads: { ints: [p, p, p, p] },
      output_padding: { ints: [scale - 1, scale - 1] },
    });
  }
}

function referenceNodes(weights: NetworkWeights, form: "transposed" | "subpixel", g: GraphBuilder) {
  const { scale, d } = weights.config;
  const param = (name: string) => weights.params.get(name)!;
  let x = INPUT_NAME;
  for (const l of layerSpecs(weights.config).slice(0, -1)) {
    const dims = [l.outChannels, l.inChannels, l.kernel, l.kernel];
    const y = g.conv(
      x,
      `${l.conv}.out`,
      { name: `${l.conv}.weight`, dims, data: param(`${l.conv}.weight`) },
      param(`${l.conv}.bias`),
    );
    // PRelu broadcasts its slope from the right: [C, 1, 1] against [N, C, H, W].
    const slope = g.constant(
      `${l.prelu}.weight`,
      [l.outChannels, 1, 1],
      param(`${l.prelu}.weight`),
    );
    x = g.node("PRelu", [y, slope], `${l.prelu}.out`);
  }
  if (form === "transposed") {
    g.deconv(x, OUTPUT_NAME, "NN2.weight", param("NN2.weight"), scale, param("NN2.bias"));
    return;
  }
  const sp = subpixelFromDeconv(param("NN2.weight"), param("NN2.bias")[0], d, scale);
  const a = sp.padBefore, b = sp.padAfter;
  g.node(
    "Conv",
    [
      x,
      g.constant("NN2.subpixel.weight", [scale * scale, d, sp.taps, sp.taps], sp.weight),
      g.constant("NN2.subpixel.bias", [scale * scale], sp.bias),
    ],
    "NN2.phases",
    { kernel_shape: { ints: [sp.taps, sp.taps] }, pads: { ints: [a, a, b, b] } },
  );
  g.node("DepthToSpace", ["NN2.phases"], OUTPUT_NAME, {
    blocksize: { int: scale },
    mode: { string: "DCR" },
  });
}

const roundUp = (n: number) => Math.ceil(n / CHANNEL_BLOCK) * CHANNEL_BLOCK;

/**
 * Copies an [out, in, k, k] weight into a zero [outPadded, inPadded, k, k] one, each value
 * mapped by `f` (and padded channels left zero, so they carry zeros through the network).
 */
function padWeight(
  w: Float32Array,
  [out, inp, k]: [number, number, number],
  [outPadded, inPadded]: [number, number],
  f = (v: number) => v,
): Float32Array {
  const kk = k * k, padded = new Float32Array(outPadded * inPadded * kk);
  for (let o = 0; o < out; o++) {
    for (let i = 0; i < inp; i++) {
      for (let t = 0; t < kk; t++) {
        padded[(o * inPadded + i) * kk + t] = f(w[(o * inp + i) * kk + t]);
      }
    }
  }
  return padded;
}

function padVector(v: Float32Array, length: number, f = (x: number) => x): Float32Array {
  const padded = new Float32Array(length);
  v.forEach((x, i) => padded[i] = f(x));
  return padded;
}

/**
 * The blocked form. Every PReLU with slopes a is written PReLU(y) = y + c⊙relu(−y), c = 1 − a,
 * which onnxruntime runs on blocked tensors: relu(−y) is a 1x1 depthwise convolution (weights −1)
 * with its fused Relu, and y + c⊙r a second depthwise convolution (weights c) whose Sum input is y.
 * Channels are padded with zeros to whole blocks. The two PReLUs on the wide d-channel tensors
 * are folded into the linear layers next to them instead, which saves the passes over the
 * widest tensors:
 * - first: W2·PReLU(W1∗x + b1) + b2 = (W2·W1)∗x + (W2·b1 + b2) + (W2·diag(c1))·relu(−W1∗x − b1),
 *   a 5x5 convolution 1→s plus a 1x1 convolution of relu(−y1) (both exact: a 1x1 convolution
 *   commutes with the zero padding of the 5x5 one).
 * - last: T ⋆ PReLU(W7·h + b7) = T' ⋆ [h; 1] + (T·diag(c7)) ⋆ relu(−W7·h − b7), where ⋆ is the
 *   transposed convolution and T'ⱼ = Σᵢ T_i·W7[i, j]. The bias b7 rides on a constant-1 channel
 *   of h (a padded channel that the shrinking layer sets to 1 and every mapping layer passes
 *   on), so that the transposed convolution's border truncation applies to it exactly as in the
 *   reference. In `blocked` both halves go through one ConvTranspose over the concatenated
 *   channels; `blocked-subpixel` and `blocked-col2im` take each half through its own
 *   convolution and add them (subpixelTail, col2imTail).
 * The result equals the reference within float rounding (~1e-6 on [0, 1] images).
 */
function blockedNodes(
  weights: NetworkWeights,
  form: "blocked" | "blocked-subpixel" | "blocked-col2im",
  g: GraphBuilder,
) {
  const { d, s, m, scale } = weights.config;
  const param = (name: string) => weights.params.get(name)!;
  const D = roundUp(d), S = roundUp(s + 1); // +1: room for the constant-1 channel
  const c = (slopes: Float32Array) => slopes.map((a) => 1 - a);

  // y + c⊙relu(−y) on `channels` (a multiple of the block) channels.
  const prelu = (y: string, name: string, slopes: Float32Array, channels: number) => {
    const negate = new Float32Array(channels).fill(-1);
    const r = g.node(
      "Relu",
      [g.conv(
        y,
        `${name}.negated`,
        { name: `${name}.negate`, dims: [channels, 1, 1, 1], data: negate },
        undefined,
        channels,
      )],
      `${name}.relu_negated`,
    );
    const scaled = g.conv(
      r,
      `${name}.scaled`,
      { name: `${name}.c`, dims: [channels, 1, 1, 1], data: padVector(c(slopes), channels) },
      undefined,
      channels,
    );
    return g.node("Add", [scaled, y], `${name}.out`);
  };

  // First layer and its PReLU, folded into the second (1x1) layer.
  const w1 = param("NN1.0.weight"), b1 = param("NN1.0.bias"), c1 = c(param("NN1.1.weight"));
  const w2 = param("NN1.2.weight"), b2 = param("NN1.2.bias");
  const r1 = g.node("Relu", [
    g.conv(
      INPUT_NAME,
      "NN1.0.negated",
      {
        name: "NN1.0.negated.weight",
        dims: [D, 1, 5, 5],
        data: padWeight(w1, [d, 1, 5], [D, 1], (v) => -v),
      },
      padVector(b1, D, (v) => -v),
    ),
  ], "NN1.0.relu_negated");
  const w2c1 = new Float32Array(S * D);
  const w21 = new Float32Array(S * 25), b21 = new Float32Array(S);
  b21[s] = 1; // the constant-1 channel (weights 0; PReLU(1) = 1), used by the last layer
  for (let o = 0; o < s; o++) {
    b21[o] = b2[o];
    for (let i = 0; i < d; i++) {
      const w = w2[o * d + i];
      w2c1[o * D + i] = w * c1[i];
      b21[o] += w * b1[i];
      for (let t = 0; t < 25; t++) w21[o * 25 + t] += w * w1[i * 25 + t];
    }
  }
  let h = g.node("Add", [
    g.conv(r1, "NN1.2.from_relu", { name: "NN1.2.c_weight", dims: [S, D, 1, 1], data: w2c1 }),
    g.conv(INPUT_NAME, "NN1.2.from_input", {
      name: "NN1.2.composed_weight",
      dims: [S, 1, 5, 5],
      data: w21,
    }, b21),
  ], "NN1.2.out");
  h = prelu(h, "NN1.3", param("NN1.3.weight"), S);

  // Mapping layers, each passing the constant-1 channel s on (weights 0, bias 1).
  for (let j = 0; j < m; j++) {
    const conv = `NN1.${4 + 2 * j}`;
    const bias = padVector(param(`${conv}.bias`), S);
    bias[s] = 1;
    const y = g.conv(
      h,
      `${conv}.out`,
      {
        name: `${conv}.weight`,
        dims: [S, S, 3, 3],
        data: padWeight(param(`${conv}.weight`), [s, s, 3], [S, S]),
      },
      bias,
    );
    h = prelu(y, `NN1.${5 + 2 * j}`, param(`NN1.${5 + 2 * j}.weight`), S);
  }
  // Expanding layer, its PReLU and the transposed convolution, as one ConvTranspose over
  // [h; relu(−y7)].
  const expand = `NN1.${4 + 2 * m}`;
  const w7 = param(`${expand}.weight`), b7 = param(`${expand}.bias`);
  const c7 = c(param(`NN1.${5 + 2 * m}.weight`));
  const t = param("NN2.weight"), kk = DECONV_KERNEL * DECONV_KERNEL;
  const r7 = g.node("Relu", [
    g.conv(
      h,
      `${expand}.negated`,
      {
        name: `${expand}.negated.weight`,
        dims: [D, S, 1, 1],
        data: padWeight(w7, [d, s, 1], [D, S], (v) => -v),
      },
      padVector(b7, D, (v) => -v),
    ),
  ], `${expand}.relu_negated`);
  const tAll = new Float32Array((S + D) * kk);
  for (let i = 0; i < d; i++) {
    for (let k = 0; k < kk; k++) {
      const tik = t[i * kk + k];
      for (let j = 0; j < s; j++) tAll[j * kk + k] += w7[i * s + j] * tik; // T' on h
      tAll[s * kk + k] += b7[i] * tik; // T' on the constant channel
      tAll[(S + i) * kk + k] = c7[i] * tik; // T·diag(c7) on relu(−y7)
    }
  }
  const tail = { h, r7, weight: tAll, bias: param("NN2.bias")[0], hChannels: S, constant: s };
  if (form === "blocked") {
    const both = g.node("Concat", [h, r7], "NN2.in", { axis: { int: 1 } });
    g.deconv(both, OUTPUT_NAME, "NN2.folded.weight", tAll, scale, param("NN2.bias"));
  } else if (form === "blocked-subpixel") subpixelTail(g, tail, scale);
  else col2imTail(g, tail, scale);
}

/**
 * The blocked form's last layer, a transposed convolution T over [h; r7] (channels
 * `hChannels` + the rest), with `constant` the index of h's constant-1 channel.
 */
interface BlockedTail {
  h: string;
  r7: string;
  /** [hChannels + r7 channels, 1, K, K], as for ConvTranspose. */
  weight: Float32Array;
  bias: number;
  hChannels: number;
  constant: number;
}

/** The channels [from, to) of an [out, C, k, k] weight, as [out, to − from, k, k]. */
function sliceInputChannels(
  w: Float32Array,
  [out, channels, kk]: [number, number, number],
  from: number,
  to: number,
): Float32Array {
  const part = new Float32Array(out * (to - from) * kk);
  for (let o = 0; o < out; o++) {
    part.set(
      w.subarray((o * channels + from) * kk, (o * channels + to) * kk),
      o * (to - from) * kk,
    );
  }
  return part;
}

/**
 * `x`'s spatial sides times `scale`, as an int64 [2] tensor (for shapes that follow the input).
 */
function scaledSides(g: GraphBuilder, x: string, scale: number, name: string): string {
  const sides = g.node("Shape", [x], `${name}.input_shape`, { start: { int: 2 } });
  return g.node("Mul", [sides, g.int64(`${name}.scale`, [2], [scale, scale])], name);
}

/**
 * The blocked tail as a sub-pixel convolution (subpixel.ts) straight from the NCHWc tensors: one
 * convolution per input (the Add between them fuses into the second), so neither the Concat nor
 * the reorder of the wide input to NCHW is needed; only the (block·scale)² phases are reordered
 * and put in place by DepthToSpace. Every scale computes 16 phases of 9 taps per input channel
 * (onnxruntime pads a convolution's outputs to whole blocks of 16):
 * - ×2 in blocks of 2x2 LR pixels (stride 2, 16 phases, 6x6 taps per block): with 4 phases,
 *   onnxruntime would compute four times the work;
 * - ×3 with shifted windows (3x3 taps instead of 4x4; phase 2 of each axis is computed one LR
 *   pixel later and moved back before DepthToSpace);
 * - ×4 as it is (16 phases of 3x3 taps).
 */
function subpixelTail(g: GraphBuilder, t: BlockedTail, scale: number) {
  const channels = t.weight.length / (DECONV_KERNEL * DECONV_KERNEL);
  const block = scale === 2 ? 2 : 1;
  const sp = subpixelFromDeconv(t.weight, t.bias, channels, scale, DECONV_KERNEL, DECONV_PADDING, {
    block,
    shifted: true,
  });
  const side = block * scale, phases = side * side, kk = sp.taps * sp.taps;
  const a = sp.padBefore, b = sp.padAfter;
  const attrs: Record<string, Attr> = {
    kernel_shape: { ints: [sp.taps, sp.taps] },
    pads: { ints: [a, a, b, b] },
    strides: { ints: [block, block] },
  };
  const part = (x: string, name: string, from: number, to: number, bias?: Float32Array) => {
    const w = sliceInputChannels(sp.weight, [phases, channels, kk], from, to);
    const inputs = [x, g.constant(`${name}.weight`, [phases, to - from, sp.taps, sp.taps], w)];
    if (bias) inputs.push(g.constant(`${name}.bias`, [phases], bias));
    return g.node("Conv", inputs, `${name}.out`, attrs);
  };
  let phased = g.node("Add", [
    part(t.h, "NN2.subpixel.h", 0, t.hChannels, sp.bias),
    part(t.r7, "NN2.subpixel.r", t.hChannels, channels),
  ], "NN2.phases");
  if (Math.max(...sp.shift) > 0) phased = unshift(g, phased, sp.shift);
  const placed = g.node("DepthToSpace", [phased], block === 1 ? OUTPUT_NAME : "NN2.placed", {
    blocksize: { int: side },
    mode: { string: "DCR" },
  });
  if (block === 1) return;
  // A side that is no multiple of the block leaves a partial last block: crop to scale × input.
  g.node("Slice", [
    placed,
    g.int64("NN2.crop.starts", [2], [0, 0]),
    scaledSides(g, INPUT_NAME, scale, "NN2.crop.ends"),
    g.int64("NN2.crop.axes", [2], [2, 3]),
  ], OUTPUT_NAME);
}

/**
 * Moves each phase's plane back by its shift: `x` is [N, G·G, H + m, W + m] with phase
 * (uy, ux) computed shift[uy] rows and shift[ux] columns late (m the largest shift); the result
 * is [N, G·G, H, W]. Phases of equal shift are consecutive along each axis (shifts only grow
 * with the phase), so each axis takes one Slice per shift value and a Concat, on the phases as
 * [N, G, G, H + m, W + m].
 */
function unshift(g: GraphBuilder, x: string, shift: number[]): string {
  const side = shift.length, m = Math.max(...shift);
  const grid = g.node("Reshape", [
    x,
    g.node(
      "Concat",
      [
        g.int64("NN2.unshift.phases", [3], [0, side, side]),
        g.node("Shape", [x], "NN2.unshift.sides", { start: { int: 2 } }),
      ],
      "NN2.unshift.grid_shape",
      { axis: { int: 0 } },
    ),
  ], "NN2.unshift.grid");
  let y = grid;
  for (const [phaseAxis, pixelAxis] of [[1, 3], [2, 4]]) {
    const parts: string[] = [];
    for (let u0 = 0; u0 < side;) {
      let u1 = u0;
      while (u1 < side && shift[u1] === shift[u0]) u1++;
      const v = shift[u0], name = `NN2.unshift.${pixelAxis}.${u0}`;
      parts.push(g.node("Slice", [
        y,
        g.int64(`${name}.starts`, [2], [u0, v]),
        // A negative end counts from the end; the last phases keep everything after v.
        g.int64(`${name}.ends`, [2], [u1, v - m < 0 ? v - m : Number.MAX_SAFE_INTEGER]),
        g.int64(`${name}.axes`, [2], [phaseAxis, pixelAxis]),
      ], name));
      u0 = u1;
    }
    y = g.node("Concat", parts, `NN2.unshift.${pixelAxis}`, { axis: { int: phaseAxis } });
  }
  return g.node("Reshape", [
    y,
    g.node(
      "Concat",
      [
        g.int64("NN2.unshift.flat", [2], [0, side * side]),
        g.node("Shape", [y], "NN2.unshift.aligned_sides", { start: { int: 3 } }),
      ],
      "NN2.unshift.flat_shape",
      { axis: { int: 0 } },
    ),
  ], "NN2.unshifted");
}

/**
 * The blocked tail as a 1x1 convolution to the 81 taps of every LR pixel (one per input, the
 * Add fused into the second, on NCHWc tensors: no Concat) and onnxruntime's Col2Im (opset 18),
 * which scatters them as ConvTranspose does after its own GEMM. The bias rides on the constant
 * channel: every output pixel s·q + r takes exactly one tap, k = r + P, from LR pixel q.
 */
function col2imTail(g: GraphBuilder, t: BlockedTail, scale: number) {
  const kk = DECONV_KERNEL * DECONV_KERNEL, channels = t.weight.length / kk;
  // [C, 1, K, K] (taps per input channel) → [K·K, C, 1, 1] (input channels per tap).
  const w = new Float32Array(kk * channels);
  for (let c = 0; c < channels; c++) {
    for (let k = 0; k < kk; k++) w[k * channels + c] = t.weight[c * kk + k];
  }
  for (let ry = 0; ry < scale; ry++) {
    for (let rx = 0; rx < scale; rx++) {
      const k = (ry + DECONV_PADDING) * DECONV_KERNEL + rx + DECONV_PADDING;
      w[k * channels + t.constant] += t.bias;
    }
  }
  const part = (x: string, name: string, from: number, to: number) =>
    g.conv(x, `${name}.out`, {
      name: `${name}.weight`,
      dims: [kk, to - from, 1, 1],
      data: sliceInputChannels(w, [kk, channels, 1], from, to),
    });
  const taps = g.node("Add", [
    part(t.h, "NN2.taps.h", 0, t.hChannels),
    part(t.r7, "NN2.taps.r", t.hChannels, channels),
  ], "NN2.taps");
  const columns = g.node(
    "Reshape",
    [taps, g.int64("NN2.columns.shape", [3], [0, kk, -1])],
    "NN2.columns",
  );
  const p = DECONV_PADDING;
  g.node(
    "Col2Im",
    [
      columns,
      scaledSides(g, INPUT_NAME, scale, "NN2.image_shape"),
      g.int64("NN2.block_shape", [2], [DECONV_KERNEL, DECONV_KERNEL]),
    ],
    OUTPUT_NAME,
    {
      strides: { ints: [scale, scale] },
      pads: { ints: [p, p, p, p] },
    },
  );
}
