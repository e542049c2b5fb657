/**
 * tfjs-backend-webgpu against the hand-written WGSL engine on one luma plane at ×2
 * (FSRCNN(56, 12, 4)), full run() including upload and readback.
 *
 *   deno bench -A src/bench/wgsl_bench.ts
 *
 * On a software adapter (lavapipe) the numbers only say which is relatively faster; a real
 * GPU gives the timings that matter. Environment (all optional):
 *  - FSRCNN_BENCH_N: iterations per case (default 50 on a real GPU, 2 on a software adapter,
 *    where one tfjs run takes seconds);
 *  - FSRCNN_BENCH_SIZE: plane size, default 480x270; FSRCNN_BENCH_BATCH: planes per run;
 *  - FSRCNN_WGSL_TUNING: JSON WgslTuning for the WGSL cases, e.g.
 *    '{"map":{"tw":32,"th":8,"p":4},"tail":{"tw":16,"th":16,"p":2,"ec":2}}'.
 * With timestamp queries, the GPU time of each WGSL kernel is printed first.
 */
import { fsrcnnConfig } from "../net/fsrcnn/config.ts";
import type { SrEngine } from "../net/engine.ts";
import { getGpu } from "../net/gpu.ts";
import { TfjsEngine } from "../net/tfjs/engine.ts";
import { fsrcnnTfjsGraph } from "../net/fsrcnn/tfjs_graph.ts";
import { initWeights } from "../net/weights/file.ts";
import type { WgslTuning } from "../net/fsrcnn/wgsl/kernels.ts";
import { WgslEngine, type WgslEngineOptions } from "../net/fsrcnn/wgsl/engine.ts";

const env = (k: string) => Deno.env.get(k);
const [WIDTH, HEIGHT] = (env("FSRCNN_BENCH_SIZE") ?? "480x270").split("x").map(Number);
const BATCH = Number(env("FSRCNN_BENCH_BATCH") ?? 1);
const tuning: WgslTuning | undefined = env("FSRCNN_WGSL_TUNING")
  ? JSON.parse(env("FSRCNN_WGSL_TUNING")!)
  : undefined;
const gpu = await getGpu();
if (!gpu) console.log("wgsl_bench: no WebGPU adapter (getGpu() is null); benchmarks skipped");
const n = Number(env("FSRCNN_BENCH_N") ?? (gpu?.summary.fallback ? 2 : 50));
const warmup = gpu?.summary.fallback ? 1 : 10;

const weights = initWeights(fsrcnnConfig(2), 1);
const batch = {
  data: new Float32Array(BATCH * WIDTH * HEIGHT).map((_, i) => ((i * 7919) % 1000) / 1000),
  count: BATCH,
  width: WIDTH,
  height: HEIGHT,
};

const wgsl = (o: WgslEngineOptions) => () => WgslEngine.create(weights, { tuning, ...o });
const cases: Array<[string, () => Promise<SrEngine>]> = [
  ["tfjs-webgpu", () => TfjsEngine.create(weights, fsrcnnTfjsGraph, "webgpu")],
  ["webgpu-wgsl", wgsl({})],
  ["webgpu-wgsl fused mapping", wgsl({ fuseMapping: true })],
];
if (gpu?.device.features.has("shader-f16")) {
  cases.push(["webgpu-wgsl f16", wgsl({ f16: true })]);
  cases.push(["webgpu-wgsl f16 fused mapping", wgsl({ f16: true, fuseMapping: true })]);
}

const label = `${WIDTH}x${HEIGHT}${BATCH > 1 ? ` ×${BATCH}` : ""} x2`;
for (const [name, make] of cases) {
  const engine = gpu ? await make() : null;
  if (engine instanceof WgslEngine) {
    const stages = await engine.profile(batch, gpu!.summary.fallback ? 1 : 20);
    const times = stages
      ? ` | GPU ms: ${stages.map((s) => `${s.stage} ${s.ms.toFixed(3)}`).join(", ")}; total ${
        stages.reduce((a, s) => a + s.ms, 0).toFixed(3)
      }`
      : "";
    console.log(`${name}: ${engine.plan}${times}`);
  }
  Deno.bench({
    name: `${name} ${label}`,
    group: `fsrcnn ${label}`,
    baseline: name === "tfjs-webgpu",
    ignore: !engine,
    n,
    warmup,
    fn: async () => {
      await engine!.run(batch);
    },
  });
}
