/**
 * The three forms of the FSRCNN graph on onnxruntime, per scale: the reference's layer-by-layer
 * form (PRelu, ConvTranspose), the same with a sub-pixel last layer, and the blocked form the
 * onnx engine runs. What chose the OnnxEngine default (results in docs/benchmarks.md).
 *
 *   deno bench -A src/model/onnx_forms_bench.ts
 *
 * Environment (optional): FSRCNN_BENCH_SIZE, the LR plane size (default 480x270);
 * FSRCNN_BENCH_THREADS, onnxruntime's threads (default: every core). The input is a smooth
 * pattern with noise: the reference form's PRelu kernel branches on each value's sign, so its
 * speed depends on the picture (random noise is its worst case, a flat plane its best).
 */
import { fsrcnnConfig } from "./config.ts";
import { OnnxEngine } from "./onnx_engine.ts";
import { Rng } from "../random.ts";
import { initWeights } from "./weights.ts";

const [width, height] = (Deno.env.get("FSRCNN_BENCH_SIZE") ?? "480x270").split("x").map(Number);
const threads = Number(Deno.env.get("FSRCNN_BENCH_THREADS") ?? navigator.hardwareConcurrency);
const rng = new Rng(1);
const data = new Float32Array(width * height);
for (let y = 0; y < height; y++) {
  for (let x = 0; x < width; x++) {
    data[y * width + x] = 0.5 + 0.3 * Math.sin(x / 17) * Math.cos(y / 11) +
      0.15 * (rng.uniform() - 0.5);
  }
}
const batch = { data, count: 1, width, height };

for (const scale of [2, 3, 4]) {
  const weights = initWeights(fsrcnnConfig(scale), 1);
  for (const form of ["transposed", "subpixel", "blocked"] as const) {
    const engine = await OnnxEngine.create(weights, { form, threads });
    await engine.run(batch); // warm-up: the first run plans the graph
    Deno.bench(
      `x${scale} ${form} ${width}x${height}, ${threads} threads`,
      { group: `x${scale}`, baseline: form === "transposed" },
      async () => {
        await engine.run(batch);
      },
    );
  }
}
