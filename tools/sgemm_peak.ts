/**
 * What this CPU's fp32 multiply-accumulate rate really is, as onnxruntime's own SGEMM reaches it:
 * a cache-resident 384×384×384 MatMul, timed on 1 and on every thread. The reference for "of
 * peak" figures in docs/benchmarks.md (run two copies at once with 1 thread to see two cores'
 * sum without the thread pool's overhead).
 *
 *   deno run -A tools/sgemm_peak.ts [threads]
 */
import * as ort from "onnxruntime-node";
import { encodeModel } from "../src/model/onnx/proto.ts";

const N = 384;
const threads = Number(Deno.args[0] ?? navigator.hardwareConcurrency);
const b = new Float32Array(N * N).map(() => Math.random());
const model = encodeModel({
  name: "sgemm",
  nodes: [{ op: "MatMul", inputs: ["a", "b"], outputs: ["c"] }],
  initializers: [{ name: "b", dims: [N, N], data: b }],
  inputs: [{ name: "a", dims: [N, N] }],
  outputs: [{ name: "c", dims: [N, N] }],
});
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
});
const a = new ort.Tensor("float32", new Float32Array(N * N).map(() => Math.random()), [N, N]);
for (let i = 0; i < 20; i++) await session.run({ a });
const reps = 300;
const start = performance.now();
for (let i = 0; i < reps; i++) await session.run({ a });
const ms = (performance.now() - start) / reps;
console.log(`${threads} thread(s): ${(N ** 3 / ms / 1e6).toFixed(1)} GMAC/s`);
await session.release();
