/** What a benchmark ran on: CPU, GPU adapter, and the versions of everything involved. */
import * as ort from "onnxruntime-node";
import { ffmpegVersion } from "../ffmpeg/capabilities.ts";
import { tools } from "../ffmpeg/resolve.ts";
import { getGpu, type GpuAdapterSummary } from "../model/gpu.ts";
import { tf } from "../model/tfjs_runtime.ts";

export interface DeviceReport {
  cpu: { model: string; cores: number };
  gpu: GpuAdapterSummary | null;
  os: string;
  deno: string;
  v8: string;
  tfjs: string;
  onnxruntime: string;
  ffmpeg: string;
  date: string;
}

async function cpuModel(): Promise<string> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    return text.match(/^model name\s*:\s*(.+)$/m)?.[1].trim() ?? "unknown";
  } catch {
    return "unknown";
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
    cpu: { model: await cpuModel(), cores: navigator.hardwareConcurrency },
    gpu: gpu?.summary ?? null,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    tfjs: tf.version_core,
    onnxruntime: ort.env.versions.node ?? "unknown",
    ffmpeg: ff,
    date: new Date().toISOString(),
  };
}
