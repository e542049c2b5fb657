/**
 * A starting point for training from scratch that already upscales: channel 0 of every layer
 * carries the input pixel through the network (offset by +1 so that every PReLU sees positive
 * values and passes them unchanged) and channel 0 of the transposed convolution holds a
 * bicubic interpolation kernel, so the untrained network outputs bicubic upscaling plus the
 * small contribution of the randomly initialised channels. Training then learns the detail
 * bicubic misses instead of first learning to reproduce the picture (the residual idea of
 * VDSR, expressed in FSRCNN's own parameters, so nothing about the model changes).
 *
 * At ×2 the 9×9 kernel holds Keys' cubic (a = −0.5, MATLAB's "bicubic") exactly; at ×3 and ×4
 * FSRCNN's kernel spans fewer low-resolution pixels than the cubic's support, so each output
 * phase holds the cubic's taps that fit, renormalised to sum to one.
 */
import { DECONV_KERNEL, DECONV_PADDING, layerSpecs } from "../net/fsrcnn/config.ts";
import { cloneWeights, type FsrcnnWeights } from "../net/weights/file.ts";
import { keysCubic } from "../media/frame/resample.ts";

/** The carried channel's offset: inputs are in [0, 1], so it stays in [1, 2], above zero. */
const CARRY_OFFSET = 1;

/**
 * One axis of the bicubic transposed-convolution kernel for `scale`: tap k weighs the input
 * pixel whose centre is u = (k − padding + ½)/scale − ½ low-resolution pixels from the output
 * pixel's centre; taps of the same output phase (k mod scale) sum to one.
 */
export function bicubicDeconvTaps(scale: number): Float64Array {
  const taps = new Float64Array(DECONV_KERNEL);
  for (let k = 0; k < DECONV_KERNEL; k++) {
    taps[k] = keysCubic((k - DECONV_PADDING + 0.5) / scale - 0.5);
  }
  for (let phase = 0; phase < scale; phase++) {
    let sum = 0;
    for (let k = phase; k < DECONV_KERNEL; k += scale) sum += taps[k];
    for (let k = phase; k < DECONV_KERNEL; k += scale) taps[k] /= sum;
  }
  return taps;
}

/**
 * Weights whose channel 0 computes bicubic upscaling, the other channels as given (the
 * reference's random initialisation): the starting point of `train --init bicubic`.
 *
 * @param w Freshly initialised weights (not changed).
 * @returns New weights; every tensor is a copy.
 */
export function bicubicStart(w: FsrcnnWeights): FsrcnnWeights {
  const out = cloneWeights(w);
  const layers = layerSpecs(w.config);
  for (const [index, l] of layers.entries()) {
    const weight = out.params.get(`${l.conv}.weight`)!;
    const bias = out.params.get(`${l.conv}.bias`)!;
    const k2 = l.kernel * l.kernel;
    if (l.transposed) {
      // [d, 1, 9, 9]: channel 0's kernel is the separable bicubic one; its offset is removed
      // by the bias (every phase sums to one, so the offset comes out as exactly CARRY_OFFSET).
      const taps = bicubicDeconvTaps(w.config.scale);
      for (let y = 0; y < l.kernel; y++) {
        for (let x = 0; x < l.kernel; x++) weight[y * l.kernel + x] = taps[y] * taps[x];
      }
      bias[0] = -CARRY_OFFSET;
      continue;
    }
    // Output channel 0 takes only input channel 0's centre tap, with weight one.
    weight.fill(0, 0, l.inChannels * k2);
    weight[k2 >> 1] = 1;
    bias[0] = index === 0 ? CARRY_OFFSET : 0;
  }
  return out;
}
