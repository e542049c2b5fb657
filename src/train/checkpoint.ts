/**
 * Training checkpoints: the weights, Adam's moments and everything else `--resume` needs to
 * continue exactly where it stopped (step, random-generator state, options, history), in one
 * safetensors file written atomically.
 */
import { WeightsError } from "../core/errors.ts";
import { readBounded } from "../core/fs.ts";
import { paramSpecs } from "../net/fsrcnn/config.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  type NamedTensor,
} from "../net/weights/safetensors.ts";
import type { FsrcnnWeights } from "../net/weights/file.ts";
import { decodeWeights, encodeWeights, MAX_WEIGHTS_BYTES } from "../net/weights/file.ts";
import type { AdamState } from "./adam.ts";

/** Progress facts kept across resumes. */
export interface TrainProgress {
  /** Optimisation steps done. */
  step: number;
  /** Seconds of training so far, over every run. */
  seconds: number;
  /** Patches seen so far. */
  patches: number;
  /** Best validation PSNR so far (dB; -Infinity before the first validation). */
  bestPsnr: number;
  /** Step at which the best validation PSNR was reached. */
  bestStep: number;
  /** Validation history: [step, psnr] pairs. */
  history: Array<[number, number]>;
  /** What the validation PSNRs were measured on (absent in checkpoints of older runs). */
  validationSet?: string;
}

export interface Checkpoint {
  weights: FsrcnnWeights;
  adam: AdamState;
  rngState: Uint32Array;
  progress: TrainProgress;
  /** The options the run was started with (JSON), so a resume can check them. */
  options: Record<string, unknown>;
}

const KIND = "fsrcnn-train-checkpoint";

export function encodeCheckpoint(c: Checkpoint): Uint8Array {
  const { tensors } = decodeSafetensors(encodeWeights(c.weights));
  const all: Array<[string, NamedTensor]> = [...tensors];
  for (const p of paramSpecs(c.weights.config)) {
    all.push([`adam.m.${p.name}`, { shape: p.shape, data: c.adam.m.get(p.name)! }]);
    all.push([`adam.v.${p.name}`, { shape: p.shape, data: c.adam.v.get(p.name)! }]);
  }
  const { config } = c.weights;
  return encodeSafetensors(all, {
    ...c.weights.metadata,
    format: "fsrcnn",
    kind: KIND,
    scale: String(config.scale),
    d: String(config.d),
    s: String(config.s),
    m: String(config.m),
    adam_step: String(c.adam.step),
    rng: JSON.stringify([...c.rngState]),
    progress: JSON.stringify(c.progress),
    options: JSON.stringify(c.options),
  });
}

export function decodeCheckpoint(bytes: Uint8Array, path: string): Checkpoint {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.kind !== KIND) throw new WeightsError(path, "not a training checkpoint");
  const m = new Map<string, Float32Array>();
  const v = new Map<string, Float32Array>();
  const weightTensors: Array<[string, NamedTensor]> = [];
  for (const [name, t] of tensors) {
    if (name.startsWith("adam.m.")) m.set(name.slice(7), t.data);
    else if (name.startsWith("adam.v.")) v.set(name.slice(7), t.data);
    else weightTensors.push([name, t]);
  }
  const weightMeta = { ...metadata };
  for (const k of ["kind", "adam_step", "rng", "progress", "options"]) delete weightMeta[k];
  const weights = decodeWeights(encodeSafetensors(weightTensors, weightMeta), path);
  for (const p of paramSpecs(weights.config)) {
    if (!m.has(p.name) || !v.has(p.name)) {
      throw new WeightsError(path, `checkpoint lacks the optimiser state of ${p.name}`);
    }
  }
  try {
    return {
      weights,
      adam: { step: Number(metadata.adam_step), m, v },
      rngState: Uint32Array.from(JSON.parse(metadata.rng)),
      progress: JSON.parse(metadata.progress),
      options: JSON.parse(metadata.options),
    };
  } catch {
    throw new WeightsError(path, "checkpoint metadata is corrupt");
  }
}

export async function saveCheckpoint(path: string, c: Checkpoint): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  await Deno.writeFile(tmp, encodeCheckpoint(c));
  await Deno.rename(tmp, path);
}

/** The largest checkpoint read: weights and the optimiser's two moments, each bounded as weights. */
const MAX_CHECKPOINT_BYTES = 3 * MAX_WEIGHTS_BYTES;

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path, {
      maxBytes: MAX_CHECKPOINT_BYTES,
      what: "a checkpoint",
      error: WeightsError,
    });
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    if (e instanceof Deno.errors.NotFound) throw new WeightsError(path, "checkpoint not found");
    throw new WeightsError(path, `cannot read checkpoint: ${(e as Error).message}`);
  }
  try {
    return decodeCheckpoint(bytes, path);
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    throw new WeightsError(path, `not a valid checkpoint: ${(e as Error).message}`);
  }
}
