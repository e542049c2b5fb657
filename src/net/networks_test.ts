/**
 * The network registry: both networks' parameter counts and MACs (counted by hand from the
 * paper's layers), FSRCNN-s on every backend against the float64 reference, tiled equal to
 * untiled, and what a name or a shape says about the network.
 */
import assert from "node:assert/strict";
import { randomizeWeights } from "../../tools/make_golden_inputs.ts";
import { Rng } from "../core/random.ts";
import { sizeOf } from "./arch.ts";
import { BACKEND_NAMES, backendSpec } from "./backends.ts";
import { createEngine, createEngineFor, maxAbsDiff } from "./create.ts";
import { getGpu } from "./gpu.ts";
import {
  architectureOf,
  NETWORK_NAMES,
  networkConfig,
  networkLabel,
  networkOf,
  NETWORKS,
  parseNetwork,
} from "./networks.ts";
import { TiledUpscaler } from "./tiling/tiled.ts";
import { initWeights } from "./weights/file.ts";

const hasGpu = (await getGpu()) !== null;
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test("the registry: fsrcnn and fsrcnn-s, with the paper's shapes, parsed by name", () => {
  assert.deepEqual(NETWORK_NAMES, ["fsrcnn", "fsrcnn-s"]);
  assert.deepEqual(networkConfig("fsrcnn", 3), { scale: 3, d: 56, s: 12, m: 4 });
  assert.deepEqual(networkConfig("fsrcnn-s", 2), { scale: 2, d: 32, s: 5, m: 1 });
  assert.deepEqual(networkConfig("fsrcnn-s", 4, { m: 2 }), { scale: 4, d: 32, s: 5, m: 2 });
  assert.equal(parseNetwork("fsrcnn-s"), "fsrcnn-s");
  assert.throws(
    () => parseNetwork("FSRCNN"),
    /unknown network "FSRCNN" \(choose fsrcnn, fsrcnn-s\)/,
  );
  assert.throws(() => parseNetwork("toString"), /unknown network/);
  assert.throws(() => networkConfig("fsrcnn-s", 5), /unsupported scale 5/);
});

Deno.test("parameters and MACs per pixel of both networks, as counted by hand", () => {
  // Per layer: weights + biases + PReLU slopes; the last layer has no PReLU.
  // FSRCNN(56, 12, 4): 5x5 1→56: 1400+56+56; 1x1 56→12: 672+12+12; 4 × 3x3 12→12:
  // 1296+12+12; 1x1 12→56: 672+56+56; 9x9 deconv 56→1: 4536+1.
  // FSRCNN-s(32, 5, 1): 800+32+32; 160+5+5; 225+5+5; 160+32+32; 2592+1.
  const expected = {
    fsrcnn: {
      params: 1512 + 696 + 4 * 1320 + 784 + 4537,
      macs: 1400 + 672 + 4 * 1296 + 672 + 4536,
    },
    "fsrcnn-s": { params: 864 + 170 + 235 + 224 + 2593, macs: 800 + 160 + 225 + 160 + 2592 },
  };
  for (const name of NETWORK_NAMES) {
    for (const scale of [2, 3, 4]) {
      const cfg = networkConfig(name, scale);
      const arch = architectureOf(name);
      const count = arch.params(cfg).reduce((n, p) => n + sizeOf(p.shape), 0);
      assert.equal(count, expected[name].params, `${name} x${scale}`);
      // The transposed convolution scatters k×k taps per input pixel at every scale.
      assert.equal(arch.macsPerPixel(cfg), expected[name].macs, `${name} x${scale}`);
      const w = initWeights(cfg, 1, name);
      assert.equal([...w.params.values()].reduce((n, v) => n + v.length, 0), count);
    }
  }
  assert.equal(expected.fsrcnn.params, 12809);
  assert.equal(expected["fsrcnn-s"].params, 4086);
  assert.ok(expected.fsrcnn.macs / expected["fsrcnn-s"].macs > 3);
});

Deno.test("a shape names its network: the registered one, else FSRCNN's own name", () => {
  const fsrcnn = NETWORKS.fsrcnn.architecture;
  assert.equal(networkOf(fsrcnn, networkConfig("fsrcnn-s", 3)), "fsrcnn-s");
  assert.equal(networkOf(fsrcnn, networkConfig("fsrcnn", 2)), "fsrcnn");
  assert.equal(networkOf(fsrcnn, networkConfig("fsrcnn", 2, { d: 40 })), "fsrcnn");
  assert.equal(initWeights(networkConfig("fsrcnn-s", 2)).network, "fsrcnn-s");
  assert.equal(
    networkLabel(initWeights(networkConfig("fsrcnn-s", 2))),
    "fsrcnn-s (d=32, s=5, m=1)",
  );
});

/** FSRCNN-s weights with every layer mattering (slopes, biases and a strong last layer). */
function smallWeights(scale: number) {
  return randomizeWeights(initWeights(networkConfig("fsrcnn-s", scale), 3), new Rng(50 + scale));
}

for (const scale of [2, 3, 4]) {
  // The WGSL kernels take a minute to compile on a software adapter: GPU backends at ×2 only.
  for (const backend of BACKEND_NAMES.filter((b) => scale === 2 || !backendSpec(b).gpu)) {
    Deno.test({
      ...opts,
      name: `fsrcnn-s x${scale}: the ${backend} backend computes the float64 reference`,
      ignore: backendSpec(backend).gpu && !hasGpu,
      fn: async () => {
        const w = smallWeights(scale);
        const width = 19, height = 13;
        const rng = new Rng(scale);
        const plane = new Float32Array(width * height).map(() => rng.uniform());
        const expected = architectureOf("fsrcnn-s").reference(w, plane, width, height);
        const engine = await createEngineFor(w, backend);
        try {
          assert.equal(engine.network, "fsrcnn-s");
          const out = await engine.run({ data: plane, count: 1, width, height });
          assert.deepEqual([out.width, out.height], [width * scale, height * scale]);
          const diff = maxAbsDiff(expected, out.data);
          assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
        } finally {
          engine.dispose();
        }
      },
    });
  }
}

Deno.test({
  ...opts,
  name: "fsrcnn-s: createEngine's choice runs it, and tiled equals untiled",
  fn: async () => {
    const scale = 2, width = 53, height = 37;
    const w = smallWeights(scale);
    const engine = await createEngine(w);
    try {
      assert.equal(engine.network, "fsrcnn-s");
      const rng = new Rng(9);
      const plane = {
        data: new Float32Array(width * height).map(() => rng.uniform()),
        width,
        height,
      };
      const [whole] = await new TiledUpscaler(engine, { tile: 128 }).upscale([plane]);
      const context = architectureOf("fsrcnn-s").contextRadius(w.config);
      // FSRCNN-s reaches less far than FSRCNN: one mapping layer, not four.
      assert.equal(context, architectureOf("fsrcnn").contextRadius(networkConfig("fsrcnn", 2)) - 3);
      for (const tile of [2 * context + 2, 20, 33]) {
        const tiler = new TiledUpscaler(engine, { tile, maxBatch: 2 });
        assert.ok(tiler.plan(width, height).tiles.length > 1);
        const [tiled] = await tiler.upscale([plane]);
        const diff = maxAbsDiff(whole.data, tiled.data);
        assert.ok(diff <= 1e-5, `tile ${tile}: max abs difference ${diff}`);
      }
    } finally {
      engine.dispose();
    }
  },
});
