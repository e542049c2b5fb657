/**
 * FSRCNN on hand-written WebGPU compute shaders (backend `webgpu-wgsl`).
 *
 * Kernels (see kernels.ts for layouts and tiling): head (5x5 conv + PReLU + 1x1 shrink + PReLU),
 * m mapping layers (3x3 + PReLU; or one fused stack kernel with `fuseMapping`), tail (1x1
 * expand + PReLU + sub-pixel last layer with depth-to-space in the store). Only s-channel
 * activations go through global memory.
 *
 * Weights are uploaded once; pipelines are created once; activation, input, output, staging
 * and parameter buffers persist between runs and only grow (a smaller batch or plane reuses
 * them), so steady-state runs allocate nothing on the GPU. Each `run()` is one writeBuffer of
 * the input, one command encoder with every layer's dispatches in one compute pass, a copy to a
 * mapped staging buffer, and one readback. Runs are serialised (they share the buffers).
 */
import { FsrcnnError, UsageError } from "../../../core/errors.ts";
import type { FsrcnnConfig } from "../config.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "../../engine.ts";
import { getGpu } from "../../gpu.ts";
import type { NetworkName } from "../../networks.ts";
import type { NetworkWeights } from "../../arch.ts";
import {
  headKernel,
  type KernelCommon,
  type KernelLimits,
  type KernelSource,
  mapKernel,
  pickTailTile,
  stackKernel,
  tailChannels,
  tailKernel,
  type WgslTuning,
} from "./kernels.ts";
import { type Blob, packHead, packMapping, packTail, vec4s } from "./pack.ts";

export interface WgslEngineOptions {
  /**
   * Store activations as f16 (accumulation stays f32). Needs the device feature `shader-f16`;
   * refused with a UsageError without it. Default false.
   */
  f16?: boolean;
  /** Run the m mapping layers as one kernel (tile + m-pixel halo in workgroup memory). */
  fuseMapping?: boolean;
  /** Overrides of the automatic tile choices, for tuning on a real GPU. */
  tuning?: WgslTuning;
  /** Lowers the largest buffer the engine will create (tests of the size check). */
  maxBufferBytes?: number;
  /** Lowers maxComputeWorkgroupsPerDimension (tests of split dispatches). */
  maxWorkgroupsPerDimension?: number;
}

type Slot = "input" | "a" | "b" | "output";

interface Stage {
  source: KernelSource;
  pipeline: GPUComputePipeline;
  weights: GPUBuffer;
  src: Slot;
  dst: Slot;
}

/** Buffers for one batch geometry; they only grow. */
interface Buffers {
  input: GPUBuffer;
  a: GPUBuffer;
  b: GPUBuffer;
  output: GPUBuffer;
  staging: GPUBuffer;
  params: GPUBuffer;
  /** Capacities in bytes, and how many z-chunks `params` has slots for. */
  caps: Record<Slot | "staging", number>;
  paramSlots: number;
  /** bindGroups[stage][chunk]. */
  bindGroups: GPUBindGroup[][];
}

/** Bytes of one params slot binding (slots are minUniformBufferOffsetAlignment apart). */
const PARAM_BYTES = 16;

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

export class WgslEngine implements SrEngine {
  readonly network: NetworkName;
  readonly config: FsrcnnConfig;
  readonly info: EngineInfo;
  /** One line describing the kernels and their tiles, for logs and benchmarks. */
  readonly plan: string;
  readonly #device: GPUDevice;
  readonly #stages: Stage[];
  readonly #f16: boolean;
  readonly #maxBuffer: number;
  readonly #maxPerDim: number;
  readonly #paramAlign: number;
  #buffers: Buffers | null = null;
  /** Geometry the params buffer currently holds. */
  #paramsFor = "";
  #queue: Promise<unknown> = Promise.resolve();
  #busy = false;
  #disposed = false;

  private constructor(
    network: NetworkName,
    config: FsrcnnConfig,
    info: EngineInfo,
    device: GPUDevice,
    stages: Stage[],
    f16: boolean,
    maxBuffer: number,
    maxPerDim: number,
  ) {
    this.network = network;
    this.config = config;
    this.info = info;
    this.#device = device;
    this.#stages = stages;
    this.#f16 = f16;
    this.#maxBuffer = maxBuffer;
    this.#maxPerDim = maxPerDim;
    this.#paramAlign = device.limits.minUniformBufferOffsetAlignment;
    const counts = new Map<string, number>();
    for (const s of stages) {
      counts.set(s.source.description, (counts.get(s.source.description) ?? 0) + 1);
    }
    this.plan = [
      ...[...counts].map(([d, n]) => n > 1 ? `${d} ×${n}` : d),
      f16 ? "f16 activations" : "f32",
    ].join(", ");
  }

  /** Creates the engine on the process-wide WebGPU device (src/net/gpu.ts). */
  static async create(
    weights: NetworkWeights,
    options: WgslEngineOptions = {},
  ): Promise<WgslEngine> {
    const gpu = await getGpu();
    if (!gpu) {
      throw new UsageError(
        "the webgpu-wgsl backend is not available: no WebGPU adapter (install a Vulkan driver, e.g. mesa-vulkan-drivers)",
      );
    }
    const { device } = gpu;
    const f16 = options.f16 ?? false;
    if (f16 && !device.features.has("shader-f16")) {
      throw new UsageError(
        `f16 activations need the WebGPU feature shader-f16, which ${gpu.summary.description} does not offer`,
      );
    }
    const cfg = weights.config;
    const dl = device.limits;
    const lim: KernelLimits = {
      maxComputeWorkgroupStorageSize: dl.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: dl.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: dl.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupSizeY: dl.maxComputeWorkgroupSizeY,
      maxUniformBufferBindingSize: dl.maxUniformBufferBindingSize,
    };
    const act = f16 ? "f16" : "f32";
    const tuning = options.tuning ?? {};
    const common = (blob: Blob): KernelCommon => {
      const bytes = blob.data.byteLength;
      const uniform = tuning.weights === "uniform" ||
        (tuning.weights !== "storage" && bytes <= lim.maxUniformBufferBindingSize);
      if (uniform && bytes > lim.maxUniformBufferBindingSize) {
        throw new Error(`weights of ${bytes} bytes do not fit a uniform buffer on this device`);
      }
      return { act, weightVec4s: blob.data.length / 4, weightsUniform: uniform };
    };

    type Planned = { source: KernelSource; blob: Blob; uniform: boolean; src: Slot; dst: Slot };
    const planned: Planned[] = [];
    const add = (
      blob: Blob,
      make: (c: KernelCommon) => KernelSource,
      src: Slot,
      dst: Slot,
    ) => {
      const c = common(blob);
      planned.push({ source: make(c), blob, uniform: c.weightsUniform, src, dst });
    };
    const head = packHead(weights);
    add(head, (c) => headKernel(cfg, c, head.at, lim, tuning.head), "input", "a");
    let cur: Slot = "a";
    const other = (s: Slot): Slot => s === "a" ? "b" : "a";
    let fused = false;
    if (options.fuseMapping && cfg.m > 0) {
      const blob = packMapping(weights, 0, cfg.m);
      const c = common(blob);
      const source = stackKernel(cfg, c, blob.at, lim, tuning.stack);
      if (source) {
        planned.push({ source, blob, uniform: c.weightsUniform, src: cur, dst: other(cur) });
        cur = other(cur);
        fused = true;
      }
    }
    if (!fused) {
      for (let i = 0; i < cfg.m; i++) {
        const blob = packMapping(weights, i, 1);
        add(blob, (c) => mapKernel(cfg, c, blob.at, lim, tuning.map), cur, other(cur));
        cur = other(cur);
      }
    }
    const tailTile = pickTailTile(cfg, act, lim, tuning.tail);
    const tail = packTail(weights, tailChannels(cfg, tailTile));
    add(tail, (c) => tailKernel(cfg, c, tail.at, tailTile), cur, "output");

    device.pushErrorScope("out-of-memory");
    device.pushErrorScope("validation");
    const stages: Stage[] = [];
    try {
      const modules = new Map<string, GPUShaderModule>();
      for (const p of planned) {
        let module = modules.get(p.source.code);
        if (!module) {
          module = device.createShaderModule({
            label: `fsrcnn-wgsl ${p.source.name}`,
            code: p.source.code,
          });
          modules.set(p.source.code, module);
          const info = await module.getCompilationInfo();
          const errors = info.messages.filter((m) => m.type === "error");
          if (errors.length > 0) {
            throw new Error(
              `WGSL ${p.source.name} kernel does not compile: ${
                errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join("; ")
              }`,
            );
          }
        }
        const pipeline = await device.createComputePipelineAsync({
          label: `fsrcnn-wgsl ${p.source.name}`,
          layout: "auto",
          compute: { module, entryPoint: "main" },
        });
        const wbuf = device.createBuffer({
          label: `fsrcnn-wgsl ${p.source.name} weights`,
          size: p.blob.data.byteLength,
          usage: (p.uniform ? GPUBufferUsage.UNIFORM : GPUBufferUsage.STORAGE) |
            GPUBufferUsage.COPY_DST,
        });
        device.queue.writeBuffer(wbuf, 0, p.blob.data);
        stages.push({ source: p.source, pipeline, weights: wbuf, src: p.src, dst: p.dst });
      }
    } finally {
      const validation = await device.popErrorScope();
      const oom = await device.popErrorScope();
      const err = validation ?? oom;
      if (err) {
        for (const s of stages) s.weights.destroy();
        // deno-lint-ignore no-unsafe-finally
        throw new Error(`webgpu-wgsl engine could not be created: ${err.message}`);
      }
    }
    const maxBuffer = Math.min(
      dl.maxStorageBufferBindingSize,
      dl.maxBufferSize,
      options.maxBufferBytes ?? Infinity,
      // Indices are u32 element counts; keep byte sizes well inside that.
      2 ** 32 - 4,
    );
    const info: EngineInfo = {
      backend: "webgpu-wgsl",
      device: gpu.summary.description,
      fallback: gpu.summary.fallback,
    };
    const maxPerDim = Math.min(
      dl.maxComputeWorkgroupsPerDimension,
      options.maxWorkgroupsPerDimension ?? Infinity,
    );
    return new WgslEngine(weights.network, cfg, info, device, stages, f16, maxBuffer, maxPerDim);
  }

  /** Bytes of GPU memory currently held by per-batch buffers (0 after dispose()). */
  get bufferBytes(): number {
    const b = this.#buffers;
    if (!b) return 0;
    return Object.values(b.caps).reduce((x, y) => x + y, 0) + b.params.size;
  }

  run(batch: PlaneBatch): Promise<PlaneBatch> {
    return this.#serialised(async () => (await this.#runNow(batch, null)).result);
  }

  /**
   * GPU time of each kernel (median over `runs`, in milliseconds, from timestamp queries
   * around one compute pass per stage), for tuning; null without the `timestamp-query`
   * feature. Each stage's time includes its split dispatches; upload and readback are not
   * counted. The output of the batch is computed as by run().
   */
  profile(batch: PlaneBatch, runs = 5): Promise<Array<{ stage: string; ms: number }> | null> {
    return this.#serialised(async () => {
      if (!this.#device.features.has("timestamp-query")) return null;
      const n = 2 * this.#stages.length;
      const dev = this.#device;
      const querySet = dev.createQuerySet({ type: "timestamp", count: n });
      const resolve = dev.createBuffer({
        size: 8 * n,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
      const read = dev.createBuffer({
        size: 8 * n,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      try {
        const samples: number[][] = this.#stages.map(() => []);
        for (let r = 0; r < runs; r++) {
          const { empty } = await this.#runNow(batch, { querySet, resolve, read });
          if (empty) return [];
          await read.mapAsync(GPUMapMode.READ);
          const t = new BigInt64Array(read.getMappedRange().slice(0));
          read.unmap();
          this.#stages.forEach((_, i) => samples[i].push(Number(t[2 * i + 1] - t[2 * i]) / 1e6));
        }
        return this.#stages.map((st, i) => {
          const sorted = samples[i].sort((a, b) => a - b);
          return { stage: st.source.description, ms: sorted[sorted.length >> 1] };
        });
      } finally {
        querySet.destroy();
        resolve.destroy();
        read.destroy();
      }
    });
  }

  /** Runs `job` after every earlier run/profile has finished (they share the buffers). */
  #serialised<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(async () => {
      if (this.#disposed) throw new Error("engine used after dispose()");
      this.#busy = true;
      try {
        return await job();
      } finally {
        this.#busy = false;
        // dispose() during the run leaves the buffers to be released here.
        if (this.#disposed) this.#releaseBuffers();
      }
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async #runNow(
    batch: PlaneBatch,
    timing: { querySet: GPUQuerySet; resolve: GPUBuffer; read: GPUBuffer } | null,
  ): Promise<{ result: PlaneBatch; empty: boolean }> {
    const { count, width, height } = batch;
    for (const [k, v] of Object.entries({ count, width, height })) {
      if (!Number.isInteger(v) || v < (k === "count" ? 0 : 1)) {
        throw new RangeError(`invalid batch ${k} ${v}`);
      }
    }
    const pixels = count * width * height;
    if (batch.data.length !== pixels) {
      throw new RangeError(
        `batch data has ${batch.data.length} values, expected ${count}·${width}·${height}`,
      );
    }
    const s = this.config.scale;
    const out = { count, width: width * s, height: height * s };
    if (count === 0) return { result: { data: new Float32Array(0), ...out }, empty: true };
    for (const st of this.#stages) {
      const tiles = [Math.ceil(width / st.source.tw), Math.ceil(height / st.source.th)];
      if (Math.max(...tiles) > this.#maxPerDim) {
        throw new FsrcnnError(
          `a ${width}x${height} plane is too big for one webgpu-wgsl call (${
            tiles.join("x")
          } workgroups, device limit ${this.#maxPerDim} per dimension); tile it (TiledUpscaler)`,
        );
      }
    }
    const need = {
      input: pixels * 4,
      a: pixels * vec4s(this.config.s) * (this.#f16 ? 8 : 16),
      b: pixels * vec4s(this.config.s) * (this.#f16 ? 8 : 16),
      output: pixels * s * s * 4,
    };
    const biggest = Math.max(...Object.values(need));
    if (biggest > this.#maxBuffer) {
      throw new FsrcnnError(
        `a batch of ${count} ${width}x${height} planes needs a ${biggest}-byte GPU buffer, over this device's limit of ${this.#maxBuffer} bytes; run fewer or smaller planes per call (TiledUpscaler)`,
      );
    }
    const chunks = Math.ceil(count / this.#maxPerDim);
    const b = await this.#ensureBuffers(need, chunks);
    const dev = this.#device;
    const key = `${count}x${width}x${height}`;
    if (this.#paramsFor !== key) {
      const words = new Uint32Array((chunks * this.#paramAlign) / 4);
      for (let k = 0; k < chunks; k++) {
        const z0 = k * this.#maxPerDim;
        words.set(
          [width, height, z0, Math.min(this.#maxPerDim, count - z0)],
          (k * this.#paramAlign) / 4,
        );
      }
      dev.queue.writeBuffer(b.params, 0, words);
      this.#paramsFor = key;
    }
    // Planes come from ordinary (non-shared) ArrayBuffers.
    dev.queue.writeBuffer(b.input, 0, batch.data as Float32Array<ArrayBuffer>);
    const enc = dev.createCommandEncoder({ label: "fsrcnn-wgsl run" });
    // One pass for all stages; with timing, one pass per stage with timestamps around it.
    const passes: GPUComputePassEncoder[] = [];
    this.#stages.forEach((st, i) => {
      if (i === 0 || timing) {
        passes[0]?.end();
        passes[0] = enc.beginComputePass(
          timing
            ? {
              timestampWrites: {
                querySet: timing.querySet,
                beginningOfPassWriteIndex: 2 * i,
                endOfPassWriteIndex: 2 * i + 1,
              },
            }
            : {},
        );
      }
      const pass = passes[0];
      pass.setPipeline(st.pipeline);
      const x = Math.ceil(width / st.source.tw), y = Math.ceil(height / st.source.th);
      for (let k = 0; k < chunks; k++) {
        pass.setBindGroup(0, b.bindGroups[i][k]);
        pass.dispatchWorkgroups(x, y, Math.min(this.#maxPerDim, count - k * this.#maxPerDim));
      }
    });
    passes[0].end();
    enc.copyBufferToBuffer(b.output, 0, b.staging, 0, need.output);
    if (timing) {
      const n = 2 * this.#stages.length;
      enc.resolveQuerySet(timing.querySet, 0, n, timing.resolve, 0);
      enc.copyBufferToBuffer(timing.resolve, 0, timing.read, 0, 8 * n);
    }
    dev.queue.submit([enc.finish()]);
    await b.staging.mapAsync(GPUMapMode.READ, 0, need.output);
    try {
      const data = new Float32Array(b.staging.getMappedRange(0, need.output).slice(0));
      return { result: { data, ...out }, empty: false };
    } finally {
      b.staging.unmap();
    }
  }

  /** Makes sure the per-batch buffers are big enough; re-creates them (all) when not. */
  async #ensureBuffers(need: Record<Slot, number>, chunks: number) {
    const old = this.#buffers;
    if (
      old && old.paramSlots >= chunks &&
      (Object.keys(need) as Slot[]).every((k) => old.caps[k] >= need[k])
    ) {
      return old;
    }
    this.#releaseBuffers();
    const dev = this.#device;
    const caps = {} as Buffers["caps"];
    for (const k of Object.keys(need) as Slot[]) {
      // Keep the larger of the old and new size of each buffer, so alternating sizes settle.
      caps[k] = Math.min(roundUp(Math.max(need[k], old?.caps[k] ?? 0), 256), this.#maxBuffer);
      caps[k] = Math.max(caps[k], need[k]);
    }
    caps.staging = caps.output;
    const paramSlots = Math.max(chunks, old?.paramSlots ?? 1);
    dev.pushErrorScope("out-of-memory");
    dev.pushErrorScope("validation");
    const S = GPUBufferUsage;
    const make = (label: string, size: number, usage: number) =>
      dev.createBuffer({ label: `fsrcnn-wgsl ${label}`, size: roundUp(size, 16), usage });
    const created: GPUBuffer[] = [];
    const keep = (buf: GPUBuffer) => (created.push(buf), buf);
    const input = keep(make("input", caps.input, S.STORAGE | S.COPY_DST));
    const a = keep(make("act a", caps.a, S.STORAGE));
    const b = keep(make("act b", caps.b, S.STORAGE));
    const output = keep(make("output", caps.output, S.STORAGE | S.COPY_SRC));
    const staging = keep(make("staging", caps.staging, S.MAP_READ | S.COPY_DST));
    const params = keep(make("params", paramSlots * this.#paramAlign, S.UNIFORM | S.COPY_DST));
    const slots: Record<Slot, GPUBuffer> = { input, a, b, output };
    const bindGroups = this.#stages.map((st) => {
      const groups: GPUBindGroup[] = [];
      for (let k = 0; k < paramSlots; k++) {
        groups.push(dev.createBindGroup({
          label: `fsrcnn-wgsl ${st.source.name}`,
          layout: st.pipeline.getBindGroupLayout(0),
          entries: [
            {
              binding: 0,
              resource: { buffer: params, offset: k * this.#paramAlign, size: PARAM_BYTES },
            },
            { binding: 1, resource: { buffer: st.weights } },
            { binding: 2, resource: { buffer: slots[st.src] } },
            { binding: 3, resource: { buffer: slots[st.dst] } },
          ],
        }));
      }
      return groups;
    });
    const validation = await dev.popErrorScope();
    const oom = await dev.popErrorScope();
    if (validation || oom) {
      for (const buf of created) buf.destroy();
      throw new FsrcnnError(
        `webgpu-wgsl could not allocate its buffers: ${(validation ?? oom)!.message}`,
      );
    }
    this.#paramsFor = "";
    this.#buffers = { input, a, b, output, staging, params, caps, paramSlots, bindGroups };
    return this.#buffers;
  }

  #releaseBuffers(): void {
    const b = this.#buffers;
    if (!b) return;
    for (const buf of [b.input, b.a, b.b, b.output, b.staging, b.params]) buf.destroy();
    this.#buffers = null;
    this.#paramsFor = "";
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.#busy) this.#releaseBuffers();
    for (const s of this.#stages) s.weights.destroy();
  }
}
