/** The benchmark with its end-to-end runner wired in (bench.ts stays free of the pipeline). */
import { type BenchOptions, type BenchReport, runBench } from "./bench.ts";
import { e2eRunner } from "./e2e.ts";

/**
 * Measures frames per second of FSRCNN per backend, input size, scale and batch: the network
 * alone and/or end to end (decode → SR → encode of generated media, timed on this machine's
 * ffmpeg). Warm-up runs are excluded; each cell repeats for `seconds`. A WebGPU backend whose
 * result disagrees with the reference is reported as skipped rather than timed.
 *
 * @param options What to measure; see {@link BenchOptions}. Default: the model alone, ×2, batch
 *   1, at 480x270, 960x540 and 1920x1080, on the backend upscaling would use (`auto`).
 * @throws {UsageError} A requested backend is not available here.
 * @throws {WeightsError} The `weights` file is missing or corrupt.
 * @throws {CancelledError} `signal` was aborted.
 * @throws {ToolError} ffmpeg failed in an e2e cell.
 *
 * @example Time onnx and wasm, print a table and save a chart
 * ```ts
 * import { benchmark, formatBenchTable, plotBenchSvg } from "@fsrcnn/deno/bench";
 * const report = await benchmark({
 *   mode: "both",
 *   sizes: [[480, 270], [1280, 720]],
 *   backends: ["onnx", "wasm"],
 *   seconds: 2,
 *   onCell: (c) => console.log(`${c.mode} ${c.backend} ${c.width}x${c.height}: ${c.fps} fps`),
 * });
 * console.log(formatBenchTable(report));
 * await Deno.writeTextFile("bench.svg", plotBenchSvg(report));
 * ```
 */
export async function benchmark(options: BenchOptions = {}): Promise<BenchReport> {
  const e2e = e2eRunner();
  try {
    return await runBench({ e2e: e2e.run, ...options });
  } finally {
    await e2e.close();
  }
}
