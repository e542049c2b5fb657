/**
 * Times the two forms of the last layer on onnxruntime (the reference's ConvTranspose vs the
 * sub-pixel convolution + DepthToSpace), to choose the OnnxEngine default:
 *
 *   deno run -A tools/onnx_forms.ts [480x270] [threads]
 */
import { fsrcnnConfig } from "../src/model/config.ts";
import { OnnxEngine } from "../src/model/onnx_engine.ts";
import { initWeights } from "../src/model/weights.ts";

const [w, h] = (Deno.args[0] ?? "480x270").split("x").map(Number);
const threads = Number(Deno.args[1] ?? navigator.hardwareConcurrency);
const plane = new Float32Array(w * h).fill(0.5);
for (const scale of [2, 3, 4]) {
  const weights = initWeights(fsrcnnConfig(scale), 1);
  for (const form of ["transposed", "subpixel"] as const) {
    const e = await OnnxEngine.create(weights, { form, threads });
    await e.run({ data: plane, count: 1, width: w, height: h });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await e.run({ data: plane, count: 1, width: w, height: h });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    console.log(
      `x${scale} ${form.padEnd(10)} ${w}x${h} ${threads} threads: median ${
        times[3].toFixed(1)
      } ms, min ${times[0].toFixed(1)} ms`,
    );
    e.dispose();
  }
}
