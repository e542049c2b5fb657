/**
 * Choosing and creating an inference engine. `auto` takes a real (non-fallback) WebGPU
 * adapter when there is one and its result agrees with the CPU reference on a small input;
 * otherwise onnxruntime's native CPU engine, and tfjs-wasm if that cannot load.
 */
import { FsrcnnError, UsageError } from "../errors.ts";
import { BACKEND_NAMES, type BackendChoice, type BackendName, type SrEngine } from "./engine.ts";
import { getGpu } from "./gpu.ts";
import { referenceForward } from "./reference.ts";
import type { FsrcnnWeights } from "./weights.ts";
import { Rng } from "../random.ts";

export interface EngineOptions {
  /** Which backend; default `auto`. */
  backend?: BackendChoice;
  /** CPU threads for the onnx backend; default: all cores. */
  threads?: number;
}

/** Parses a `--backend` value. */
export function parseBackend(value: string): BackendChoice {
  if (
    value === "auto" || (BACKEND_NAMES as readonly string[]).includes(value)
  ) {
    return value as BackendChoice;
  }
  throw new UsageError(
    `unknown backend "${value}" (choose auto, ${BACKEND_NAMES.join(", ")})`,
  );
}

/** Creates the engine for a specific backend. */
export async function createEngineFor(
  weights: FsrcnnWeights,
  backend: BackendName,
  options: EngineOptions = {},
): Promise<SrEngine> {
  switch (backend) {
    case "onnx": {
      const { OnnxEngine } = await import("./onnx_engine.ts");
      try {
        return await OnnxEngine.create(weights, { threads: options.threads });
      } catch (e) {
        throw new FsrcnnError(
          `the onnx backend could not start: ${(e as Error).message}`,
        );
      }
    }
    case "webgpu": {
      if (!(await getGpu())) {
        throw new UsageError(
          "the webgpu backend is not available: no WebGPU adapter (install a Vulkan driver, e.g. mesa-vulkan-drivers)",
        );
      }
      const { TfjsEngine } = await import("./tfjs_engine.ts");
      return await TfjsEngine.create(weights, "webgpu");
    }
    case "webgpu-wgsl": {
      // Throws a UsageError when there is no WebGPU adapter.
      const { WgslEngine } = await import("./wgsl/wgsl_engine.ts");
      return await WgslEngine.create(weights);
    }
    case "wasm":
    case "cpu": {
      const { TfjsEngine } = await import("./tfjs_engine.ts");
      return await TfjsEngine.create(weights, backend);
    }
  }
}

/** Creates the engine the options ask for, resolving `auto` as described above. */
export async function createEngine(
  weights: FsrcnnWeights,
  options: EngineOptions = {},
): Promise<SrEngine> {
  const choice = options.backend ?? "auto";
  if (choice !== "auto") return await createEngineFor(weights, choice, options);
  const gpu = await getGpu();
  if (gpu && !gpu.summary.fallback) {
    // Our own kernels first (they keep most activations on chip), tfjs' as the second choice;
    // either is used only if it computes what the reference computes.
    for (const backend of ["webgpu-wgsl", "webgpu"] as const) {
      try {
        const engine = await createEngineFor(weights, backend, options);
        if (await agreesWithReference(engine, weights)) return engine;
        engine.dispose();
      } catch {
        // Try the next one.
      }
    }
  }
  try {
    return await createEngineFor(weights, "onnx", options);
  } catch {
    return await createEngineFor(weights, "wasm", options);
  }
}

/**
 * Runs `engine` on a small random plane and compares it with the plain TypeScript reference:
 * a cheap guard against GPU drivers or shader compilers that compute the wrong thing.
 */
export async function agreesWithReference(
  engine: SrEngine,
  weights: FsrcnnWeights,
  tolerance = 1e-4,
): Promise<boolean> {
  const width = 12, height = 10;
  const rng = new Rng(12345);
  const plane = new Float32Array(width * height).map(() => rng.uniform());
  const expected = referenceForward(weights, plane, width, height);
  try {
    const got = await engine.run({ data: plane, count: 1, width, height });
    return maxAbsDiff(expected, got.data) <= tolerance;
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
