/** What a benchmark ran on: CPU, GPU adapter, and the versions of everything involved. */
import { ffmpegVersion } from "../media/ffmpeg/capabilities.ts";
import { tools } from "../media/ffmpeg/resolve.ts";
import { getGpu, type GpuAdapterSummary } from "../net/gpu.ts";
import { tf } from "../net/tfjs/runtime.ts";

/** The machine and software a benchmark ran on. */
export interface DeviceReport {
  /**
   * CPU model name and its vector and matrix instruction flags (SSE4, AVX…, FMA, AMX; from
   * /proc/cpuinfo, empty where it is not readable), and the logical core count.
   */
  cpu: { model: string; flags: string[]; cores: number };
  /** The WebGPU adapter, or null when there is none. */
  gpu: GpuAdapterSummary | null;
  /** Operating system and architecture. */
  os: string;
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** tfjs-core version. */
  tfjs: string;
  /** onnxruntime-node version. */
  onnxruntime: string;
  /** First line of `ffmpeg -version` (or "unavailable"). */
  ffmpeg: string;
  /** When the report was made (ISO 8601, UTC). */
  date: string;
}

/** The flags that decide fp32 and int8 arithmetic speed. */
const VECTOR_FLAG = /^(sse4_[12]|avx.*|fma|f16c|amx.*)$/;

async function cpuInfo(): Promise<{ model: string; flags: string[] }> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    const flags = text.match(/^flags\s*:\s*(.*)$/m)?.[1].trim().split(/\s+/) ?? [];
    return {
      model: text.match(/^model name\s*:\s*(.+)$/m)?.[1].trim() ?? "unknown",
      flags: flags.filter((f) => VECTOR_FLAG.test(f)),
    };
  } catch {
    return { model: "unknown", flags: [] };
  }
}

/** onnxruntime-node's version, loading the package only for this (it is optional). */
async function onnxruntimeVersion(): Promise<string> {
  try {
    const ort = await import("onnxruntime-node");
    return ort.env.versions.node ?? "unknown";
  } catch {
    return "unavailable";
  }
}

export async function describeDevice(ffmpeg?: string): Promise<DeviceReport> {
  const gpu = await getGpu();
  let ff = "unavailable";
  try {
    ff = await ffmpegVersion(await tools(ffmpeg));
  } catch {
    // Model-only benchmarks do not need ffmpeg.
  }
  return {
    cpu: { ...await cpuInfo(), cores: navigator.hardwareConcurrency },
    gpu: gpu?.summary ?? null,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    tfjs: tf.version_core,
    onnxruntime: await onnxruntimeVersion(),
    ffmpeg: ff,
    date: new Date().toISOString(),
  };
}
