/**
 * Training throughput per gradient backend (patches/s), for the side-by-side with PyTorch in
 * docs/benchmarks.md:
 *
 *   deno run -A tools/train_speed.ts [--backends onnx,wasm,cpu,webgpu] [--threads 2]
 *        [--batch 64] [--patch 24] [--scale 2] [--seconds 20]
 *
 * Random patches (the speed does not depend on the values); one warm-up step per backend.
 */
import { parseArgs } from "node:util";
import { fsrcnnConfig } from "../src/net/fsrcnn/config.ts";
import { initWeights } from "../src/net/weights/file.ts";
import { Rng } from "../src/core/random.ts";
import { createGradientStep, type TrainBackend } from "../src/train/trainer.ts";
import { Adam } from "../src/train/adam.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    backends: { type: "string", default: "onnx,wasm" },
    threads: { type: "string" },
    batch: { type: "string", default: "64" },
    patch: { type: "string", default: "24" },
    scale: { type: "string", default: "2" },
    seconds: { type: "string", default: "20" },
  },
});
const scale = Number(values.scale), batch = Number(values.batch), patch = Number(values.patch);
const cfg = fsrcnnConfig(scale);
const rng = new Rng(1);
const hp = patch * scale;
const data = {
  count: batch,
  size: patch,
  lr: new Float32Array(batch * patch * patch).map(() => rng.uniform()),
  hr: new Float32Array(batch * hp * hp).map(() => rng.uniform()),
};
for (const backend of values.backends!.split(",") as TrainBackend[]) {
  const w = initWeights(cfg, 1);
  const step = await createGradientStep(
    cfg,
    backend,
    values.threads ? Number(values.threads) : undefined,
  );
  const adam = new Adam(w.params);
  const once = async () => {
    const { grads } = await step.run(w.params, data);
    adam.update(w.params, grads, () => 1e-4);
  };
  await once();
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < Number(values.seconds) * 1000) {
    await once();
    steps++;
  }
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${backend}${values.threads ? ` (${values.threads} threads)` : ""}: ${
      (steps * batch / s).toFixed(0)
    } patches/s ` +
      `(${
        (1000 * s / steps).toFixed(0)
      } ms per step of ${batch} ${patch}x${patch} patches, x${scale})`,
  );
  step.dispose();
}
