/**
 * What this CPU's fp32 multiply-accumulate rate really is, as onnxruntime's own SGEMM reaches it
 * (src/bench/peak.ts, which `bench` runs at start): the fastest burst of a cache-resident
 * 384×384×384 MatMul on the given threads (default: 1 and every core). Run two copies at once
 * with 1 thread to see two cores' sum without the thread pool's overhead.
 *
 *   deno run -A tools/sgemm_peak.ts [threads] [seconds]
 */
import { sgemmPeak } from "../src/bench/peak.ts";

const seconds = Number(Deno.args[1] ?? 2);
const counts = Deno.args[0] ? [Number(Deno.args[0])] : [1, navigator.hardwareConcurrency];
for (const threads of new Set(counts)) {
  const peak = await sgemmPeak(threads, seconds);
  console.log(`${threads} thread(s): ${peak.gmacPerSecond.toFixed(1)} GMAC/s`);
}
