/**
 * `bench`: frames per second of FSRCNN per backend, input size, scale and batch — the model
 * alone (a plane already in memory → result read back) and end to end (decode → SR → encode
 * of generated media). Warm-up runs are excluded; each cell repeats until its time budget.
 */
import { CancelledError, UsageError } from "../core/errors.ts";
import type { NetConfig } from "../net/arch.ts";
import { architectureOf, networkConfig, type NetworkName } from "../net/networks.ts";
import {
  checkThreads,
  createEngine,
  createEngineFor,
  REFERENCE_TOLERANCE,
  referenceDifference,
} from "../net/create.ts";
import { autoBackends, BACKEND_NAMES, type BackendName, backendSpec } from "../net/backends.ts";
import type { SrEngine } from "../net/engine.ts";
import { getGpu } from "../net/gpu.ts";
import { checkTile, TiledUpscaler } from "../net/tiling/tiled.ts";
import { type FsrcnnWeights, initWeights, loadWeights } from "../net/weights/file.ts";
import { Rng } from "../core/random.ts";
import { describeDevice, type DeviceReport } from "./device.ts";
import { type CellMemory, type MemoryMethod, memoryMethod, watchMemory } from "./memory.ts";
import { type SgemmPeak, sgemmPeak } from "./peak.ts";
import { summarise, type Summary } from "./stats.ts";

/** What a cell times: the network alone (`model`) or decode → SR → encode (`e2e`). */
export type BenchMode = "model" | "e2e";

/**
 * A backend to time: a name, `auto` (the one upscaling picks by default here) or `all` (every
 * one available here but those `auto` never picks, such as `cpu`).
 */
export type BenchBackend = BackendName | "auto" | "all";

/**
 * What {@link benchmark} measures: one cell per scale × backend × size × batch (× mode). Every
 * field is optional.
 */
export interface BenchOptions {
  /**
   * `model` (the network alone: a plane in memory → result read back), `e2e` (decode → SR →
   * encode of generated media) or `both`; default `model`.
   */
  mode?: BenchMode | "both";
  /** LR input sizes in pixels, e.g. [[480, 270]]; default 480x270, 960x540 and 1920x1080. */
  sizes?: Array<[number, number]>;
  /** Upscaling factors (2, 3, 4); default [2]. */
  scales?: number[];
  /**
   * Backends to time; default ["auto"]: the one backend upscaling would use. A WebGPU backend
   * on a software adapter (lavapipe, llvmpipe, SwiftShader: seconds per frame) is timed only
   * when named; `all` reports it as skipped.
   */
  backends?: BenchBackend[];
  /** Frames per engine call to try; default [1]. */
  batches?: number[];
  /** Window side in LR pixels for the tiler; default: what its memory budget fits. */
  tile?: number;
  /** Seconds of timed runs per cell (after warm-up; at least 3 runs); default 3. */
  seconds?: number;
  /** Untimed runs before each model cell; default 2 (e2e cells have none). */
  warmup?: number;
  /** Frames of generated media for e2e cells; default 30. */
  e2eFrames?: number;
  /**
   * Weights file to time; default: fresh weights of each of `networks`. For a scale it is not
   * trained for, a network of the same shape is timed (timing does not depend on the values).
   */
  weights?: string;
  /**
   * The networks to time, side by side, with fresh weights (timing does not depend on the
   * values); default `fsrcnn`. Not with `weights`, whose file names its network.
   */
  networks?: NetworkName[];
  /** CPU threads for the onnx backend; default: every core. */
  threads?: number;
  /** ffmpeg binary for e2e cells and the version report; default as for upscaling. */
  ffmpeg?: string;
  /** Aborting stops between timed runs with a CancelledError. */
  signal?: AbortSignal;
  /**
   * Seconds to measure the CPU's SGEMM peak (src/bench/peak.ts) before the CPU backends' cells,
   * on as many threads as onnx runs; 0 skips it. Default 2.
   */
  peakSeconds?: number;
  /** Called once, before the first cell is measured, with what the cells will run on. */
  onStart?: (start: BenchStart) => void;
  /** Called with each cell as soon as it is measured (or skipped). */
  onCell?: (cell: BenchCell) => void;
  /**
   * Runs one e2e measurement and says how many frames it made in how many seconds; injected so
   * that this module does not depend on the pipeline. {@link benchmark} supplies one.
   */
  e2e?: (o: E2eRequest) => Promise<{ frames: number; seconds: number }>;
}

/** What {@link runBench} measures where its options leave a field out. */
export const BENCH_DEFAULTS = {
  mode: "model",
  sizes: [[480, 270], [960, 540], [1920, 1080]],
  scales: [2],
  backends: ["auto"],
  batches: [1],
  seconds: 3,
  warmup: 2,
  peakSeconds: 2,
  e2eFrames: 30,
} as const satisfies BenchOptions;

/** One timed end-to-end run that {@link BenchOptions.e2e} performs. */
export interface E2eRequest {
  /** Width of the generated LR clip in pixels. */
  width: number;
  /** Height of the generated LR clip in pixels. */
  height: number;
  /** Frames in the generated clip. */
  frames: number;
  /** The engine to run (owned by the benchmark: do not dispose it). */
  engine: SrEngine;
  /** Window side in LR pixels; default: the tiler's. */
  tile?: number;
  /** Frames per engine call. */
  batch: number;
  /** ffmpeg binary, as in {@link BenchOptions.ffmpeg}. */
  ffmpeg?: string;
  /** Cancels the run. */
  signal?: AbortSignal;
}

/** One measurement: a mode, backend, input size, scale and batch, and how fast it ran. */
export interface BenchCell {
  /** What was timed: the network alone (`model`) or decode → SR → encode (`e2e`). */
  mode: BenchMode;
  /** The network timed. */
  network: NetworkName;
  /** The backend timed. */
  backend: BackendName;
  /** The engine's device description (the backend name for a skipped cell). */
  device: string;
  /** True on a software fallback adapter: a correctness check, not a speed figure. */
  fallback: boolean;
  /** LR input width in pixels. */
  width: number;
  /** LR input height in pixels. */
  height: number;
  /** Upscaling factor. */
  scale: number;
  /** Frames per engine call. */
  batch: number;
  /** Window side in LR pixels, or null for the tiler's default. */
  tile: number | null;
  /** Output width in pixels. */
  outWidth: number;
  /** Output height in pixels. */
  outHeight: number;
  /** Milliseconds per frame over the timed runs: median, 10th and 90th percentiles, min, runs. */
  msPerFrame: Summary;
  /** Frames per second, from the median milliseconds per frame. */
  fps: number;
  /** Output megapixels per second. */
  megapixelsPerSecond: number;
  /** Network multiply-accumulates achieved, in billions per second (meaningful in model mode). */
  gmacPerSecond: number;
  /**
   * `gmacPerSecond` as a share (0..1) of the report's SGEMM peak: for model cells of CPU
   * backends when the peak was measured, else null.
   */
  peakShare: number | null;
  /** Resident memory of this process when the cell started (MiB). */
  startRssMiB: number;
  /**
   * Highest resident memory of this process during this cell alone (MiB; not counting the
   * ffmpeg processes of e2e cells); {@link BenchReport.memory} says how it was found.
   */
  peakRssMiB: number;
  /** Set when the cell was skipped (e.g. a WebGPU result disagreed with the reference). */
  skipped?: string;
}

/** A network a benchmark times. */
export interface BenchNetwork {
  /** Its name in the registry (src/net/networks.ts). */
  name: NetworkName;
  /** Its hyperparameters (of the first scale, when several), e.g. `{ d: 56, s: 12, m: 4 }`. */
  shape: Record<string, number>;
  /** Multiply-accumulates per input pixel of one forward pass. */
  macsPerPixel: number;
}

/** What a benchmark runs on, known before its first cell. */
export interface BenchStart {
  /** The machine: CPU, GPU adapter, OS, and the versions of Deno, tfjs, onnxruntime, ffmpeg. */
  device: DeviceReport;
  /**
   * The CPU's fp32 SGEMM peak measured at the start (on onnx's thread count), or null when it
   * was skipped, no CPU backend ran, or onnxruntime is not installed.
   */
  peak: SgemmPeak | null;
  /** The networks timed, in the order of the cells. */
  networks: BenchNetwork[];
  /** The backends the cells run, in order (`auto` and `all` resolved). */
  backends: BackendName[];
  /**
   * How {@link BenchCell.peakRssMiB} is found: the kernel's high-water mark, reset at each
   * cell's start (Linux), or the largest resident size sampled after each run.
   */
  memory: MemoryMethod;
}

/** Everything {@link benchmark} measured, and on what. */
export interface BenchReport extends BenchStart {
  /** The measurements, in the order they were made. */
  cells: BenchCell[];
}

/** Backends usable on this machine (webgpu only with an adapter). */
async function availableBackends(): Promise<BackendName[]> {
  const gpu = await getGpu();
  return BACKEND_NAMES.filter((b) => !backendSpec(b).gpu || gpu !== null);
}

/**
 * The backends to time, each once, in the order asked: `auto` is the backend
 * {@link createEngine} picks (so the default times what upscaling would run), `all` every
 * available one that `auto` may pick.
 *
 * @throws {UsageError} A named backend is not available here.
 */
async function resolveBackends(
  wanted: readonly BenchBackend[],
  weights: FsrcnnWeights,
  threads: number | undefined,
): Promise<BackendName[]> {
  const available = await availableBackends();
  const backends: BackendName[] = [];
  for (const b of wanted) {
    if (b === "auto") {
      const engine = await createEngine(weights, { backend: "auto", threads });
      backends.push(engine.info.backend);
      engine.dispose();
    } else if (b === "all") {
      backends.push(...autoBackends().filter((x) => available.includes(x)));
    } else if (!available.includes(b)) {
      throw new UsageError(`backend ${b} is not available on this machine`);
    } else {
      backends.push(b);
    }
  }
  return [...new Set(backends)];
}

/**
 * Why a backend is not timed unless it was named: a WebGPU backend on a software adapter takes
 * seconds to minutes per frame, which says nothing about speed. Null when it is timed.
 */
async function softwareSkip(
  backend: BackendName,
  wanted: readonly BenchBackend[],
): Promise<string | null> {
  const gpu = await getGpu();
  if (!backendSpec(backend).gpu || !gpu?.summary.fallback || wanted.includes(backend)) return null;
  return `software adapter (${gpu.summary.description}): timed only when named`;
}

/** Weights for a scale: the given file's, or a fresh initialisation of `network`. */
async function weightsFor(
  scale: number,
  network: NetworkName,
  path?: string,
): Promise<FsrcnnWeights> {
  if (!path) return initWeights(networkConfig(network, scale), 1, network);
  const w = await loadWeights(path);
  if (w.config.scale === scale) return w;
  // Timing does not depend on values: reuse the shape with this scale's last layer.
  return initWeights(networkConfig(w.network, scale, w.config), 1, w.network);
}

async function timeCell(
  run: () => Promise<number>,
  seconds: number,
  warmup: number,
  signal?: AbortSignal,
): Promise<{ samples: number[]; memory: CellMemory }> {
  const memory = watchMemory();
  for (let i = 0; i < warmup; i++) {
    await run();
    memory.sample();
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 3 || performance.now() - start < seconds * 1000) {
    if (signal?.aborted) throw new CancelledError();
    samples.push(await run());
    memory.sample();
  }
  return { samples, memory: memory.end() };
}

function cellFrom(
  base: Omit<
    BenchCell,
    | "msPerFrame"
    | "fps"
    | "megapixelsPerSecond"
    | "gmacPerSecond"
    | "peakShare"
    | "startRssMiB"
    | "peakRssMiB"
  >,
  cfg: NetConfig,
  msPerFrame: number[],
  memory: CellMemory,
  sgemm: SgemmPeak | null,
): BenchCell {
  const ms = summarise(msPerFrame);
  const fps = 1000 / ms.median;
  const macs = architectureOf(base.network).macsPerPixel(cfg) * base.width * base.height;
  const gmacPerSecond = (fps * macs) / 1e9;
  const onCpu = !backendSpec(base.backend).gpu;
  return {
    ...base,
    msPerFrame: ms,
    fps,
    megapixelsPerSecond: (fps * base.outWidth * base.outHeight) / 1e6,
    gmacPerSecond,
    peakShare: sgemm && onCpu && base.mode === "model" ? gmacPerSecond / sgemm.gmacPerSecond : null,
    startRssMiB: memory.startMiB,
    peakRssMiB: memory.peakMiB,
  };
}

/** The SGEMM peak, where a CPU backend is timed and onnxruntime is there to measure it. */
async function measurePeak(
  backends: BackendName[],
  threads: number,
  seconds: number,
): Promise<SgemmPeak | null> {
  if (seconds <= 0 || backends.every((b) => backendSpec(b).gpu)) return null;
  try {
    return await sgemmPeak(threads, seconds);
  } catch {
    return null; // onnxruntime-node is optional: the cells still stand without their share
  }
}

/** Runs the benchmark grid. */
export async function runBench(o: BenchOptions = {}): Promise<BenchReport> {
  const d = BENCH_DEFAULTS;
  const mode = o.mode ?? d.mode;
  const sizes = o.sizes ?? d.sizes;
  const scales = o.scales ?? d.scales;
  const batches = o.batches ?? d.batches;
  const seconds = o.seconds ?? d.seconds;
  const warmup = o.warmup ?? d.warmup;
  const wanted = o.backends ?? d.backends;
  // Everything a cell could refuse is checked before the table starts.
  checkThreads(o.threads);
  if (o.weights !== undefined && o.networks !== undefined) {
    throw new UsageError("a weights file names the network it times: give weights or networks");
  }
  // The grid's outer loop: each network at each scale.
  const runs: Array<{ scale: number; weights: FsrcnnWeights }> = [];
  for (const network of o.networks ?? ["fsrcnn"]) {
    for (const scale of scales) {
      const weights = await weightsFor(scale, network, o.weights);
      if (o.tile !== undefined) checkTile(weights.network, weights.config, o.tile);
      runs.push({ scale, weights });
    }
  }
  const first = runs[0].weights;
  const backends = await resolveBackends(wanted, first, o.threads);
  const device = await describeDevice(o.ffmpeg);
  const sgemm = await measurePeak(
    backends,
    o.threads ?? navigator.hardwareConcurrency,
    o.peakSeconds ?? d.peakSeconds,
  );
  const start: BenchStart = {
    device,
    peak: sgemm,
    networks: [...new Map(runs.map(({ weights: w }) => [w.network, w])).values()].map((w) => {
      const arch = architectureOf(w.network);
      return {
        name: w.network,
        shape: Object.fromEntries(arch.hyperparameters.map((k) => [k, w.config[k]])),
        macsPerPixel: arch.macsPerPixel(w.config),
      };
    }),
    backends,
    memory: memoryMethod(),
  };
  o.onStart?.(start);
  const cells: BenchCell[] = [];
  const emit = (c: BenchCell) => {
    cells.push(c);
    o.onCell?.(c);
  };
  for (const { scale, weights } of runs) {
    for (const backend of backends) {
      let skipped = await softwareSkip(backend, wanted);
      let engine: SrEngine | null = null;
      try {
        if (!skipped) engine = await createEngineFor(weights, backend, { threads: o.threads });
        // WebGPU drivers and shader compilers have been wrong before: check the result on a
        // small plane before timing anything on it.
        const diff = engine && backendSpec(backend).gpu
          ? await referenceDifference(engine, weights)
          : 0;
        if (engine && diff > REFERENCE_TOLERANCE) {
          skipped = `${backend} result differs from the reference by ${diff.toExponential(2)}`;
          engine.dispose();
          engine = null;
        }
        for (const [width, height] of sizes) {
          for (const batch of batches) {
            const base = {
              network: weights.network,
              backend,
              device: engine?.info.device ?? backend,
              fallback: engine?.info.fallback ??
                (backendSpec(backend).gpu && start.device.gpu?.fallback === true),
              width,
              height,
              scale,
              batch,
              tile: o.tile ?? null,
              outWidth: width * scale,
              outHeight: height * scale,
            };
            if (skipped) {
              const none = { startMiB: 0, peakMiB: 0 };
              emit({
                ...cellFrom({ ...base, mode: "model" }, weights.config, [NaN], none, null),
                skipped,
              });
              continue;
            }
            if (engine && mode !== "e2e") {
              const tiler = new TiledUpscaler(engine, { tile: o.tile });
              const rng = new Rng(width * 7 + height);
              const plane = new Float32Array(width * height).map(() => rng.uniform());
              const planes = Array.from({ length: batch }, () => ({ data: plane, width, height }));
              const { samples, memory } = await timeCell(
                async () => {
                  const t0 = performance.now();
                  await tiler.upscale(planes);
                  return (performance.now() - t0) / batch;
                },
                seconds,
                warmup,
                o.signal,
              );
              emit(cellFrom({ ...base, mode: "model" }, weights.config, samples, memory, sgemm));
            }
            if (engine && mode !== "model" && o.e2e) {
              const frames = o.e2eFrames ?? d.e2eFrames;
              const e2e = o.e2e;
              const { samples, memory } = await timeCell(
                async () => {
                  const r = await e2e({
                    width,
                    height,
                    frames,
                    engine: engine!,
                    tile: o.tile,
                    batch,
                    ffmpeg: o.ffmpeg,
                    signal: o.signal,
                  });
                  return (r.seconds * 1000) / r.frames;
                },
                seconds,
                0,
                o.signal,
              );
              emit(cellFrom({ ...base, mode: "e2e" }, weights.config, samples, memory, sgemm));
            }
          }
        }
      } finally {
        engine?.dispose();
      }
    }
  }
  return { ...start, cells };
}
