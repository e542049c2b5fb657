/**
 * FSRCNN as tfjs ops. Layers are fused conv+bias+PReLU ops in NHWC; the transposed convolution
 * runs in its sub-pixel form (a convolution to scale² phases, then depth-to-space), which is the
 * same function and much faster on every tfjs backend.
 */
import type { NetworkWeights } from "../arch.ts";
import { tf, type TfjsGraph } from "../tfjs/runtime.ts";
import { oihwToHwio } from "../weights/layout.ts";
import { layerSpecs } from "./config.ts";
import { subpixelFromDeconv } from "./subpixel.ts";

interface TfLayer {
  filter: tf.Tensor4D;
  bias: tf.Tensor1D;
  slope: tf.Tensor1D;
  pad: number;
}

/** The tfjs graph of FSRCNN weights; its tensors live on the active tfjs backend. */
export function fsrcnnTfjsGraph(weights: NetworkWeights): TfjsGraph {
  const p = (name: string) => weights.params.get(name)!;
  const layers: TfLayer[] = [];
  for (const l of layerSpecs(weights.config).slice(0, -1)) {
    layers.push({
      filter: tf.tensor4d(
        oihwToHwio(p(`${l.conv}.weight`), l.outChannels, l.inChannels, l.kernel),
        [l.kernel, l.kernel, l.inChannels, l.outChannels],
      ),
      bias: tf.tensor1d(p(`${l.conv}.bias`)),
      slope: tf.tensor1d(p(`${l.prelu}.weight`)),
      pad: l.kernel >> 1,
    });
  }
  const { d, scale } = weights.config;
  const sp = subpixelFromDeconv(p("NN2.weight"), p("NN2.bias")[0], d, scale);
  const phases = sp.scale * sp.scale;
  const last = {
    filter: tf.tensor4d(oihwToHwio(sp.weight, phases, d, sp.taps), [sp.taps, sp.taps, d, phases]),
    bias: tf.tensor1d(sp.bias),
    pad: [sp.padBefore, sp.padAfter] as const,
  };
  return {
    forward: (x) =>
      tf.tidy(() => {
        let h = x;
        for (const l of layers) {
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
        const [a, b] = last.pad;
        const out = tf.fused.conv2d({
          x: h,
          filter: last.filter,
          strides: 1,
          pad: [[0, 0], [a, b], [a, b], [0, 0]],
          bias: last.bias,
        });
        return tf.depthToSpace(out, scale, "NHWC");
      }),
    dispose: () => {
      for (const l of layers) tf.dispose([l.filter, l.bias, l.slope]);
      tf.dispose([last.filter, last.bias]);
    },
  };
}
