/**
 * Upscales a clip (or a still) and prints, as JSON, the frames done, the tfjs tensor count and
 * this process's resident size at every progress report, and its peak resident size (Linux).
 * memory_test.ts runs it in a process of its own, so that the tests running beside it in
 * parallel cannot move the resident size it measures.
 *
 * Usage: deno run -A tests/memory_probe.ts BACKEND INPUT OUTPUT
 */
import { tf, useTfjsBackend } from "../src/net/tfjs/runtime.ts";
import { upscaleFile } from "../src/jobs/upscale_file.ts";
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
/** The process's peak resident size in MiB (VmHWM), or null where /proc does not tell. */
async function peakRss(): Promise<number | null> {
  const status = await Deno.readTextFile("/proc/self/status").catch(() => "");
  const m = status.match(/^VmHWM:\s+(\d+) kB$/m);
  return m ? Number(m[1]) / 1024 : null;
}

console.log(JSON.stringify({
  frames: summary.frames,
  peakRss: await peakRss(),
  samples,
  tensorsBefore: before,
  tensorsAfter: tensors(),
}));
