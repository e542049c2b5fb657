import assert from "node:assert/strict";
import { fsrcnnConfig } from "../net/fsrcnn/config.ts";
import { getGpu } from "../net/gpu.ts";
import { initWeights } from "../net/weights/file.ts";
import { Rng } from "../core/random.ts";
import { OnnxGradientStep } from "./onnx_step.ts";
import { TfjsGradientStep } from "./tfjs_step.ts";

const hasGpu = (await getGpu()) !== null;
const cases = [
  ["cpu", "native"],
  ["cpu", "swap"],
  ["wasm", "swap"],
  ["webgpu", "native"],
  ["webgpu", "swap"],
] as const;

for (const [backend, mode] of cases) {
  Deno.test({
    name: `tfjs training step (${backend}, ${mode} weight gradients) equals the ONNX step`,
    ignore: backend === "webgpu" && !hasGpu,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      for (const scale of [2, 3]) {
        const cfg = fsrcnnConfig(scale, { d: 8, s: 4, m: 2 });
        const w = initWeights(cfg, 7);
        const rng = new Rng(scale);
        for (const v of w.params.values()) {
          for (let i = 0; i < v.length; i++) v[i] += (rng.uniform() - 0.5) * 0.2;
        }
        const n = 2, p = 7, hp = p * scale;
        const batch = {
          count: n,
          size: p,
          lr: new Float32Array(n * p * p).map(() => rng.uniform()),
          hr: new Float32Array(n * hp * hp).map(() => rng.uniform()),
        };
        const onnx = await OnnxGradientStep.create(cfg, 1);
        const ref = await onnx.run(w.params, batch);
        onnx.dispose();
        const step = await TfjsGradientStep.create(cfg, backend, mode);
        const got = await step.run(w.params, batch);
        assert.ok(Math.abs(got.loss - ref.loss) < 1e-5);
        for (const [name, g] of ref.grads) {
          const h = got.grads.get(name)!;
          assert.equal(h.length, g.length, name);
          for (let i = 0; i < g.length; i++) {
            assert.ok(
              Math.abs(g[i] - h[i]) <= 1e-4 * (1 + Math.abs(g[i])) + 1e-6,
              `${name}[${i}]: ${h[i]} vs ${g[i]}`,
            );
          }
        }
      }
    },
  });
}
