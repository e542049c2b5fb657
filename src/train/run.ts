/**
 * Training from folders: loads the HR images, the validation set and any starting weights
 * or checkpoint, then runs the loop (trainer.ts).
 */
import { UsageError } from "../errors.ts";
import { loadDataset } from "../eval/dataset.ts";
import type { NamedImage } from "../eval/protocol.ts";
import { tools } from "../ffmpeg/resolve.ts";
import { checkScale } from "../model/config.ts";
import { loadWeights } from "../model/weights.ts";
import { loadCheckpoint, type TrainProgress } from "./checkpoint.ts";
import {
  DEFAULT_SETTINGS,
  train as trainLoop,
  type TrainBackend,
  type TrainReport,
  type TrainSettings,
} from "./trainer.ts";

export interface TrainOptions extends Partial<Omit<TrainSettings, "scale">> {
  scale: number;
  /** Comma-separated list or array of HR image folders. */
  data: string | string[];
  out: string;
  /** Validation images; default `../shared/datasets/Set5` relative to the working folder. */
  val?: string;
  checkpoint?: string;
  resume?: boolean;
  from?: string;
  checkpointMinutes?: number;
  maxMinutes?: number;
  /** Stop after this many steps of this invocation (resumable). */
  maxSteps?: number;
  threads?: number;
  /** Gradient backend: onnx (default), webgpu, wasm or cpu. */
  backend?: TrainBackend;
  ffmpeg?: string;
  signal?: AbortSignal;
  onReport?: (r: TrainReport) => void;
}

export const DEFAULT_VALIDATION_DIR = "../shared/datasets/Set5";

/** Trains (or resumes) as the options say; resolves with the final progress. */
export async function trainFromFolders(options: TrainOptions): Promise<TrainProgress> {
  const scale = checkScale(options.scale);
  const ffmpeg = await tools(options.ffmpeg);
  const dirs = (Array.isArray(options.data) ? options.data : options.data.split(","))
    .map((d) => d.trim()).filter((d) => d.length > 0);
  if (dirs.length === 0) throw new UsageError("--data names no folder");
  const train: NamedImage[] = [];
  for (const dir of dirs) {
    for (const img of await loadDataset(dir, ffmpeg)) {
      train.push({ ...img, name: `${dir}/${img.name}` });
    }
  }
  const validation = await loadDataset(options.val ?? DEFAULT_VALIDATION_DIR, ffmpeg);
  const checkpointPath = options.checkpoint ?? `${options.out}.ckpt.safetensors`;
  const resume = options.resume ? await loadCheckpoint(checkpointPath) : undefined;
  if (resume && resume.weights.config.scale !== scale) {
    throw new UsageError(
      `${checkpointPath}: checkpoint is for scale ${resume.weights.config.scale}, not ${scale}`,
    );
  }
  const from = options.from ? await loadWeights(options.from) : undefined;
  const settings: TrainSettings = { ...DEFAULT_SETTINGS, scale };
  for (const key of Object.keys(DEFAULT_SETTINGS) as Array<keyof typeof DEFAULT_SETTINGS>) {
    const v = options[key];
    if (v !== undefined) settings[key] = v;
  }
  return await trainLoop({
    settings,
    train,
    validation,
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
      train_images: String(train.length),
      validation_data: options.val ?? DEFAULT_VALIDATION_DIR,
      from: options.from ?? "",
      machine: `${navigator.hardwareConcurrency} cores, ${Deno.build.os}-${Deno.build.arch}`,
    },
    signal: options.signal,
    onReport: options.onReport,
  });
}
