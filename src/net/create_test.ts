import assert from "node:assert/strict";
import { fsrcnnConfig } from "./fsrcnn/config.ts";
import { agreesWithReference, createEngine, maxAbsDiff } from "./create.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "./engine.ts";
import { getGpu } from "./gpu.ts";
import { initWeights } from "./weights/file.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...opts,
  name: "auto takes a real GPU when there is one, else onnxruntime (never a software adapter)",
  fn: async () => {
    const gpu = await getGpu();
    const engine = await createEngine(initWeights(fsrcnnConfig(2), 1));
    try {
      if (gpu && !gpu.summary.fallback) {
        assert.match(engine.info.backend, /^webgpu/);
      } else {
        assert.equal(engine.info.backend, "onnx");
      }
    } finally {
      engine.dispose();
    }
  },
});

/** An engine that returns zeros: what a broken driver might do. */
class Broken implements SrEngine {
  readonly network = "fsrcnn";
  readonly config = fsrcnnConfig(2);
  readonly info: EngineInfo = { backend: "webgpu", device: "broken", fallback: false };
  run(b: PlaneBatch): Promise<PlaneBatch> {
    const s = this.config.scale;
    return Promise.resolve({
      ...b,
      data: new Float32Array(b.data.length * s * s),
      width: b.width * s,
      height: b.height * s,
    });
  }
  dispose(): void {}
}

Deno.test("an engine that computes the wrong thing fails the reference check", async () => {
  const w = initWeights(fsrcnnConfig(2), 1);
  w.params.get("NN2.bias")![0] = 0.5;
  assert.equal(await agreesWithReference(new Broken(), w), false);
});

Deno.test("max abs difference treats NaN and length mismatch as infinitely different", () => {
  assert.equal(maxAbsDiff([1, 2], [1, 2.5]), 0.5);
  assert.equal(maxAbsDiff([1, 2], [1, NaN]), Infinity);
  assert.equal(maxAbsDiff([1], [1, 2]), Infinity);
});
