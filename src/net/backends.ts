/**
 * The inference backends in one table: each name with what it runs on, how its engine is
 * created, and where `auto` ranks it. Everything that lists, chooses or creates backends (the
 * command-line help, `auto`, `bench`, the golden tests) reads this table.
 */
import { FsrcnnError, UsageError } from "../core/errors.ts";
import { backendBuild, type NetworkWeights } from "./arch.ts";
import type { SrEngine } from "./engine.ts";
import { getGpu } from "./gpu.ts";
import { architectureOf } from "./networks.ts";
import type { TfjsBackendName } from "./tfjs/runtime.ts";

/** One row of {@link BACKENDS}. */
export interface BackendSpec {
  /** What runs the network, in a few words (for help texts). */
  description: string;
  /** Whether it needs a WebGPU adapter. */
  gpu: boolean;
  /**
   * Where `auto` tries it (1 first; GPU backends only on a real adapter and only if their
   * result agrees with the reference); absent for a backend `auto` never picks.
   */
  autoRank?: number;
  /** Creates its engine; engines load lazily, so an unused backend costs nothing. */
  create(weights: NetworkWeights, options: { threads?: number }): Promise<SrEngine>;
}

async function requireGpu(backend: string): Promise<void> {
  if (!(await getGpu())) {
    throw new UsageError(
      `the ${backend} backend is not available: no WebGPU adapter (install a Vulkan driver, e.g. mesa-vulkan-drivers)`,
    );
  }
}

/** The factory of a tfjs backend (tfjs loads on first use). */
function tfjs(name: TfjsBackendName): BackendSpec["create"] {
  return async (weights) => {
    const build = backendBuild(architectureOf(weights.network), "tfjs", name);
    if (name === "webgpu") await requireGpu(name);
    const { TfjsEngine } = await import("./tfjs/engine.ts");
    return await TfjsEngine.create(weights, build, name);
  };
}

/**
 * Every backend by name, in the order help texts list them. `onnx` is onnxruntime's native CPU
 * library; `webgpu` runs through tfjs-backend-webgpu, `webgpu-wgsl` on our own WGSL kernels
 * (src/net/<network>/wgsl).
 */
export const BACKENDS = {
  webgpu: {
    description: "tfjs on WebGPU",
    gpu: true,
    autoRank: 2,
    create: tfjs("webgpu"),
  },
  "webgpu-wgsl": {
    description: "our own WGSL kernels on WebGPU",
    gpu: true,
    autoRank: 1,
    // The network's own kernels; they throw a UsageError when there is no WebGPU adapter.
    create: async (weights) =>
      await backendBuild(architectureOf(weights.network), "wgsl", "webgpu-wgsl")(weights),
  },
  wasm: {
    description: "tfjs on WebAssembly (SIMD) on the CPU",
    gpu: false,
    autoRank: 4,
    create: tfjs("wasm"),
  },
  cpu: {
    description: "tfjs' plain JavaScript kernels (slow; a cross-check)",
    gpu: false,
    create: tfjs("cpu"),
  },
  onnx: {
    description: "onnxruntime's native CPU library",
    gpu: false,
    autoRank: 3,
    create: async (weights, options) => {
      const build = backendBuild(architectureOf(weights.network), "onnx", "onnx");
      const { OnnxEngine } = await import("./onnx/engine.ts");
      try {
        return await OnnxEngine.create(weights, build, { threads: options.threads });
      } catch (e) {
        throw new FsrcnnError(`the onnx backend could not start: ${(e as Error).message}`);
      }
    },
  },
} as const satisfies Record<string, BackendSpec>;

/** The name of a backend: one of {@link BACKEND_NAMES}. */
export type BackendName = keyof typeof BACKENDS;

/**
 * Every backend's name, in table order: `webgpu` (tfjs-backend-webgpu), `webgpu-wgsl` (our own
 * WGSL kernels), `wasm` and `cpu` (tfjs), `onnx` (onnxruntime's native CPU library).
 */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(
  Object.keys(BACKENDS) as BackendName[],
);

/** What a user may ask for: a backend, or `auto` for the fastest one available. */
export type BackendChoice = BackendName | "auto";

/** The backends `auto` considers, in the order it tries them. */
export function autoBackends(): BackendName[] {
  const ranked = BACKEND_NAMES.filter((b) => backendSpec(b).autoRank !== undefined);
  return ranked.sort((a, b) => backendSpec(a).autoRank! - backendSpec(b).autoRank!);
}

/** The table row of a backend. */
export function backendSpec(name: BackendName): BackendSpec {
  return BACKENDS[name];
}
