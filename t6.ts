import { fsrcnnConfig } from "./src/model/config.ts";
import { initWeights } from "./src/model/weights.ts";
import { referenceForward64 } from "./src/model/reference.ts";
import { OnnxGradientStep } from "./src/train/onnx_step.ts";
import { Rng } from "./src/random.ts";
for (const scale of [2, 3, 4]) {
  const cfg = fsrcnnConfig(scale, { d: 8, s: 4, m: 2 });
  const w = initWeights(cfg, 7);
  const rng = new Rng(3);
  for (const [k, v] of w.params) for (let i = 0; i < v.length; i++) v[i] += (rng.uniform() - 0.5) * (k.startsWith("NN2") ? 0.2 : 0.3);
  const N = 2, P = 6, S = P * scale;
  const lr = new Float32Array(N * P * P).map(() => rng.uniform());
  const hr = new Float32Array(N * S * S).map(() => rng.uniform());
  const step = await OnnxGradientStep.create(cfg, 1);
  const { loss, grads } = await step.run(w.params, { count: N, size: P, lr, hr });
  const lossOf = () => {
    let acc = 0;
    for (let n = 0; n < N; n++) {
      const y = referenceForward64(w, lr.subarray(n * P * P, (n + 1) * P * P), P, P);
      for (let i = 0; i < y.length; i++) { const dd = y[i] - hr[n * S * S + i]; acc += dd * dd; }
    }
    return acc / (N * S * S);
  };
  console.log("scale", scale, "loss", loss, lossOf());
  let worst = 0;
  for (const [name, g] of grads) {
    const v = w.params.get(name)!;
    for (let t = 0; t < 3; t++) {
      const i = rng.int(v.length);
      const orig = v[i]; const h = 1e-4;
      v[i] = orig + h; const lp = lossOf(); v[i] = orig - h; const lm = lossOf(); v[i] = orig;
      const num = (lp - lm) / (2 * h);
      const rel = Math.abs(num - g[i]) / Math.max(1e-6, Math.abs(num) + Math.abs(g[i]));
      worst = Math.max(worst, rel);
      if (rel > 1e-2) console.log("  MISMATCH", name, i, num, g[i]);
    }
  }
  console.log("  worst rel", worst);
}
