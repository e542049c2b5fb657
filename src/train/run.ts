/**
 * Training from folders: loads the HR images, the validation set and any starting weights
 * or checkpoint, then runs the loop (trainer.ts).
 */
import { OptionError, UsageError } from "../core/errors.ts";
import { loadDataset } from "../eval/dataset.ts";
import type { NamedImage } from "../eval/protocol.ts";
import { tools } from "../media/ffmpeg/resolve.ts";
import { checkScale } from "../net/arch.ts";
import { FSRCNN } from "../net/fsrcnn/architecture.ts";
import { type NetworkName, NETWORKS } from "../net/networks.ts";
import { checkThreads } from "../net/create.ts";
import { loadWeights } from "../net/weights/file.ts";
import { loadCheckpoint, type TrainProgress } from "./checkpoint.ts";
import {
  FOOTAGE_VALIDATION_CLIPS,
  isFootageValidationClip,
  isTestSet,
  splitHoldout,
} from "../eval/holdout.ts";
import { AUGMENT_FACTORS, buildPairs } from "./data.ts";
import { buildDegradedPairs } from "./degraded_data.ts";
import { lineArtImages } from "./line_art.ts";
import { checkDegradations } from "../eval/degradations/registry.ts";
import {
  DEFAULT_SETTINGS,
  train as trainLoop,
  TRAIN_INITS,
  type TrainBackend,
  type TrainReport,
  type TrainSettings,
} from "./trainer.ts";

/**
 * What {@link trainFromFolders} trains, from what, and for how long. Besides the fields below,
 * any of the run's settings may be given (defaults in brackets): `d` [56], `s` [12], `m` [4],
 * `steps` (total optimisation steps, the schedule's length) [400000], `batch` (patches per
 * step) [8], `patch` (LR patch side in pixels) [24], `lr` (peak learning rate) [1e-3],
 * `lastLr` (peak learning rate of the last layer) [1e-4], `seed` [1], `validateEvery` (steps)
 * [10000], `levels` (fraction of patches remapped to other levels, so that flat areas keep
 * their level across the code range) [0.25], `inter` (with `crfs`: fraction of pairs whose LR is
 * a predicted frame of a panning clip, as most frames of a video are) [0.75], `lineArt` (synthetic
 * line-art pictures added to the training images, not to validation) [0], `init` (how a run
 * from scratch starts: `bicubic` or `reference`) [bicubic; not with `from`]. The defaults are
 * the recipe measured fastest to quality (docs/training.md). With `resume`, the checkpoint's
 * settings are used instead, but for `steps`, which lengthens or shortens the schedule.
 */
export interface TrainOptions extends Partial<Omit<TrainSettings, "scale">> {
  /** Upscaling factor to train: 2, 3 or 4. */
  scale: number;
  /**
   * The network to train (src/net/networks.ts): its shape is the default of `d`, `s` and `m`,
   * which change it for experiments; default `fsrcnn`. The weights name the network of their
   * shape.
   */
  network?: NetworkName;
  /** HR image folders. */
  data: readonly string[];
  /** Where the best weights so far (by validation PSNR) are written, as safetensors. */
  out: string;
  /**
   * A folder of validation images kept apart from the training data. Without it, `holdout`
   * images of the training data are held out of training and validate instead. Standard test
   * sets (Set5, Set14, BSD100, Urban100, Manga109, Vid4) are refused: choosing weights by
   * their score would make those scores meaningless.
   */
  val?: string;
  /** How many training images are held out for validation when `val` is not given (20). */
  holdout?: number;
  /** Checkpoint file; default `<out>.ckpt.safetensors`. */
  checkpoint?: string;
  /** Continue the run saved in `checkpoint` exactly (same batches, same optimiser state). */
  resume?: boolean;
  /**
   * Weights file to start from (fine-tuning); its shape must match. From another scale, all
   * but the last layer carry over and the last layer is initialised afresh.
   */
  from?: string;
  /** Minutes between checkpoints (default 5); one is also written whenever the loop ends. */
  checkpointMinutes?: number;
  /** Stop after this many minutes of this invocation (resumable). */
  maxMinutes?: number;
  /** Stop after this many steps of this invocation (resumable). */
  maxSteps?: number;
  /** CPU threads for the onnx gradient backend and for validation; default: every core. */
  threads?: number;
  /** Gradient backend: onnx (default), webgpu, wasm or cpu. */
  backend?: TrainBackend;
  /** ffmpeg binary that decodes the images; default as for {@link UpscaleOptions.ffmpeg}. */
  ffmpeg?: string;
  /** Aborting stops the run after the current step, checkpoints, and throws CancelledError. */
  signal?: AbortSignal;
  /** Called about every 10 seconds with progress, and after each validation and checkpoint. */
  onReport?: (r: TrainReport) => void;
  /**
   * Called after each image while degraded training pairs are made through ffmpeg (with
   * `degradations`, before the first step), with the images done and their total.
   */
  onPairsProgress?: (done: number, total: number) => void;
}

/** Training images held out for validation when no validation folder is given. */
export const DEFAULT_HOLDOUT = 20;

/**
 * Trains (or resumes) FSRCNN on patches of the HR images in the `data` folders: Adam, the
 * learning rate decaying along a cosine to 1% over `steps`, validation with the `eval` protocol
 * every `validateEvery` steps and at the end, the best weights written to `out`, and a
 * checkpoint every `checkpointMinutes` and whenever the loop ends (done, stopped or failed).
 * Exported from `@fsrcnn/deno/train` as `train`.
 *
 * @param options What to train, on what, and for how long; see {@link TrainOptions}.
 * @returns The final progress: steps, seconds and patches so far, the best validation PSNR
 *   (dB) and its step, and the validation history.
 * @throws {UsageError} An unsupported scale, no data folder, an unknown degradation, a
 *   checkpoint of another scale, `from` weights of another shape, an unusable `ffmpeg`.
 * @throws {InputError} A data or validation folder is missing or has no images, or an image
 *   cannot be read.
 * @throws {WeightsError} The checkpoint (with `resume`) or `from` weights are missing or corrupt.
 * @throws {CancelledError} `signal` was aborted (a checkpoint is written first).
 * @throws {Error} The loss became NaN or infinite.
 *
 * @example Train ×2 for at most half an hour, printing progress
 * ```ts
 * import { train } from "@fsrcnn/deno/train";
 * const progress = await train({
 *   scale: 2,
 *   data: ["../shared/datasets/T91", "../shared/datasets/BSDS200"],
 *   out: "fsrcnn_x2.safetensors",
 *   steps: 20_000,
 *   maxMinutes: 30,
 *   onReport: (r) => console.log(r.event, r.step, r.loss.toFixed(5), r.psnr?.toFixed(2)),
 * });
 * console.log(`best ${progress.bestPsnr.toFixed(2)} dB at step ${progress.bestStep}`);
 * ```
 */
export async function trainFromFolders(options: TrainOptions): Promise<TrainProgress> {
  const scale = checkScale(options.scale);
  checkThreads(options.threads);
  const ffmpeg = await tools(options.ffmpeg);
  if (!Array.isArray(options.data)) throw new OptionError("data", "must be a list of folders");
  const dirs = options.data;
  if (dirs.length === 0) throw new OptionError("data", "names no folder");
  if (options.init !== undefined && !TRAIN_INITS.includes(options.init)) {
    throw new OptionError("init", `must be one of ${TRAIN_INITS.join(", ")} (got ${options.init})`);
  }
  if (
    options.lineArt !== undefined && !(Number.isInteger(options.lineArt) && options.lineArt >= 0)
  ) {
    throw new OptionError("lineArt", `must be a whole number of pictures (got ${options.lineArt})`);
  }
  for (const key of ["levels", "inter"] as const) {
    const v = options[key];
    if (v !== undefined && !(v >= 0 && v <= 1)) {
      throw new OptionError(key, `must be a fraction from 0 to 1 (got ${v})`);
    }
  }
  if (options.init !== undefined && options.from !== undefined) {
    throw new OptionError("init", `${options.init} is for a run from scratch, not from weights`);
  }
  if (options.val !== undefined && isTestSet(options.val)) {
    throw new UsageError(
      `${options.val} is a standard test set: validating on it would choose the weights by ` +
        `their test score; validate on a held-out part of the training data instead`,
    );
  }
  const images: NamedImage[] = [];
  for (const dir of dirs) {
    for (const img of await loadDataset(dir, ffmpeg)) {
      // The footage validation split judges video weights: it is never trained on.
      if (isFootageValidationClip(img.name)) {
        throw new UsageError(
          `${dir}/${img.name}: a picture of a footage validation clip ` +
            `(${FOOTAGE_VALIDATION_CLIPS.join(", ")}) cannot be trained on`,
        );
      }
      images.push({ ...img, name: `${dir}/${img.name}` });
    }
  }
  const held = options.val === undefined
    ? splitHoldout(images, options.holdout ?? DEFAULT_HOLDOUT)
    : { train: images, validation: await loadDataset(options.val, ffmpeg) };
  const checkpointPath = options.checkpoint ?? `${options.out}.ckpt.safetensors`;
  const resume = options.resume ? await loadCheckpoint(checkpointPath) : undefined;
  if (resume && resume.weights.config.scale !== scale) {
    throw new UsageError(
      `${checkpointPath}: checkpoint is for scale ${resume.weights.config.scale}, not ${scale}`,
    );
  }
  const from = options.from ? await loadWeights(options.from) : undefined;
  // Weights to start from keep their own shape unless a network is named: a FSRCNN-s file is
  // not grown into an FSRCNN behind the user's back.
  const fromShape = from && options.network === undefined
    ? { d: from.config.d, s: from.config.s, m: from.config.m }
    : {};
  const settings: TrainSettings = {
    ...DEFAULT_SETTINGS,
    scale,
    ...fromShape,
    ...networkShape(options.network),
  };
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof typeof DEFAULT_SETTINGS>) {
    const v = options[key];
    if (v !== undefined) settings[key] = v;
  }
  if (options.degradations?.length) settings.degradations = [...options.degradations];
  if (options.crfs?.length) settings.crfs = [...options.crfs];
  if (options.from === undefined) settings.init = options.init ?? "bicubic";
  // A resumed run goes on with the data it was started with.
  const data = resume ? resume.options as Partial<TrainSettings> : settings;
  const degradations = checkDegradations(data.degradations ?? []);
  const crfs = data.crfs ?? [];
  for (const crf of crfs) {
    if (!Number.isInteger(crf) || crf < 0 || crf > 51) {
      throw new UsageError(`x264 CRF must be an integer from 0 to 51, not ${crf}`);
    }
  }
  const inter = data.inter ?? 0;
  const pairsOf = (list: readonly NamedImage[], factors: readonly number[]) =>
    degradations.length === 0
      ? Promise.resolve(buildPairs(list, scale, factors))
      : buildDegradedPairs(ffmpeg, list, {
        scale,
        degradations,
        crfs,
        factors,
        inter,
        signal: options.signal,
        onProgress: options.onPairsProgress,
      });
  // Synthetic pictures join the training images after the split, so validation stays the
  // same held-out photographs whether a run draws them or not.
  const lineArt = lineArtImages(data.lineArt ?? 0, data.seed ?? DEFAULT_SETTINGS.seed);
  const train = await pairsOf([...held.train, ...lineArt], AUGMENT_FACTORS);
  // Validation on the protocol scores whole images exactly as `eval`; degraded validation
  // scores pairs made the way the training pairs are, at the images' own size.
  const validation = degradations.length === 0
    ? held.validation
    : await pairsOf(held.validation, [1]);
  const validationSet = (options.val ??
    `held out of the training data: ${held.validation.map((v) => v.name).join(",")}`) +
    (degradations.length === 0 ? "" : `; degraded: ${degradations.join(",")}` +
      (crfs.length ? `, x264 CRF ${crfs.join(",")}` : "") +
      (crfs.length && inter > 0 ? `, ${Math.round(inter * 100)}% predicted frames of pans` : ""));
  return await trainLoop({
    settings,
    train,
    validation,
    validationSet,
    out: options.out,
    checkpointPath,
    from,
    resume,
    resumeSteps: resume ? options.steps : undefined,
    checkpointMinutes: options.checkpointMinutes,
    threads: options.threads,
    backend: options.backend,
    maxSeconds: options.maxMinutes === undefined ? undefined : options.maxMinutes * 60,
    maxSteps: options.maxSteps,
    provenance: {
      train_data: dirs.join(","),
      train_images: String(held.train.length) +
        (lineArt.length ? ` and ${lineArt.length} synthetic line-art pictures` : ""),
      validation_data: validationSet,
      // What the starting weights were, since their file may not outlive this one.
      from: from
        ? `${options.from} (x${from.config.scale}, ${from.metadata.train_steps ?? "?"} steps, ` +
          `validation ${from.metadata.validation_psnr ?? "?"} dB)`
        : resume?.weights.metadata.from ?? "",
      machine: `${navigator.hardwareConcurrency} cores, ${Deno.build.os}-${Deno.build.arch}`,
    },
    signal: options.signal,
    onReport: options.onReport,
  });
}

/**
 * The `d`, `s` and `m` of a network that training builds (every FSRCNN network); none for no
 * network named.
 *
 * @throws {UsageError} A network of an architecture that training does not build.
 */
function networkShape(network: NetworkName | undefined): Partial<TrainSettings> {
  if (network === undefined) return {};
  const spec = NETWORKS[network];
  if (spec.architecture !== FSRCNN) {
    throw new UsageError(`training builds FSRCNN networks, not ${network}`);
  }
  return { d: spec.shape.d, s: spec.shape.s, m: spec.shape.m };
}
