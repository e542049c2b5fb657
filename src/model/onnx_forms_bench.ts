/**
 * The two forms of FSRCNN's last layer on onnxruntime, per scale: the reference's
 * ConvTranspose against the sub-pixel convolution + DepthToSpace. What chose the OnnxEngine
 * default (results in docs/benchmarks.md).
 *
 *   deno bench -A src/model/onnx_forms_bench.ts
 *
 * Environment (optional): FSRCNN_BENCH_SIZE, the LR plane size (default 480x270);
 * FSRCNN_BENCH_THREADS, onnxruntime's threads (default: every core).
 */
import { fsrcnnConfig } from "./config.ts";
import { OnnxEngine } from "./onnx_engine.ts";
import { initWeights } from "./weights.ts";

const [width, height] = (Deno.env.get("FSRCNN_BENCH_SIZE") ?? "480x270").split("x").map(Number);
const threads = Number(Deno.env.get("FSRCNN_BENCH_THREADS") ?? navigator.hardwareConcurrency);
const batch = { data: new Float32Array(width * height).fill(0.5), count: 1, width, height };

for (const scale of [2, 3, 4]) {
  const weights = initWeights(fsrcnnConfig(scale), 1);
  for (const form of ["transposed", "subpixel"] as const) {
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
