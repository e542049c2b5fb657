import assert from "node:assert/strict";
import { fsrcnnConfig } from "../net/fsrcnn/config.ts";
import { referenceForward64 } from "../net/fsrcnn/reference.ts";
import { initWeights } from "../net/weights/file.ts";
import { Rng } from "../core/random.ts";
import { OnnxGradientStep } from "./onnx_step.ts";

for (const scale of [2, 3, 4]) {
  Deno.test({
    name: `training step: loss and every gradient match finite differences (x${scale})`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const cfg = fsrcnnConfig(scale, { d: 8, s: 4, m: 2 });
      const w = initWeights(cfg, 7);
      const rng = new Rng(3);
      for (const [k, v] of w.params) {
        for (let i = 0; i < v.length; i++) {
          v[i] += (rng.uniform() - 0.5) * (k === "NN2.weight" ? 0.2 : 0.3);
        }
      }
      const n = 2, p = 6, hp = p * scale;
      const lr = new Float32Array(n * p * p).map(() => rng.uniform());
      const hr = new Float32Array(n * hp * hp).map(() => rng.uniform());
      const step = await OnnxGradientStep.create(cfg, 1);
      const { loss, grads } = await step.run(w.params, { count: n, size: p, lr, hr });
      step.dispose();
      // Mean squared error by the float64 reference forward pass.
      const lossOf = () => {
        let acc = 0;
        for (let b = 0; b < n; b++) {
          const y = referenceForward64(w, lr.subarray(b * p * p, (b + 1) * p * p), p, p);
          for (let i = 0; i < y.length; i++) acc += (y[i] - hr[b * hp * hp + i]) ** 2;
        }
        return acc / (n * hp * hp);
      };
      assert.ok(Math.abs(loss - lossOf()) < 1e-6, `loss ${loss} vs ${lossOf()}`);
      assert.deepEqual([...grads.keys()].sort(), [...w.params.keys()].sort());
      for (const [name, g] of grads) {
        const v = w.params.get(name)!;
        assert.equal(g.length, v.length, name);
        // Central differences on a few entries of every tensor (h small enough to rarely
        // cross a PReLU kink, large enough for float32 weights).
        for (let t = 0; t < 3; t++) {
          const i = rng.int(v.length);
          const orig = v[i], h = 1e-4;
          v[i] = orig + h;
          const up = lossOf();
          v[i] = orig - h;
          const down = lossOf();
          v[i] = orig;
          const numeric = (up - down) / (2 * h);
          const err = Math.abs(numeric - g[i]);
          assert.ok(
            err <= 2e-2 * (Math.abs(numeric) + Math.abs(g[i])) + 1e-7,
            `${name}[${i}]: analytic ${g[i]}, numeric ${numeric}`,
          );
        }
      }
    },
  });
}
