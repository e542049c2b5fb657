/**
 * Scoring weights (or the bicubic baseline) on a folder of HR images with the literature's
 * protocol (protocol.ts).
 */
import { UsageError } from "../errors.ts";
import { tools } from "../ffmpeg/resolve.ts";
import { checkScale } from "../model/config.ts";
import { createEngine } from "../model/create.ts";
import type { BackendChoice } from "../model/engine.ts";
import { TiledUpscaler } from "../model/tiled.ts";
import { loadWeights } from "../model/weights.ts";
import { loadDataset } from "./dataset.ts";
import { modelMethod } from "./model_method.ts";
import { bicubic, scoreImages, type ScoreReport } from "./protocol.ts";

export interface EvalOptions {
  /** Folder of HR images. */
  data: string;
  /** `fsrcnn` (needs `weights`) or `bicubic`. Default: fsrcnn when weights are given. */
  method?: "fsrcnn" | "bicubic";
  weights?: string;
  /** Scale; default the weights' own (required for bicubic). */
  scale?: number;
  backend?: BackendChoice;
  ffmpeg?: string;
}

export interface EvalReport extends ScoreReport {
  method: "fsrcnn" | "bicubic";
  data: string;
  weights?: string;
  backend?: string;
}

export async function evaluate(options: EvalOptions): Promise<EvalReport> {
  const method = options.method ?? (options.weights ? "fsrcnn" : "bicubic");
  const images = await loadDataset(options.data, await tools(options.ffmpeg));
  if (method === "bicubic") {
    if (options.scale === undefined) throw new UsageError("--method bicubic needs --scale");
    const scale = checkScale(options.scale);
    return { ...(await scoreImages(images, scale, bicubic)), method, data: options.data };
  }
  if (!options.weights) throw new UsageError("--weights is required (or use --method bicubic)");
  const weights = await loadWeights(options.weights, options.scale);
  const engine = await createEngine(weights, { backend: options.backend ?? "onnx" });
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
      weights: options.weights,
      backend: engine.info.backend,
    };
  } finally {
    engine.dispose();
  }
}
