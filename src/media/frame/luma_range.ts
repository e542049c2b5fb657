/**
 * Full-range luma ↔ the studio range the networks were trained on (pure; table-tested). Every
 * shipped network learned from MATLAB's `rgb2ycbcr` luma, black at 16/255 and white at 235/255,
 * as limited-range video holds it. Full-range pictures (greyscale images, `yuvj…` and `pc`-tagged
 * video) put black at 0 and white at the top code, where networks trained on photographs alone
 * lifted black by up to 16 codes (docs/quality.md): they go through the network in the studio
 * range and come back, as a grey RGB picture would.
 */

/** Studio black and the span to studio white, in [0, 1] units of a `bitDepth`-bit code range. */
export function studioRange(bitDepth: number): { black: number; span: number } {
  if (!Number.isInteger(bitDepth) || bitDepth < 8 || bitDepth > 16) {
    throw new RangeError(`bit depth must be an integer in 8..16, got ${bitDepth}`);
  }
  // 16..235 at 8 bits, 64..940 at 10 bits: the codes scale with 2^(bitDepth − 8).
  const step = 2 ** (bitDepth - 8), max = 2 ** bitDepth - 1;
  return { black: (16 * step) / max, span: (219 * step) / max };
}

/** Full-range values in [0, 1] → the studio range, in place; returns `values`. */
export function fullToStudio(values: Float32Array, bitDepth: number): Float32Array {
  const { black, span } = studioRange(bitDepth);
  for (let i = 0; i < values.length; i++) values[i] = black + span * values[i];
  return values;
}

/** The inverse of {@link fullToStudio}, in place (unclamped); returns `values`. */
export function studioToFull(values: Float32Array, bitDepth: number): Float32Array {
  const { black, span } = studioRange(bitDepth);
  for (let i = 0; i < values.length; i++) values[i] = (values[i] - black) / span;
  return values;
}
