/**
 * Benchmarking: frames per second of FSRCNN per backend, input size, scale and batch, for the
 * network alone and end to end (decode, upscale, encode), with the table and the chart of a
 * report.
 *
 * @example Time the model on the CPU for a moment, and print the table
 * ```ts
 * import { benchmark, formatBenchTable } from "@fsrcnn/deno/bench";
 * const report = await benchmark({
 *   sizes: [[64, 36]],
 *   backends: ["onnx"],
 *   seconds: 0.2,
 *   warmup: 1,
 *   peakSeconds: 0,
 * });
 * console.log(formatBenchTable(report));
 * ```
 * @module
 */

export { benchmark } from "./run.ts";
export {
  BENCH_DEFAULTS,
  type BenchBackend,
  type BenchCell,
  type BenchMode,
  type BenchNetwork,
  type BenchOptions,
  type BenchReport,
  type BenchStart,
  type E2eRequest,
} from "./bench.ts";
export type { Summary } from "./stats.ts";
export type { DeviceReport } from "./device.ts";
export type { MemoryMethod } from "./memory.ts";
export type { SgemmPeak } from "./peak.ts";
export {
  formatTable as formatBenchTable,
  formatTableFoot as formatBenchTableFoot,
  formatTableHead as formatBenchTableHead,
  formatTableRow as formatBenchTableRow,
  plotSvg as plotBenchSvg,
} from "./report.ts";
