/**
 * The training loop: Adam on patches from the training pairs, the learning rate decaying
 * along a cosine to 1% over `steps`, validation on a held-out set with the `eval` protocol
 * (so the PSNR printed here is the one `eval` reports), the best weights written to `out`,
 * and checkpoints every few minutes and on cancellation, from which `resume` continues
 * exactly (same batches, same optimiser state).
 */
import { CancelledError, OptionError } from "../core/errors.ts";
import { modelMethod } from "../eval/model_method.ts";
import { isFile } from "../core/fs.ts";
import { type NamedImage, scoreImages } from "../eval/protocol.ts";
import { type FsrcnnConfig, fsrcnnConfig } from "../net/fsrcnn/config.ts";
import { createEngineFor } from "../net/create.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import { cloneWeights, type FsrcnnWeights, initWeights, saveWeights } from "../net/weights/file.ts";
import { withChannels, withMappingLayers } from "./grow.ts";
import { bicubicStart } from "./bicubic_start.ts";
import { Rng } from "../core/random.ts";
import { Adam } from "./adam.ts";
import { type Checkpoint, saveCheckpoint, type TrainProgress } from "./checkpoint.ts";
import { PatchSampler, type TrainPair } from "./data.ts";
import type { DegradationName } from "../eval/degradations/registry.ts";
import { scoreLuma } from "../eval/protocol.ts";
import type { GradientStep } from "./step.ts";
import type { TfjsBackendName } from "../net/tfjs/runtime.ts";

/** Everything that defines a run (recorded in checkpoints and the weights' metadata). */
export interface TrainSettings {
  /** Upscaling factor: 2, 3 or 4. */
  scale: number;
  /** Feature channels (paper: 56). */
  d: number;
  /** Shrunk channels (paper: 12). */
  s: number;
  /** Mapping layers (paper: 4). */
  m: number;
  /** Total optimisation steps of the run (the schedule's length). */
  steps: number;
  /** Patches per optimisation step. */
  batch: number;
  /** LR patch side. */
  patch: number;
  /** Peak learning rate of the convolutions. */
  lr: number;
  /** Peak learning rate of the last (deconvolution) layer. */
  lastLr: number;
  /** Seed of initialisation, patch sampling and augmentation. */
  seed: number;
  /** Steps between validations. */
  validateEvery: number;
  /**
   * How LR inputs are made: absent, the literature's MATLAB bicubic (weights for the paper's
   * protocol); otherwise the `eval --degradations` suite's degradations, every image under each
   * (weights for video).
   */
  degradations?: DegradationName[];
  /** x264 CRFs used in turn after the ffmpeg degradations (none: no codec round trip). */
  crfs?: number[];
  /**
   * Fraction of patches whose levels are remapped (see remapLevels in data.ts), so that flat
   * areas keep their level across the whole code range. Absent (runs recorded before it): none.
   */
  levels?: number;
  /**
   * With `crfs`: the fraction of training pairs whose LR is a predicted (P or B) frame of a
   * short clip panning over the image rather than the picture coded alone (see
   * buildDegradedPairs). Absent (runs recorded before it): none.
   */
  inter?: number;
  /**
   * Synthetic line-art pictures (see line_art.ts) added to the training images, never to the
   * validation ones: animation, drawings, titles and screen content, which photographs lack.
   * Drawn from `seed`. Absent (runs recorded before it): none.
   */
  lineArt?: number;
  /**
   * How a run from scratch started: with bicubic upscaling built into one channel of the
   * reference's random weights (`bicubic`, see bicubic_start.ts; what `train` does by default)
   * or with the random weights alone (`reference`, also what a run recorded without this field
   * did). Absent for runs that started from given weights.
   */
  init?: TrainInit;
}

/**
 * A starting point of a run from scratch: the reference's random weights with bicubic upscaling
 * built into one channel, or those weights alone.
 */
export type TrainInit = "bicubic" | "reference";
/** Every {@link TrainInit}. */
export const TRAIN_INITS: readonly TrainInit[] = ["bicubic", "reference"];

/** The settings a run takes where it does not give them: FSRCNN(56, 12, 4) and its recipe. */
export const DEFAULT_SETTINGS: Required<
  Omit<TrainSettings, "scale" | "degradations" | "crfs" | "init">
> = {
  d: 56,
  s: 12,
  m: 4,
  steps: 400_000,
  batch: 8,
  patch: 24,
  lr: 1e-3,
  lastLr: 1e-4,
  seed: 1,
  validateEvery: 10_000,
  levels: 0.25,
  inter: 0.75,
  lineArt: 0,
};

/** Minutes between checkpoints when the run does not say. */
export const DEFAULT_CHECKPOINT_MINUTES = 5;

/** One line of progress for the caller to print. */
export interface TrainReport {
  /** Steps done so far. */
  step: number;
  /** Total steps of the schedule. */
  steps: number;
  /** Seconds of training so far, over every invocation of the run (validation included). */
  seconds: number;
  /** Mean loss since the last report. */
  loss: number;
  /** Training throughput since the last report. */
  patchesPerSecond: number;
  /** Current learning rate of the convolutions. */
  learningRate: number;
  /** Last validation PSNR (dB), if any yet. */
  psnr?: number;
  /** Best validation PSNR so far (dB). */
  bestPsnr?: number;
  /** Why this report was made. */
  event: "progress" | "validation" | "checkpoint";
}

export interface TrainRun {
  settings: TrainSettings;
  /** Training pairs (see data.ts and degraded_data.ts). */
  train: TrainPair[];
  /**
   * Validation, held out of training and never a test set: HR images scored with the `eval`
   * protocol, or ready (LR, HR) pairs made the way the training pairs are.
   */
  validation: readonly NamedImage[] | readonly TrainPair[];
  /**
   * What the validation images are (a folder, or the names held out). A resumed run that
   * validates on other images starts its "best" afresh: PSNRs of different sets do not compare.
   */
  validationSet: string;
  /** Where the best weights go. */
  out: string;
  /** Where checkpoints go. */
  checkpointPath: string;
  /** Start from these weights (fine-tuning); the last layer is re-initialised if scales differ. */
  from?: FsrcnnWeights;
  /** Continue this checkpoint instead of starting. */
  resume?: Checkpoint;
  /** On resume: a new total step count (lengthens or shortens the schedule). */
  resumeSteps?: number;
  /** Minutes between checkpoints (default 5). */
  checkpointMinutes?: number;
  threads?: number;
  /**
   * Where gradients are computed: `onnx` (onnxruntime's native CPU library, the fast CPU
   * path) or a tfjs backend (`webgpu` on a real GPU, `wasm`, `cpu`). Default onnx.
   */
  backend?: TrainBackend;
  /** Extra provenance for the weights' metadata (data folders, machine). */
  provenance?: Record<string, string>;
  signal?: AbortSignal;
  onReport?: (r: TrainReport) => void;
  /** Stop after this many seconds of this invocation (the run can be resumed). */
  maxSeconds?: number;
  /** Stop after this many steps of this invocation (the run can be resumed). */
  maxSteps?: number;
}

/** Learning rate at `step` for a peak `base`: cosine from base down to base/100. */
export function learningRate(base: number, step: number, steps: number): number {
  const t = Math.min(1, step / steps);
  return base * (0.01 + 0.99 * 0.5 * (1 + Math.cos(Math.PI * t)));
}

function startingWeights(
  cfg: FsrcnnConfig,
  seed: number,
  init: TrainInit,
  from?: FsrcnnWeights,
): FsrcnnWeights {
  const w = initWeights(cfg, seed);
  if (!from) return init === "bicubic" ? bicubicStart(w) : w;
  // A smaller network than this run trains: add channels and identity layers that keep its
  // function, so training starts where it ended.
  const f = from.config;
  if (f.d <= cfg.d && f.s <= cfg.s && f.m <= cfg.m) {
    if (f.d < cfg.d || f.s < cfg.s) from = withChannels(from, { d: cfg.d, s: cfg.s }, seed);
    if (f.m < cfg.m) from = withMappingLayers(from, cfg.m);
  }
  const { d, s, m } = from.config;
  if (d !== cfg.d || s !== cfg.s || m !== cfg.m) {
    throw new OptionError(
      "from",
      `weights have d=${d}, s=${s}, m=${m}; this run trains d=${cfg.d}, s=${cfg.s}, m=${cfg.m}`,
    );
  }
  for (const [name, v] of from.params) {
    // The feature layers carry over between scales; the deconvolution is scale-specific.
    if (name.startsWith("NN2") && from.config.scale !== cfg.scale) continue;
    w.params.set(name, new Float32Array(v));
  }
  return w;
}

/** Where training computes gradients: onnxruntime's CPU library or a tfjs backend. */
export type TrainBackend = "onnx" | TfjsBackendName;

/** The gradient computation for a backend. */
export async function createGradientStep(
  cfg: FsrcnnConfig,
  backend: TrainBackend,
  threads?: number,
): Promise<GradientStep> {
  if (backend === "onnx") {
    // Loaded on demand, like every use of onnxruntime's native library.
    const { OnnxGradientStep } = await import("./onnx_step.ts");
    return await OnnxGradientStep.create(cfg, threads);
  }
  const { TfjsGradientStep } = await import("./tfjs_step.ts");
  return await TfjsGradientStep.create(cfg, backend);
}

/**
 * Scores weights on validation images with the eval protocol, or on (LR, HR) pairs scored the
 * same way (SR rounded, `scale` pixels shaved); the mean Y-PSNR in dB.
 */
export async function validate(
  weights: FsrcnnWeights,
  validation: readonly NamedImage[] | readonly TrainPair[],
  threads?: number,
): Promise<number> {
  const engine = await createEngineFor(weights, "onnx", { threads });
  const scale = weights.config.scale;
  try {
    const upscaler = new TiledUpscaler(engine);
    let sum = 0;
    for (const item of validation) {
      if ("image" in item) {
        sum += (await scoreImages([item], scale, modelMethod(upscaler))).meanPsnr;
      } else {
        const [sr] = await upscaler.upscale([item.lr]);
        const to255 = (p: { width: number; height: number; data: Float32Array }) => ({
          width: p.width,
          height: p.height,
          data: p.data.map((v) => v * 255),
        });
        sum += scoreLuma(to255(sr), to255(item.hr), scale).psnr;
      }
    }
    return sum / validation.length;
  } finally {
    engine.dispose();
  }
}

/** Runs (or resumes) training; resolves with the final progress. */
export async function train(run: TrainRun): Promise<TrainProgress> {
  const st: TrainSettings = run.resume
    ? { ...(run.resume.options as unknown as TrainSettings) }
    : run.settings;
  if (run.resume && run.resumeSteps !== undefined) st.steps = run.resumeSteps;
  const cfg = fsrcnnConfig(st.scale, { d: st.d, s: st.s, m: st.m });
  const weights = run.resume
    ? run.resume.weights
    : startingWeights(cfg, st.seed, st.init ?? "reference", run.from);
  const params = weights.params;
  const adam = new Adam(params, {}, run.resume?.adam);
  const rng = run.resume ? new Rng(run.resume.rngState) : new Rng(st.seed);
  const progress: TrainProgress = run.resume ? { ...run.resume.progress } : {
    step: 0,
    seconds: 0,
    patches: 0,
    bestPsnr: -Infinity,
    bestStep: 0,
    history: [],
  };
  if (run.resume && progress.validationSet !== run.validationSet) {
    // Scores on another validation set say nothing about which weights are better here.
    progress.bestPsnr = -Infinity;
    progress.bestStep = 0;
    progress.history = [];
  }
  progress.validationSet = run.validationSet;
  if (run.resume && !(await isFile(run.out))) {
    // The best weights of the run being continued are not at this --out (a new name, or the
    // checkpoint was moved), so "best" restarts: --out must only ever hold weights it names.
    progress.bestPsnr = -Infinity;
    progress.bestStep = 0;
  }
  const sampler = new PatchSampler(run.train, cfg.scale, st.patch, st.levels ?? 0);
  const step = await createGradientStep(cfg, run.backend ?? "onnx", run.threads);
  const checkpointMs = (run.checkpointMinutes ?? DEFAULT_CHECKPOINT_MINUTES) * 60_000;
  const started = performance.now();
  const firstStep = progress.step;
  let lastCheckpoint = started;
  let lastReport = started;
  let lossSum = 0, lossCount = 0, patchesSinceReport = 0;
  let lastPsnr = progress.history.at(-1)?.[1];

  const metadata = (): Record<string, string> => ({
    ...run.provenance,
    trained_by: "fsrcnn-deno train",
    train_steps: String(progress.step),
    train_patches: String(progress.patches),
    train_seconds: String(Math.round(progress.seconds)),
    train_settings: JSON.stringify(st),
    validation_psnr: lastPsnr === undefined ? "" : lastPsnr.toFixed(4),
  });
  const elapsed = () => (performance.now() - started) / 1000;
  const baseSeconds = progress.seconds;
  const checkpoint = async () => {
    progress.seconds = baseSeconds + elapsed();
    weights.metadata = metadata();
    await saveCheckpoint(run.checkpointPath, {
      weights,
      adam: adam.state,
      rngState: rng.state(),
      progress,
      options: st as unknown as Record<string, unknown>,
    });
    lastCheckpoint = performance.now();
  };
  const report = (event: TrainReport["event"]) => {
    const now = performance.now();
    run.onReport?.({
      step: progress.step,
      steps: st.steps,
      seconds: baseSeconds + elapsed(),
      loss: lossCount ? lossSum / lossCount : NaN,
      patchesPerSecond: patchesSinceReport / Math.max(1e-9, (now - lastReport) / 1000),
      learningRate: learningRate(st.lr, progress.step, st.steps),
      psnr: lastPsnr,
      bestPsnr: Number.isFinite(progress.bestPsnr) ? progress.bestPsnr : undefined,
      event,
    });
    if (event === "progress") {
      lossSum = lossCount = patchesSinceReport = 0;
      lastReport = now;
    }
  };
  const validateNow = async () => {
    lastPsnr = await validate(weights, run.validation, run.threads);
    progress.history.push([progress.step, lastPsnr]);
    if (lastPsnr > progress.bestPsnr) {
      progress.bestPsnr = lastPsnr;
      progress.bestStep = progress.step;
      progress.seconds = baseSeconds + elapsed();
      const best = cloneWeights(weights);
      best.metadata = metadata();
      await saveWeights(run.out, best);
    }
    report("validation");
  };

  try {
    while (progress.step < st.steps) {
      if (run.signal?.aborted) throw new CancelledError();
      if (run.maxSeconds !== undefined && elapsed() >= run.maxSeconds) break;
      if (run.maxSteps !== undefined && progress.step - firstStep >= run.maxSteps) break;
      const batch = sampler.sample(rng, st.batch);
      const { loss, grads } = await step.run(params, batch);
      if (!Number.isFinite(loss)) throw new Error(`loss became ${loss} at step ${progress.step}`);
      const rate = learningRate(st.lr, progress.step, st.steps);
      const lastRate = learningRate(st.lastLr, progress.step, st.steps);
      adam.update(params, grads, (name) => name.startsWith("NN2") ? lastRate : rate);
      progress.step++;
      progress.patches += st.batch;
      lossSum += loss;
      lossCount++;
      patchesSinceReport += st.batch;
      if (performance.now() - lastReport > 10_000) report("progress");
      if (progress.step % st.validateEvery === 0 || progress.step === st.steps) await validateNow();
      if (performance.now() - lastCheckpoint > checkpointMs) {
        await checkpoint();
        report("checkpoint");
      }
    }
    // Stopped before any validation improved (e.g. a short --max-steps on a resumed run):
    // validate now so that --out holds this run's weights, as the summary says.
    if (!(await isFile(run.out))) await validateNow();
  } finally {
    // Cancelled, failed or done: keep what was learnt.
    await checkpoint();
    step.dispose();
  }
  return progress;
}
