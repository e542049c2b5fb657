/**
 * The WebGPU adapter and device, requested once per process. Deno's WebGPU has had trouble
 * with adapters requested more than once, so tfjs and our own kernels share this one device.
 */

/** What we know about the WebGPU adapter, for logs, `bench` and backend choice. */
export interface GpuAdapterSummary {
  /** Vendor as the adapter reports it (a name or a PCI id). */
  vendor: string;
  /** GPU architecture family, when reported. */
  architecture: string;
  /** Device name or id, when reported. */
  device: string;
  /** Human-readable adapter description (e.g. the driver's device name). */
  description: string;
  /** A software adapter (lavapipe/llvmpipe, SwiftShader): correct but slow. */
  fallback: boolean;
  /** WebGPU features the adapter offers (e.g. shader-f16, timestamp-query). */
  features: string[];
}

export interface GpuContext {
  adapter: GPUAdapter;
  device: GPUDevice;
  summary: GpuAdapterSummary;
}

let gpuPromise: Promise<GpuContext | null> | undefined;

/** Known software rasterisers whose adapters do not always set `isFallbackAdapter`. */
const SOFTWARE_ADAPTERS = /llvmpipe|lavapipe|swiftshader|software/i;

/** The shared GPU context, or null when this process has no WebGPU adapter at all. */
export function getGpu(): Promise<GpuContext | null> {
  gpuPromise ??= requestGpu();
  return gpuPromise;
}

async function requestGpu(): Promise<GpuContext | null> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return null;
  // Without XDG_RUNTIME_DIR, libwayland prints a complaint here (wgpu looks for a Wayland
  // display), and on Linux wgpu also loads libEGL, which can crash the process at exit; the
  // CLI sets both aside (cli/environment.ts). The library leaves the environment alone.
  const adapter = await gpu.requestAdapter({
    powerPreference: "high-performance",
  });
  if (!adapter) return null;
  const info = adapter.info;
  const features = [...adapter.features] as string[];
  const requiredFeatures: GPUFeatureName[] = [];
  for (const f of ["timestamp-query", "shader-f16"] as const) {
    if (adapter.features.has(f)) requiredFeatures.push(f);
  }
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures,
    requiredLimits: {
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    },
  });
  const description = info.description || info.device || info.vendor ||
    "unknown adapter";
  const fallback = Boolean((info as { isFallbackAdapter?: boolean }).isFallbackAdapter) ||
    SOFTWARE_ADAPTERS.test(description);
  return {
    adapter,
    device,
    summary: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description,
      fallback,
      features,
    },
  };
}
