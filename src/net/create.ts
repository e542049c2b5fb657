/**
 * Choosing and creating an inference engine. `auto` takes a real (non-fallback) WebGPU
 * adapter when there is one and its result agrees with the CPU reference on a small input;
 * otherwise onnxruntime's native CPU engine, and tfjs-wasm if that cannot load.
 */
import { FsrcnnError, OptionError } from "../core/errors.ts";
import {
  autoBackends,
  type BackendChoice,
  type BackendName,
  BACKENDS,
  backendSpec,
} from "./backends.ts";
import type { SrEngine } from "./engine.ts";
import { getGpu } from "./gpu.ts";
import { architectureOf } from "./networks.ts";
import type { NetworkWeights } from "./arch.ts";
import { Rng } from "../core/random.ts";

/** How {@link createEngine} and {@link createEngineFor} create an engine. */
export interface EngineOptions {
  /** Which backend; default `auto`. Ignored by {@link createEngineFor}, which is told. */
  backend?: BackendChoice;
  /** CPU threads for the onnx backend (the others ignore it); default: all cores. */
  threads?: number;
}

/**
 * Checks a CPU thread count for onnxruntime: a whole number from 1 to four per core (beyond
 * that, threads only take turns, and each costs memory).
 *
 * @param threads The count asked for, or undefined for the default (every core).
 * @returns `threads`, unchanged.
 * @throws {OptionError} Any other value.
 */
export function checkThreads(threads: number | undefined): number | undefined {
  const cores = navigator.hardwareConcurrency ?? 1;
  const most = 4 * cores;
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > most)) {
    throw new OptionError(
      "threads",
      `must be a whole number from 1 to ${most} (4 per core; ${cores} here), not ${threads}`,
    );
  }
  return threads;
}

/**
 * Creates the engine for a specific backend, with no fallback and no check of its results
 * (unlike `auto` in {@link createEngine}). The caller disposes it.
 *
 * @param weights The network to run; its scale is the engine's.
 * @param backend Which backend.
 * @param options `threads` for the onnx backend; `backend` is ignored.
 * @throws {UsageError} `webgpu` or `webgpu-wgsl` without a WebGPU adapter, or (an
 *   {@link OptionError}) a thread count {@link checkThreads} refuses.
 * @throws {FsrcnnError} onnxruntime's native library could not start.
 *
 * @example Run the onnx engine on a batch of planes
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngineFor, loadWeights } from "@fsrcnn/deno/engine";
 * const engine = await createEngineFor(await loadWeights("models/fsrcnn_x2.safetensors"), "onnx", {
 *   threads: 2,
 * });
 * const out = await engine.run({
 *   data: new Float32Array(3 * 48 * 64).fill(0.5),
 *   count: 3,
 *   width: 64,
 *   height: 48,
 * });
 * assert.deepEqual([out.count, out.width, out.height], [3, 128, 96]);
 * console.log(engine.info.device); // e.g. "onnxruntime CPU (2 threads)"
 * engine.dispose();
 * ```
 */
export async function createEngineFor(
  weights: NetworkWeights,
  backend: BackendName,
  options: EngineOptions = {},
): Promise<SrEngine> {
  checkThreads(options.threads);
  return await BACKENDS[backend].create(weights, options);
}

/**
 * Creates the engine the options ask for. `auto` (the default) takes a real (non-fallback)
 * WebGPU adapter when there is one, trying our WGSL kernels then tfjs-webgpu, each only if its
 * result on a small random plane agrees with the network's reference forward; otherwise onnxruntime's
 * native CPU engine, and tfjs-wasm if that cannot load. The caller disposes the engine.
 * (onnxruntime writes telemetry files unless ORT_DISABLE_TELEMETRY=1 is set before it starts.)
 *
 * @param weights The network to run; its scale is the engine's.
 * @param options Backend (default `auto`) and onnx threads.
 * @throws {UsageError} A named WebGPU backend without a WebGPU adapter, or (an
 *   {@link OptionError}) a thread count {@link checkThreads} refuses.
 * @throws {FsrcnnError} The named onnx backend could not start.
 *
 * @example Pick the best backend and report it
 * ```ts
 * import { createEngine, loadWeights } from "@fsrcnn/deno/engine";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * console.log(`${engine.info.backend} on ${engine.info.device}`);
 * engine.dispose();
 * ```
 */
export async function createEngine(
  weights: NetworkWeights,
  options: EngineOptions = {},
): Promise<SrEngine> {
  checkThreads(options.threads);
  const choice = options.backend ?? "auto";
  if (choice !== "auto") return await createEngineFor(weights, choice, options);
  const gpu = await getGpu();
  const realGpu = gpu !== null && !gpu.summary.fallback;
  const candidates = autoBackends().filter((name) => realGpu || !backendSpec(name).gpu);
  for (const [i, name] of candidates.entries()) {
    let engine: SrEngine;
    try {
      engine = await createEngineFor(weights, name, options);
    } catch (e) {
      // The last one's failure is the one to report.
      if (i === candidates.length - 1) throw e;
      continue;
    }
    // A GPU backend is used only if it computes what the reference computes.
    if (!backendSpec(name).gpu || await agreesWithReference(engine, weights)) return engine;
    engine.dispose();
  }
  throw new FsrcnnError("no inference backend could start");
}

/** How far an engine may stray from the reference before its results are not trusted. */
export const REFERENCE_TOLERANCE = 1e-4;

/**
 * Runs `engine` on a small random plane and returns the largest difference from the plain
 * TypeScript reference: a cheap guard against GPU drivers or shader compilers that compute the
 * wrong thing. Rejects when the engine fails to run.
 */
export async function referenceDifference(
  engine: SrEngine,
  weights: NetworkWeights,
): Promise<number> {
  const width = 12, height = 10;
  const rng = new Rng(12345);
  const plane = new Float32Array(width * height).map(() => rng.uniform());
  const expected = architectureOf(weights.network).reference(weights, plane, width, height);
  const got = await engine.run({ data: plane, count: 1, width, height });
  return maxAbsDiff(expected, got.data);
}

/** Whether `engine` runs and agrees with the reference (see {@link referenceDifference}). */
export async function agreesWithReference(
  engine: SrEngine,
  weights: NetworkWeights,
  tolerance = REFERENCE_TOLERANCE,
): Promise<boolean> {
  try {
    return (await referenceDifference(engine, weights)) <= tolerance;
  } catch {
    return false;
  }
}

/** Largest absolute element-wise difference (Infinity when lengths differ). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    if (d > m) m = d;
  }
  return m;
}
