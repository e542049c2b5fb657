import assert from "node:assert/strict";
import { fsrcnnConfig } from "../model/config.ts";
import { referenceForward64 } from "../model/reference.ts";
import { Rng } from "../random.ts";
import { initWeights } from "../model/weights.ts";
import { withMappingLayers } from "./grow.ts";

Deno.test("grown weights compute the same function with more mapping layers", () => {
  for (const [scale, shape, m] of [[2, { m: 4 }, 8], [3, { d: 20, s: 6, m: 0 }, 2]] as const) {
    const w = initWeights(fsrcnnConfig(scale, shape), 3);
    // Trained-looking slopes, so the identity layers must be exact identities, not just PReLUs.
    for (const [name, v] of w.params) {
      if (/^NN1\.\d*[13579]\.weight$/.test(name)) v.forEach((_, i) => v[i] = 0.1 + 0.05 * i);
    }
    const grown = withMappingLayers(w, m);
    assert.equal(grown.config.m, m);
    const rng = new Rng(9);
    const input = new Float32Array(15 * 11).map(() => rng.uniform());
    const before = referenceForward64(w, input, 15, 11);
    const after = referenceForward64(grown, input, 15, 11);
    let worst = 0;
    for (let i = 0; i < before.length; i++) worst = Math.max(worst, Math.abs(before[i] - after[i]));
    assert.ok(worst < 1e-12, `max difference ${worst}`);
    assert.ok(before.some((v) => Math.abs(v) > 1e-4), "the output is not trivially zero");
  }
});

Deno.test("growing to fewer layers is refused", () => {
  assert.throws(() => withMappingLayers(initWeights(fsrcnnConfig(2), 1), 3), /only adding/);
});
