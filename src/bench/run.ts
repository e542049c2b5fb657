/** The benchmark with its end-to-end runner wired in (bench.ts stays free of the pipeline). */
import { type BenchOptions, type BenchReport, runBench } from "./bench.ts";
import { runE2e } from "./e2e.ts";

export function benchmark(options: BenchOptions = {}): Promise<BenchReport> {
  return runBench({ e2e: runE2e, ...options });
}
