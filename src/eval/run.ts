/**
 * Scoring weights (or the bicubic baseline) on a folder of HR images with the literature's
 * protocol (protocol.ts).
 */
import { OptionError } from "../core/errors.ts";
import { tools } from "../media/ffmpeg/resolve.ts";
import { checkScale } from "../net/arch.ts";
import { createEngine } from "../net/create.ts";
import type { BackendChoice } from "../net/backends.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import { loadWeights } from "../net/weights/file.ts";
import { shippedWeightsFile } from "../net/weights/shipped.ts";
import type { ShippedChoice } from "../net/weights/shipped.ts";
import { loadDataset } from "./dataset.ts";
import { choosingMethod, modelMethod, shippedEngines } from "./model_method.ts";
import { bicubic, scoreImages, type ScoreReport } from "./protocol.ts";

/** What {@link evaluate} scores, and on what. */
export interface EvalOptions {
  /** Folder of HR images (PNG, JPEG, …), scored in natural name order. */
  data: string;
  /** `fsrcnn` (default) or `bicubic`, the baseline. */
  method?: "fsrcnn" | "bicubic";
  /**
   * Weights to score with `fsrcnn`: a file, or shipped weights by name for `scale`
   * (`{ shipped: "auto" }` chooses for each LR image from its own statistics, as
   * {@link upscaleFile} chooses for an input). Default the paper-protocol weights for `scale`
   * (see {@link shippedWeightsFile}). Not used by `bicubic`.
   */
  weights?: string | { shipped: ShippedChoice };
  /**
   * Scale: 2, 3 or 4. With `fsrcnn`: default the weights' own (2 for the shipped weights),
   * checked against given weights. Required for `bicubic`.
   */
  scale?: number;
  /** Inference backend; default `onnx` (not `auto`). */
  backend?: BackendChoice;
  /** ffmpeg binary that decodes the images; default as for {@link UpscaleOptions.ffmpeg}. */
  ffmpeg?: string;
}

/**
 * Scores from {@link evaluate}: the per-image PSNR (dB) and SSIM on Y with the literature's
 * protocol, their means (`meanPsnr`, `meanSsim`), the scale, and what was scored.
 */
export interface EvalReport extends ScoreReport {
  /** The method that was scored. */
  method: "fsrcnn" | "bicubic";
  /** The HR image folder, as given. */
  data: string;
  /** The weights file, or the shipped choice's name, for `fsrcnn`. */
  weights?: string;
  /** With `auto`: how many images chose each set of shipped weights (a blend as `a+b`). */
  chosen?: Partial<Record<string, number>>;
  /** The backend that ran the network, for `fsrcnn`. */
  backend?: string;
}

/**
 * Scores FSRCNN weights (or the bicubic baseline) on a folder of HR images with the
 * literature's protocol (SRCNN's and FSRCNN's MATLAB test code): each HR image is cropped to a
 * multiple of the scale, its Y downscaled bicubically, upscaled by the method, and compared on Y
 * with `scale` pixels shaved off each border. The bicubic baseline reproduces the published
 * tables (Set5 ×2: 33.66 dB).
 *
 * @param options The images, the method and its weights.
 * @returns Per-image and mean PSNR (dB) and SSIM.
 * @throws {UsageError} An unsupported scale, an unusable `ffmpeg`, or (an {@link OptionError})
 *   `bicubic` without `scale` or with `weights`, shipped weights named for a scale they are
 *   not shipped for.
 * @throws {InputError} The folder is missing or has no images, or an image cannot be read.
 * @throws {WeightsError} The weights file is missing, corrupt or for another scale.
 * @throws {ToolError} ffmpeg failed.
 *
 * @example FSRCNN against bicubic on Set5 ×2
 * ```ts
 * import { evaluate } from "@fsrcnn/deno/eval";
 * const data = "../shared/datasets/Set5";
 * const ours = await evaluate({ data, scale: 2 }); // the shipped x2 weights
 * const bicubic = await evaluate({ data, method: "bicubic", scale: 2 });
 * console.log(`${ours.meanPsnr.toFixed(2)} dB vs ${bicubic.meanPsnr.toFixed(2)} dB`);
 * ```
 */
export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  const method = options.method ?? "fsrcnn";
  if (method === "bicubic") {
    if (options.scale === undefined) {
      throw new OptionError("scale", "is required for the bicubic method");
    }
    if (options.weights !== undefined) {
      throw new OptionError("weights", "are not used by the bicubic method");
    }
  }
  const scale = options.scale === undefined ? undefined : checkScale(options.scale);
  const request = options.weights ?? { shipped: "paper" };
  // Named weights are checked before the images are read.
  const weightsPath = typeof request === "string"
    ? request
    : request.shipped === "auto"
    ? null
    : await shippedWeightsFile(request.shipped, scale ?? 2);
  const images = await loadDataset(options.data, await tools(options.ffmpeg));
  if (method === "bicubic") {
    return { ...(await scoreImages(images, scale!, bicubic)), method, data: options.data };
  }
  const backend = options.backend ?? "onnx";
  if (weightsPath === null) {
    const shippedScale = scale ?? 2;
    const { engines, dispose } = await shippedEngines(shippedScale, backend);
    const chosen = new Map<string, number>();
    try {
      const report = await scoreImages(images, shippedScale, choosingMethod(engines, chosen));
      return {
        ...report,
        method,
        data: options.data,
        weights: "auto",
        backend: [...engines.values()][0].info.backend,
        chosen: Object.fromEntries(chosen),
      };
    } finally {
      dispose();
    }
  }
  const weights = await loadWeights(weightsPath, scale);
  const engine = await createEngine(weights, { backend });
  try {
    const report = await scoreImages(
      images,
      weights.config.scale,
      modelMethod(new TiledUpscaler(engine)),
    );
    return {
      ...report,
      method,
      data: options.data,
      weights: weightsPath,
      backend: engine.info.backend,
    };
  } finally {
    engine.dispose();
  }
}
