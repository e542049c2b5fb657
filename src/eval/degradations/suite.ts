/**
 * The realistic evaluation suite: the same HR images degraded the ways a user's low-resolution
 * video is really made (registry.ts) — ffmpeg's scalers (bicubic, bilinear, area, nearest
 * neighbour), each followed by an x264 round trip, a soft source shrunk alike, and the
 * literature's MATLAB-bicubic protocol beside them — then upscaled by FSRCNN and, side by side, by ffmpeg's lanczos and bicubic scalers as a user
 * would without us. Scores are Y-PSNR (dB) and SSIM against the HR image, `scale` pixels
 * shaved, as in `eval`.
 *
 * Every degradation starts from the same HR frame (hr_frame.ts): the image cropped to a whole
 * 4:2:0 frame of the LR size, its Y as MATLAB's `rgb2ycbcr` makes it (what is scored). A
 * picture coded alone is what x264 makes of a still; with `inter`, each image becomes a short
 * clip panning over it (pan_clip.ts) and a frame coded from its neighbours is scored, as most
 * frames of a video are.
 */
import { UsageError } from "../../core/errors.ts";
import { resizeGray, type SwsScaler } from "../../media/ffmpeg/degrade.ts";
import { tools as resolveTools } from "../../media/ffmpeg/resolve.ts";
import type { Plane } from "../../media/frame/pixels.ts";
import { createEngine } from "../../net/create.ts";
import type { BackendChoice } from "../../net/backends.ts";
import { TiledUpscaler } from "../../net/tiling/tiled.ts";
import { loadWeights } from "../../net/weights/file.ts";
import { shippedWeightsFile } from "../../net/weights/shipped.ts";
import { hrFrame } from "../hr_frame.ts";
import { PAN_MOTIONS, panClip } from "../pan_clip.ts";
import { loadDataset } from "../dataset.ts";
import {
  choosingMethod,
  modelMethod,
  type ShippedEngines,
  shippedEngines,
} from "../model_method.ts";
import { scoreLuma, type SrMethod } from "../protocol.ts";
import { checkScale } from "../../net/arch.ts";
import type { ShippedChoice } from "../../net/weights/shipped.ts";
import { degradeLumaFrames } from "./degrade_luma.ts";
import {
  checkDegradations,
  type DegradationName,
  degradationNamed,
  describeSteps,
} from "./registry.ts";

/**
 * The degradations the suite runs when none are named, in report order: how a sharp source is
 * shrunk, as its figures in docs/quality.md were measured. A soft source (`blur`) is asked for
 * by name.
 */
export const DEFAULT_DEGRADATIONS: readonly DegradationName[] = [
  "matlab",
  "bicubic",
  "bilinear",
  "area",
  "neighbor",
];

/** The upscalers scored on every degradation. */
export type SuiteMethod = "fsrcnn" | "lanczos" | "bicubic";

/** What {@link evaluateDegradations} scores, and on what. */
export interface DegradationSuiteOptions {
  /** Folder of HR images. */
  data: string;
  /**
   * FSRCNN weights: a file (its scale is the suite's), or shipped weights by name for `scale`:
   * `{ shipped: "auto" }` chooses for each degraded LR image from its own statistics (see
   * chooseWeights), as `upscaleFile` chooses for an input.
   */
  weights: string | { shipped: ShippedChoice };
  /** The scale of shipped weights (default 2); a file's own scale is used as it is. */
  scale?: number;
  /** Degradations to run (see DEGRADATIONS); default {@link DEFAULT_DEGRADATIONS}. */
  degradations?: readonly DegradationName[];
  /** x264 CRF after each ffmpeg scaler (default 23, x264's own default). */
  crf?: number;
  /**
   * The codec round trip after each ffmpeg scaler: `x264` (default) or `none`, to see how much
   * of a score the scaler alone explains.
   */
  codec?: "x264" | "none";
  /**
   * Score a predicted frame of video rather than a picture coded alone: each image becomes a
   * short clip panning over it (src/eval/pan_clip.ts; the pans cycle over the images), each
   * degradation's LR clip goes through the codec as one video, and frame {@link SUITE_PAN_FRAME}
   * of each is upscaled and scored against its HR window. With `auto` weights, the choice is
   * made from the clip's first (intra-coded) frame, as `upscale` chooses from a video's
   * keyframes. Default false.
   */
  inter?: boolean;
  /** Inference backend; default `onnx`. */
  backend?: BackendChoice;
  /** ffmpeg binary; default as for `upscaleFile`. */
  ffmpeg?: string;
  /** Aborting stops the suite between images (CancelledError). */
  signal?: AbortSignal;
}

/** The frame of each pan clip that the suite scores with `inter`: coded from its neighbours. */
export const SUITE_PAN_FRAME = 3;

/** One degradation's mean scores over the images, per method. */
export interface DegradationRow {
  /** Which degradation. */
  degradation: DegradationName;
  /** What the degradation is, in words. */
  description: string;
  /** Mean Y-PSNR (dB) of each method. */
  psnr: Record<SuiteMethod, number>;
  /** Mean Y-SSIM of each method. */
  ssim: Record<SuiteMethod, number>;
  /** With `auto`: how many images chose each set of shipped weights (a blend as `a+b`). */
  chosen?: Partial<Record<string, number>>;
}

/** The suite's result: one row per degradation. */
export interface DegradationReport {
  /** The weights' upscaling factor. */
  scale: number;
  /** The x264 CRF of the round trip, or null without one. */
  crf: number | null;
  /** Whether predicted frames of panning clips were scored (see `inter`). */
  inter: boolean;
  /** The HR image folder, as given. */
  data: string;
  /** The weights file as given, or the shipped choice's name (`auto`, `paper`, …). */
  weights: string;
  /** The images scored, in order. */
  images: string[];
  /** One row per degradation, in the order asked for. */
  rows: DegradationRow[];
  /** FSRCNN's PSNR minus lanczos's, averaged over the rows (dB). */
  meanGainOverLanczos: number;
}

/** Describes a degradation for tables: its steps, then the codec round trip it goes through. */
export function describeDegradation(
  name: DegradationName,
  scale: number,
  crf: number | undefined,
  inter = false,
): string {
  const d = degradationNamed(name);
  const steps = describeSteps(d, scale);
  if (!d.coded || crf === undefined) return steps;
  return `${steps}, x264 CRF ${crf}` + (inter ? ", predicted frame" : "");
}

const toFloat = (width: number, height: number, data: ArrayLike<number>): Plane => ({
  width,
  height,
  data: Float32Array.from(data),
});

/** One weights file's engine, shaped as shippedEngines' result (its name is not used). */
async function fileEngine(path: string, backend: BackendChoice): Promise<ShippedEngines> {
  const engine = await createEngine(await loadWeights(path), { backend });
  return {
    engines: new Map([["paper", engine]]),
    dispose: () => engine.dispose(),
  };
}

/**
 * Runs the realistic suite on a folder of HR images with one set of weights: every image
 * degraded every way, upscaled by FSRCNN, ffmpeg lanczos and ffmpeg bicubic, scored on Y.
 *
 * @param options The images, the weights and which degradations.
 * @returns Mean Y-PSNR and SSIM per degradation and method, and FSRCNN's mean gain over lanczos.
 * @throws {UsageError} An unknown degradation, a CRF outside 0–51, an unusable `ffmpeg`,
 *   shipped weights named for a scale they are not shipped for.
 * @throws {InputError} The folder is missing or has no images, or an image cannot be read.
 * @throws {WeightsError} The weights file is missing or corrupt.
 * @throws {ToolError} ffmpeg failed (e.g. it has no libx264).
 *
 * @example Shipped ×2 weights against lanczos on Set14, every degradation
 * ```ts
 * import { evaluateDegradations } from "@fsrcnn/deno/eval";
 * const r = await evaluateDegradations({
 *   data: "../shared/datasets/Set14",
 *   weights: "models/fsrcnn_x2.safetensors",
 * });
 * for (const row of r.rows) {
 *   console.log(row.description, (row.psnr.fsrcnn - row.psnr.lanczos).toFixed(2), "dB");
 * }
 * ```
 */
export async function evaluateDegradations(
  options: DegradationSuiteOptions,
): Promise<DegradationReport> {
  const degradations = checkDegradations(options.degradations ?? DEFAULT_DEGRADATIONS);
  const crf = options.crf ?? 23;
  const codecCrf = options.codec === "none" ? undefined : crf;
  // Without a codec every frame of a clip is its picture scaled: nothing is predicted.
  const inter = (options.inter ?? false) && codecCrf !== undefined;
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) {
    throw new UsageError(`x264 CRF must be an integer from 0 to 51, not ${crf}`);
  }
  const tools = await resolveTools(options.ffmpeg);
  const named = typeof options.weights === "string" ? null : options.weights.shipped;
  // A file decides the scale; shipped weights are taken for `scale`.
  const scale = typeof options.weights === "string"
    ? (await loadWeights(options.weights)).config.scale
    : checkScale(options.scale ?? 2);
  const file = named === null
    ? options.weights as string
    : named === "auto"
    ? null
    : await shippedWeightsFile(named, scale);
  const images = await loadDataset(options.data, tools);
  const backend = options.backend ?? "onnx";
  const engines = file === null
    ? await shippedEngines(scale, backend)
    : await fileEngine(file, backend);
  // Each degradation counts the choices of its own images.
  const chosen = degradations.map(() => new Map<string, number>());
  // A coded LR goes through x264, which upscale would see in the input's codec.
  const lossyCodecOf = (k: number) =>
    degradationNamed(degradations[k]).coded && codecCrf !== undefined ? "h264" : undefined;
  const methodFor = (k: number): SrMethod =>
    named === "auto"
      ? choosingMethod(engines.engines, chosen[k], lossyCodecOf(k))
      : modelMethod(new TiledUpscaler([...engines.engines.values()][0]));
  const methods = degradations.map((_, k) => methodFor(k));
  const sums = degradations.map(() => ({
    psnr: { fsrcnn: 0, lanczos: 0, bicubic: 0 },
    ssim: { fsrcnn: 0, lanczos: 0, bicubic: 0 },
  }));
  try {
    for (const [i, { image }] of images.entries()) {
      // A pan too long for a small image leaves its picture coded alone.
      const clip = inter ? panClip(image, scale, PAN_MOTIONS[i % PAN_MOTIONS.length]) : null;
      const frames = clip ?? [hrFrame(image, scale)];
      const at = clip ? SUITE_PAN_FRAME : 0;
      const frame = frames[at];
      const hrY = toFloat(frame.width, frame.height, frame.y);
      options.signal?.throwIfAborted();
      // With a predicted frame, the clip's first frame is the keyframe weights are chosen from.
      const [lrs, keyframes] = await degradeLumaFrames(
        tools,
        frames,
        at === 0 ? [0] : [at, 0],
        degradations,
        scale,
        codecCrf,
        options.signal,
      );
      // ffmpeg's scalers see what a video would hold: the LR rounded to 8 bits.
      const lr8s = lrs.map((lr) => ({
        width: lr.width,
        height: lr.height,
        data: Uint8Array.from(lr.data, (v) => Math.min(255, Math.max(0, Math.round(v)))),
      }));
      const { width, height } = frame;
      const up = async (scaler: SwsScaler) =>
        (await resizeGray(tools, lr8s, width, height, scaler, options.signal))
          .map((data) => toFloat(width, height, data));
      const lanczos = await up("lanczos");
      const bicubic = await up("bicubic");
      for (const [k, lrY] of lrs.entries()) {
        const sr: Record<SuiteMethod, Plane> = {
          fsrcnn: await methods[k]({ lrY, scale, choiceLr: keyframes?.[k] }),
          lanczos: lanczos[k],
          bicubic: bicubic[k],
        };
        for (const method of Object.keys(sr) as SuiteMethod[]) {
          const score = scoreLuma(sr[method], hrY, scale);
          sums[k].psnr[method] += score.psnr;
          sums[k].ssim[method] += score.ssim;
        }
      }
    }
  } finally {
    engines.dispose();
  }
  const n = images.length;
  const mean = (r: Record<SuiteMethod, number>) => ({
    fsrcnn: r.fsrcnn / n,
    lanczos: r.lanczos / n,
    bicubic: r.bicubic / n,
  });
  const rows: DegradationRow[] = degradations.map((degradation, k) => ({
    degradation,
    description: describeDegradation(degradation, scale, codecCrf, inter),
    psnr: mean(sums[k].psnr),
    ssim: mean(sums[k].ssim),
    ...(named === "auto" ? { chosen: Object.fromEntries(chosen[k]) } : {}),
  }));
  const gains = rows.map((r) => r.psnr.fsrcnn - r.psnr.lanczos);
  return {
    scale,
    crf: codecCrf ?? null,
    inter,
    data: options.data,
    weights: named ?? options.weights as string,
    images: images.map((i) => i.name),
    rows,
    meanGainOverLanczos: gains.reduce((a, b) => a + b, 0) / gains.length,
  };
}
