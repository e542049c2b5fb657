import assert from "node:assert/strict";
import { fsrcnnConfig, layerSpecs } from "../net/fsrcnn/config.ts";
import { referenceForward64 } from "../net/fsrcnn/reference.ts";
import { Rng } from "../core/random.ts";
import { type FsrcnnWeights, initWeights } from "../net/weights/file.ts";
import { withChannels, withMappingLayers } from "./grow.ts";

/** Asserts that two networks compute the same function on a random picture, and not zero. */
function assertSameFunction(a: FsrcnnWeights, b: FsrcnnWeights): void {
  const rng = new Rng(9);
  const input = new Float32Array(15 * 11).map(() => rng.uniform());
  const before = referenceForward64(a, input, 15, 11);
  const after = referenceForward64(b, input, 15, 11);
  let worst = 0;
  for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i] - after[i]));
  assert.ok(worst < 1e-12, `max difference ${worst}`);
  assert.ok(before.some((v) => Math.abs(v) > 1e-4), "the output is not trivially zero");
}

/** Trained-looking PReLU slopes (so identity layers must be exact identities) and biases. */
function trainedLooking(w: FsrcnnWeights): FsrcnnWeights {
  for (const [name, v] of w.params) {
    if (/^NN1\.\d*[13579]\.weight$/.test(name)) v.forEach((_, i) => v[i] = 0.1 + 0.05 * i);
    if (name.endsWith(".bias")) v.forEach((_, i) => v[i] = 0.01 * (i + 1));
  }
  return w;
}

Deno.test("grown weights compute the same function with more mapping layers", () => {
  for (const [scale, shape, m] of [[2, { m: 4 }, 8], [3, { d: 20, s: 6, m: 0 }, 2]] as const) {
    const w = trainedLooking(initWeights(fsrcnnConfig(scale, shape), 3));
    const grown = withMappingLayers(w, m);
    assert.equal(grown.config.m, m);
    assertSameFunction(w, grown);
  }
});

Deno.test("growing to fewer layers is refused", () => {
  assert.throws(() => withMappingLayers(initWeights(fsrcnnConfig(2), 1), 3), /only adding/);
});

Deno.test("weights grown wider compute the same function, and every added weight can learn", () => {
  for (
    const [scale, shape, width] of [[2, {}, { d: 64, s: 24 }], [4, { d: 9, s: 3, m: 1 }, {
      d: 9,
      s: 5,
    }], [3, { d: 7, s: 4, m: 2 }, { d: 11, s: 4 }]] as const
  ) {
    const w = trainedLooking(initWeights(fsrcnnConfig(scale, shape), 3));
    const grown = withChannels(w, width, 5);
    assert.deepEqual(
      [grown.config.d, grown.config.s, grown.config.m],
      [width.d, width.s, w.config.m],
    );
    assertSameFunction(w, grown);
    // A layer with added output channels has fresh random weights into them, so the new
    // channels are not dead (their zero weights into old channels then get gradients).
    const oldLayers = layerSpecs(w.config);
    for (const [i, layer] of layerSpecs(grown.config).entries()) {
      if (layer.outChannels === oldLayers[i].outChannels) continue;
      const v = grown.params.get(`${layer.conv}.weight`)!;
      const had = w.params.get(`${layer.conv}.weight`)!;
      assert.ok(v.some((x) => x !== 0 && !had.includes(x)), `${layer.conv} has no fresh weights`);
    }
  }
});

Deno.test("growing to fewer channels is refused", () => {
  const w = initWeights(fsrcnnConfig(2), 1);
  assert.throws(() => withChannels(w, { d: 32, s: 12 }), /only adding channels/);
  assert.throws(() => withChannels(w, { d: 56, s: 8 }), /only adding channels/);
});
