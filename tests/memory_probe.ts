/**
 * Upscales a clip and prints, as JSON, the frames done, the tfjs tensor count and this process's
 * resident size at every progress report. memory_test.ts runs it in a process of its own, so
 * that the tests running beside it in parallel cannot move the resident size it measures.
 *
 * Usage: deno run -A tests/memory_probe.ts BACKEND INPUT OUTPUT
 */
import { tf, useTfjsBackend } from "../src/model/tfjs_runtime.ts";
import { upscaleFile } from "../src/pipeline/upscale.ts";
import { nearestWeights } from "./helpers.ts";

const [backend, input, output] = Deno.args as ["wasm" | "onnx", string, string];
if (backend === "wasm") await useTfjsBackend("wasm");
const tensors = () => (backend === "wasm" ? tf.memory().numTensors : 0);
const before = tensors();
const samples: Array<{ frames: number; tensors: number; rss: number }> = [];
const summary = await upscaleFile({
  input,
  output,
  weights: nearestWeights(2),
  backend,
  batch: 2,
  preset: "ultrafast",
  onProgress: (p) => {
    samples.push({ frames: p.frames, tensors: tensors(), rss: Deno.memoryUsage().rss / 2 ** 20 });
  },
});
console.log(JSON.stringify({
  frames: summary.frames,
  samples,
  tensorsBefore: before,
  tensorsAfter: tensors(),
}));
