import assert from "node:assert/strict";
import { architectureOf, networkConfig } from "../networks.ts";
import { getGpu } from "../gpu.ts";
import { TfjsEngine } from "./engine.ts";
import { tf } from "./runtime.ts";
import { initWeights } from "../weights/file.ts";

const hasGpu = (await getGpu()) !== null;

for (const backend of ["wasm", "webgpu", "cpu"] as const) {
  Deno.test({
    name: `${backend}: no tensor leaks over 100 inferences, and dispose frees the weights`,
    ignore: backend === "webgpu" && !hasGpu,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      await tf.ready();
      const before = tf.memory().numTensors;
      const weights = initWeights(networkConfig("fsrcnn", 2), 1);
      const build = architectureOf(weights.network).backends.tfjs!;
      const engine = await TfjsEngine.create(weights, build, backend);
      const held = tf.memory().numTensors;
      assert.ok(held > before, "weights live on the backend");
      const plane = new Float32Array(16 * 12).fill(0.5);
      for (let i = 0; i < 100; i++) {
        await engine.run({ data: plane, count: 1, width: 16, height: 12 });
      }
      assert.equal(tf.memory().numTensors, held);
      engine.dispose();
      assert.equal(tf.memory().numTensors, before);
      await assert.rejects(engine.run({ data: plane, count: 1, width: 16, height: 12 }), /dispose/);
    },
  });
}
