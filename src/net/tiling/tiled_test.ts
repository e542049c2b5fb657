import assert from "node:assert/strict";
import { Rng } from "../../core/random.ts";
import { architectureOf, networkConfig } from "../networks.ts";
import { maxAbsDiff } from "../create.ts";
import { createEngineFor } from "../create.ts";
import { TiledUpscaler } from "./tiled.ts";
import { initWeights } from "../weights/file.ts";

/** Random weights with non-trivial slopes and biases, so that every layer matters. */
function randomWeights(scale: number, seed: number) {
  const w = initWeights(networkConfig("fsrcnn", scale), seed);
  const rng = new Rng(seed + 100);
  for (const [name, v] of w.params) {
    for (let i = 0; i < v.length; i++) {
      if (name === "NN2.weight") v[i] = rng.normal() * 0.02;
      else if (name.endsWith("bias")) v[i] = (rng.uniform() - 0.5) * 0.1;
      else if (v.length === w.config.d || v.length === w.config.s) v[i] = rng.uniform() * 0.5;
    }
  }
  return w;
}

Deno.test("receptive-field radius per scale", () => {
  assert.equal(architectureOf("fsrcnn").contextRadius(networkConfig("fsrcnn", 2)), 8);
  assert.equal(architectureOf("fsrcnn").contextRadius(networkConfig("fsrcnn", 3)), 8);
  assert.equal(architectureOf("fsrcnn").contextRadius(networkConfig("fsrcnn", 4)), 7);
  assert.equal(architectureOf("fsrcnn").contextRadius(networkConfig("fsrcnn", 2, { m: 1 })), 5);
});

for (const scale of [2, 3, 4]) {
  Deno.test({
    name: `tiled output equals untiled output (x${scale}, several tile sizes)`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const w = randomWeights(scale, scale);
      const engine = await createEngineFor(w, "wasm");
      try {
        const rng = new Rng(7);
        const width = 61, height = 45;
        const plane = {
          data: new Float32Array(width * height).map(() => rng.uniform()),
          width,
          height,
        };
        const whole = await new TiledUpscaler(engine, { tile: 128 }).upscale([plane]);
        assert.equal(new TiledUpscaler(engine, { tile: 128 }).plan(width, height).tiles.length, 1);
        for (const tile of [17, 24, 31, 40]) {
          const tiler = new TiledUpscaler(engine, { tile, maxBatch: 3 });
          assert.ok(tiler.plan(width, height).tiles.length > 1);
          const [tiled] = await tiler.upscale([plane]);
          assert.equal(tiled.width, width * scale);
          assert.equal(tiled.height, height * scale);
          const diff = maxAbsDiff(whole[0].data, tiled.data);
          assert.ok(diff <= 1e-5, `tile ${tile}: max abs difference ${diff}`);
        }
        // A window one pixel short of the context would be wrong: the test can fail.
        const ctx = architectureOf(w.network).contextRadius(w.config);
        const bad = new TiledUpscaler(engine, { tile: 2 * ctx + 4 });
        (bad as unknown as { context: number }).context = ctx - 2;
        const [wrong] = await bad.upscale([plane]);
        assert.ok(maxAbsDiff(whole[0].data, wrong.data) > 1e-4, "too little context must show");
      } finally {
        engine.dispose();
      }
    },
  });
}

Deno.test({
  name: "several planes in one call come back in order, each equal to its own run",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const w = randomWeights(2, 9);
    const engine = await createEngineFor(w, "onnx");
    try {
      const rng = new Rng(3);
      const planes = [0, 1, 2].map(() => ({
        data: new Float32Array(30 * 20).map(() => rng.uniform()),
        width: 30,
        height: 20,
      }));
      const tiler = new TiledUpscaler(engine, { tile: 24, maxBatch: 4 });
      const together = await tiler.upscale(planes);
      for (let i = 0; i < planes.length; i++) {
        const [alone] = await new TiledUpscaler(engine, { tile: 64 }).upscale([planes[i]]);
        assert.ok(maxAbsDiff(alone.data, together[i].data) <= 1e-5, `plane ${i}`);
      }
    } finally {
      engine.dispose();
    }
  },
});
