/**
 * Every ONNX graph form against the float64 TypeScript reference, on onnxruntime: shapes whose
 * channel counts are and are not whole NCHWc blocks, no mapping layer at all, all three scales,
 * PReLU slopes that are negative, between 0 and 1 and above 1 (the blocked form rewrites
 * each PReLU, and slopes above 1 flip the sign of its c = 1 − a), and a batch of two planes.
 */
import assert from "node:assert/strict";
import { fsrcnnConfig } from "./config.ts";
import { OnnxEngine } from "../onnx/engine.ts";
import { referenceForward64 } from "./reference.ts";
import { TiledUpscaler } from "../tiling/tiled.ts";
import { Rng } from "../../core/random.ts";
import { initWeights } from "../weights/file.ts";
import {
  CHANNEL_BLOCK,
  defaultForm,
  fsrcnnGraph,
  fsrcnnOnnxGraph,
  type GraphForm,
} from "./onnx_graph.ts";

const FORMS: GraphForm[] = [
  "transposed",
  "subpixel",
  "blocked",
  "blocked-subpixel",
  "blocked-col2im",
];
const CASES = [
  // The paper's (56, 12, 4): 12 + the constant channel fit one block.
  { scale: 2, shape: {} },
  { scale: 3, shape: {} },
  { scale: 4, shape: {} },
  { scale: 3, shape: { d: 20, s: 16, m: 0 } }, // s fills a block: the constant needs another
  { scale: 4, shape: { d: 32, s: 5, m: 1 } }, // FSRCNN-s
];

/** Reference-initialised weights with slopes spread over [−1.5, 2.5] and a strong last layer. */
function testWeights(scale: number, shape: Partial<Record<string, number>>, seed: number) {
  const w = initWeights(fsrcnnConfig(scale, shape), seed);
  const rng = new Rng(seed);
  for (const [name, v] of w.params) {
    const isSlope = /^NN1\.\d*[13579]\.weight$/.test(name);
    if (isSlope) { for (let i = 0; i < v.length; i++) v[i] = -1.5 + 4 * rng.uniform(); }
    if (name.endsWith(".bias")) { for (let i = 0; i < v.length; i++) v[i] = 0.2 * rng.normal(); }
    if (name === "NN2.weight") { for (let i = 0; i < v.length; i++) v[i] *= 100; }
  }
  return w;
}

for (const { scale, shape } of CASES) {
  for (const form of FORMS) {
    Deno.test({
      name: `onnx ${form} graph of FSRCNN ${JSON.stringify(shape)} x${scale} equals the reference`,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        const w = testWeights(scale, shape, 11 + scale);
        const width = 23, height = 17, plane = width * height;
        const rng = new Rng(5);
        const input = new Float32Array(2 * plane).map(() => rng.uniform());
        const engine = await OnnxEngine.create(w, fsrcnnOnnxGraph, { form, threads: 1 });
        try {
          const out = await engine.run({ data: input, count: 2, width, height });
          assert.equal(out.data.length, 2 * plane * scale * scale);
          let worst = 0, magnitude = 0;
          for (let n = 0; n < 2; n++) {
            const expected = referenceForward64(
              w,
              input.subarray(n * plane, (n + 1) * plane),
              width,
              height,
            );
            const got = out.data.subarray(n * expected.length, (n + 1) * expected.length);
            for (let i = 0; i < expected.length; i++) {
              worst = Math.max(worst, Math.abs(got[i] - expected[i]));
              magnitude = Math.max(magnitude, Math.abs(expected[i]));
            }
          }
          assert.ok(magnitude > 0.5, `the test output is not trivial (max ${magnitude})`);
          assert.ok(
            worst <= 1e-5 * magnitude,
            `max difference ${worst} (output up to ${magnitude})`,
          );
        } finally {
          engine.dispose();
        }
      },
    });
  }
}

Deno.test("the blocked graph has no PRelu node and whole blocks of channels", () => {
  for (const { scale, shape } of CASES) {
    const g = fsrcnnGraph(testWeights(scale, shape, 1), "blocked");
    assert.ok(!g.nodes.some((n) => n.op === "PRelu"));
    for (const init of g.initializers) {
      // Every weight's output channels ([out, in, k, k]), and the transposed convolution's
      // input channels ([in, 1, 9, 9]), fill whole blocks.
      if (init.dims.length === 4) {
        assert.equal(init.dims[0] % CHANNEL_BLOCK, 0, `${init.name} ${init.dims}`);
      }
    }
  }
});

for (const form of ["blocked", "blocked-subpixel", "blocked-col2im"] as const) {
  Deno.test({
    name: `onnx ${form} graph tiled equals the reference at every scale`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      // Windows of odd and even sides, so that ×2's blocks of 2x2 LR pixels end partial in some.
      const width = 61, height = 45, rng = new Rng(9);
      const plane = {
        data: new Float32Array(width * height).map(() => rng.uniform()),
        width,
        height,
      };
      for (const scale of [2, 3, 4]) {
        const w = testWeights(scale, {}, 20 + scale);
        const expected = referenceForward64(w, plane.data, width, height);
        const magnitude = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const engine = await OnnxEngine.create(w, fsrcnnOnnxGraph, { form, threads: 1 });
        try {
          for (const tile of [25, 32]) {
            const tiler = new TiledUpscaler(engine, { tile, maxBatch: 3 });
            assert.ok(tiler.plan(width, height).tiles.length > 1);
            const [tiled] = await tiler.upscale([plane]);
            let worst = 0;
            for (let i = 0; i < expected.length; i++) {
              worst = Math.max(worst, Math.abs(tiled.data[i] - expected[i]));
            }
            assert.ok(
              worst <= 1e-5 * magnitude,
              `x${scale} tile ${tile}: max difference ${worst} (output up to ${magnitude})`,
            );
          }
        } finally {
          engine.dispose();
        }
      }
    },
  });
}

Deno.test({
  name: "onnx blocked tails on planes smaller than their blocks and windows equal the reference",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    for (const scale of [2, 3, 4]) {
      const w = testWeights(scale, {}, 30 + scale);
      for (const form of ["blocked", "blocked-subpixel", "blocked-col2im"] as const) {
        const engine = await OnnxEngine.create(w, fsrcnnOnnxGraph, { form, threads: 1 });
        try {
          for (const [width, height] of [[1, 1], [2, 1], [1, 3], [5, 2]]) {
            const rng = new Rng(width * 10 + height);
            const input = new Float32Array(width * height).map(() => rng.uniform());
            const out = await engine.run({ data: input, count: 1, width, height });
            const expected = referenceForward64(w, input, width, height);
            assert.equal(out.data.length, expected.length);
            const worst = expected.reduce((m, v, i) => Math.max(m, Math.abs(out.data[i] - v)), 0);
            const magnitude = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
            assert.ok(
              worst <= 1e-5 * Math.max(magnitude, 1),
              `${form} x${scale} ${width}x${height}`,
            );
          }
        } finally {
          engine.dispose();
        }
      }
    }
  },
});

Deno.test("the onnx engine's default graph form per CPU", () => {
  // The sub-pixel tail was measured faster at every size and scale (docs/benchmarks.md); off
  // x86 onnxruntime has no NCHWc layout for the blocked forms.
  assert.equal(defaultForm(), Deno.build.arch === "x86_64" ? "blocked-subpixel" : "transposed");
});
