/**
 * FSRCNN as an ONNX graph built from our weights, for onnxruntime. Input `lr` is
 * [N, 1, H, W], output `sr` is [N, 1, scale·H, scale·W]; N, H and W are free.
 */
import { layerSpecs } from "../config.ts";
import { subpixelFromDeconv } from "../subpixel.ts";
import type { FsrcnnWeights } from "../weights.ts";
import type { OnnxGraphSpec, OnnxInitializer, OnnxNode } from "./proto.ts";

/** How the last layer is expressed: the reference's ConvTranspose, or conv + DepthToSpace. */
export type DeconvForm = "subpixel" | "transposed";

export const INPUT_NAME = "lr";
export const OUTPUT_NAME = "sr";

/** The inference graph of `weights`. */
export function fsrcnnGraph(
  weights: FsrcnnWeights,
  form: DeconvForm = "subpixel",
): OnnxGraphSpec {
  const { scale, d } = weights.config;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const param = (
    name: string,
    dims: number[],
    data = weights.params.get(name)!,
  ) => {
    initializers.push({ name, dims, data });
    return name;
  };
  let x = INPUT_NAME;
  const specs = layerSpecs(weights.config);
  for (const l of specs.slice(0, -1)) {
    const p = l.kernel >> 1;
    const y = `${l.conv}.out`;
    nodes.push({
      op: "Conv",
      inputs: [
        x,
        param(`${l.conv}.weight`, [
          l.outChannels,
          l.inChannels,
          l.kernel,
          l.kernel,
        ]),
        param(`${l.conv}.bias`, [l.outChannels]),
      ],
      outputs: [y],
      attrs: {
        kernel_shape: { ints: [l.kernel, l.kernel] },
        pads: { ints: [p, p, p, p] },
      },
    });
    // PRelu broadcasts its slope from the right: [C, 1, 1] against [N, C, H, W].
    nodes.push({
      op: "PRelu",
      inputs: [y, param(`${l.prelu}.weight`, [l.outChannels, 1, 1])],
      outputs: [`${l.prelu}.out`],
    });
    x = `${l.prelu}.out`;
  }
  if (form === "transposed") {
    nodes.push({
      op: "ConvTranspose",
      inputs: [x, param("NN2.weight", [d, 1, 9, 9]), param("NN2.bias", [1])],
      outputs: [OUTPUT_NAME],
      attrs: {
        kernel_shape: { ints: [9, 9] },
        strides: { ints: [scale, scale] },
        pads: { ints: [4, 4, 4, 4] },
        output_padding: { ints: [scale - 1, scale - 1] },
      },
    });
  } else {
    const sp = subpixelFromDeconv(
      weights.params.get("NN2.weight")!,
      weights.params.get("NN2.bias")![0],
      d,
      scale,
    );
    const phases = scale * scale;
    const a = sp.padBefore, b = sp.padAfter;
    nodes.push({
      op: "Conv",
      inputs: [
        x,
        param("NN2.subpixel.weight", [phases, d, sp.taps, sp.taps], sp.weight),
        param("NN2.subpixel.bias", [phases], sp.bias),
      ],
      outputs: ["NN2.phases"],
      attrs: {
        kernel_shape: { ints: [sp.taps, sp.taps] },
        pads: { ints: [a, a, b, b] },
      },
    });
    nodes.push({
      op: "DepthToSpace",
      inputs: ["NN2.phases"],
      outputs: [OUTPUT_NAME],
      attrs: { blocksize: { int: scale }, mode: { string: "DCR" } },
    });
  }
  return {
    name: "fsrcnn",
    nodes,
    initializers,
    inputs: [{ name: INPUT_NAME, dims: ["N", 1, "H", "W"] }],
    outputs: [{ name: OUTPUT_NAME, dims: ["N", 1, "SH", "SW"] }],
  };
}
