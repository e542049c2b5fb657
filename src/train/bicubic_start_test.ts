import assert from "node:assert/strict";
import { imresizePlane } from "../eval/imresize.ts";
import { fsrcnnConfig } from "../net/fsrcnn/config.ts";
import { referenceForward64 } from "../net/fsrcnn/reference.ts";
import { initWeights } from "../net/weights/file.ts";
import { Rng } from "../core/random.ts";
import { bicubicDeconvTaps, bicubicStart } from "./bicubic_start.ts";

const W = 17, H = 13;

/** The start with every channel but the carried one silenced in the transposed convolution. */
function carriedOnly(scale: number) {
  const w = bicubicStart(initWeights(fsrcnnConfig(scale), 5));
  w.params.get("NN2.weight")!.fill(0, 81);
  return w;
}

/** Largest difference between two planes over output pixels `margin` or more from the edge. */
function interiorDifference(a: ArrayLike<number>, b: ArrayLike<number>, scale: number) {
  const margin = 3 * scale, ow = W * scale, oh = H * scale;
  let worst = 0;
  for (let y = margin; y < oh - margin; y++) {
    for (let x = margin; x < ow - margin; x++) {
      worst = Math.max(worst, Math.abs(a[y * ow + x] - b[y * ow + x]));
    }
  }
  return worst;
}

Deno.test("bicubic start at x2: the carried channel is MATLAB's bicubic upscaling", () => {
  const rng = new Rng(4);
  const lr = new Float32Array(W * H).map(() => rng.uniform());
  const out = referenceForward64(carriedOnly(2), lr, W, H);
  const bicubic = imresizePlane({ width: W, height: H, data: lr }, 2).data;
  const worst = interiorDifference(out, bicubic, 2);
  assert.ok(worst < 1e-5, `max interior difference ${worst}`);
});

Deno.test("bicubic start: every scale reproduces a constant picture inside the borders", () => {
  for (const scale of [2, 3, 4]) {
    const out = referenceForward64(carriedOnly(scale), new Float32Array(W * H).fill(0.3), W, H);
    const worst = interiorDifference(out, new Float64Array(out.length).fill(0.3), scale);
    assert.ok(worst < 1e-6, `x${scale}: max interior difference ${worst}`);
  }
});

Deno.test("bicubic start: the random channels are kept and still contribute", () => {
  const init = initWeights(fsrcnnConfig(2), 5);
  const start = bicubicStart(init);
  // Only output channel 0 of each layer and the transposed convolution's channel 0 change.
  const changed = (name: string) => {
    const a = init.params.get(name)!, b = start.params.get(name)!;
    return [...a].filter((v, i) => v !== b[i]).length;
  };
  assert.ok(changed("NN1.2.weight") <= 56, "1x1 shrink: only out channel 0's 56 inputs");
  assert.equal(changed("NN1.1.weight"), 0, "PReLU slopes untouched");
  assert.ok(changed("NN2.weight") <= 81);
  const lr = new Float32Array(W * H).map((_, i) => (i % 7) / 7);
  const full = referenceForward64(start, lr, W, H);
  const carried = referenceForward64(carriedOnly(2), lr, W, H);
  assert.ok(interiorDifference(full, carried, 2) > 1e-6, "random channels still reach the output");
});

Deno.test("bicubic transposed-convolution taps: phases sum to one, x2 is Keys' cubic", () => {
  const x2 = [...bicubicDeconvTaps(2)];
  const expected = [
    0,
    -0.0234375,
    -0.0703125,
    0.2265625,
    0.8671875,
    0.8671875,
    0.2265625,
    -0.0703125,
    -0.0234375,
  ];
  x2.forEach((v, k) => assert.ok(Math.abs(v - expected[k]) < 1e-12, `tap ${k}: ${v}`));
  for (const scale of [2, 3, 4]) {
    const taps = bicubicDeconvTaps(scale);
    for (let phase = 0; phase < scale; phase++) {
      let sum = 0;
      for (let k = phase; k < taps.length; k += scale) sum += taps[k];
      assert.ok(Math.abs(sum - 1) < 1e-12, `x${scale} phase ${phase}: ${sum}`);
    }
  }
});
