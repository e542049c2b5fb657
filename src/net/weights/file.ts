/**
 * FSRCNN weights: creation (the reference's initialisation), and the safetensors weights file
 * with the PyTorch reference's tensor names and layouts, so files move between PyTorch and us.
 */
import { OptionError, OutputError, WeightsError } from "../../core/errors.ts";
import { MIB, readBounded } from "../../core/fs.ts";
import { Rng } from "../../core/random.ts";
import { SHIPPED_WEIGHTS, type ShippedWeightsName, shippedWeightsPath } from "./choice.ts";
import {
  checkScale,
  type FsrcnnConfig,
  fsrcnnConfig,
  layerSpecs,
  paramSpecs,
  sizeOf,
} from "../fsrcnn/config.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDtype,
  SafetensorsFormatError,
} from "./safetensors.ts";

/** A complete set of FSRCNN parameters in PyTorch layout, keyed by the reference's names. */
export interface FsrcnnWeights {
  /** The network's shape and scale, which the parameters match. */
  config: FsrcnnConfig;
  /**
   * Every parameter, keyed by the reference's name (`NN1.0.weight`, …, `NN2.bias`), flattened
   * row-major in the PyTorch layout of {@link paramSpecs}.
   */
  params: Map<string, Float32Array>;
  /** Free-form provenance (how the weights were trained, scores), stored in the file. */
  metadata: Record<string, string>;
}

/**
 * Fresh weights initialised as the reference does: conv weights normal(0, sqrt(2/(out·k·k))),
 * zero biases, the transposed convolution normal(0, 0.001), PReLU slopes 0.25. The same seed
 * always gives the same weights. Empty metadata.
 *
 * @param config The network to initialise, e.g. from {@link fsrcnnConfig}.
 * @param seed Seed of the deterministic random generator; default 1.
 *
 * @example Untrained weights for a smaller ×3 network, saved to a file
 * ```ts
 * import { fsrcnnConfig, initWeights, saveWeights } from "@fsrcnn/deno/engine";
 * const weights = initWeights(fsrcnnConfig(3, { d: 32, s: 5, m: 1 }), 42);
 * await saveWeights("fsrcnn_small_x3.safetensors", weights);
 * ```
 */
export function initWeights(config: FsrcnnConfig, seed = 1): FsrcnnWeights {
  const rng = new Rng(seed);
  const params = new Map<string, Float32Array>();
  for (const l of layerSpecs(config)) {
    const shape = l.transposed
      ? [l.inChannels, l.outChannels, l.kernel, l.kernel]
      : [l.outChannels, l.inChannels, l.kernel, l.kernel];
    const std = l.transposed ? 0.001 : Math.sqrt(2 / (l.outChannels * l.kernel * l.kernel));
    const w = new Float32Array(sizeOf(shape));
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    params.set(`${l.conv}.weight`, w);
    params.set(`${l.conv}.bias`, new Float32Array(l.outChannels));
    if (l.prelu) {
      params.set(
        `${l.prelu}.weight`,
        new Float32Array(l.outChannels).fill(0.25),
      );
    }
  }
  return { config, params, metadata: {} };
}

/**
 * A deep copy (config, every parameter, metadata), so that training can change weights without
 * touching the original.
 */
export function cloneWeights(w: FsrcnnWeights): FsrcnnWeights {
  return {
    config: { ...w.config },
    params: new Map([...w.params].map(([k, v]) => [k, new Float32Array(v)])),
    metadata: { ...w.metadata },
  };
}

/**
 * Encodes weights as safetensors bytes, tensors in {@link paramSpecs} order. The metadata is
 * `w.metadata` plus `format: "fsrcnn"` and the model shape (`scale`, `d`, `s`, `m`).
 *
 * @param w The weights to encode.
 * @param dtype Stored precision: `"F32"` (default, exact) or `"F16"` (half the size, rounded).
 * @throws {Error} `w.params` lacks a parameter the config needs (a bug in the caller).
 */
export function encodeWeights(
  w: FsrcnnWeights,
  dtype: SafetensorsDtype = "F32",
): Uint8Array {
  const metadata: Record<string, string> = {
    ...w.metadata,
    format: "fsrcnn",
    scale: String(w.config.scale),
    d: String(w.config.d),
    s: String(w.config.s),
    m: String(w.config.m),
  };
  const tensors = paramSpecs(w.config).map((p) => {
    const data = w.params.get(p.name);
    if (!data) throw new Error(`missing parameter ${p.name}`);
    return [p.name, { shape: p.shape, data }] as [
      string,
      { shape: number[]; data: Float32Array },
    ];
  });
  return encodeSafetensors(tensors, metadata, dtype);
}

/**
 * Decodes and validates a weights file's bytes. The model shape comes from the metadata when
 * present, else it is inferred from the tensor shapes (files saved by PyTorch carry none).
 * F16 tensors are widened to Float32.
 *
 * @param bytes The safetensors file's contents.
 * @param path Only names the file in error messages.
 * @param expectScale When given, the scale the weights must have; it also supplies the scale
 *   of a file whose metadata has none.
 * @throws {WeightsError} Not a safetensors file, no scale known, another scale than
 *   `expectScale`, a missing, misshapen or unexpected tensor, or metadata that contradicts the
 *   tensors.
 */
export function decodeWeights(
  bytes: Uint8Array,
  path: string,
  expectScale?: number,
): FsrcnnWeights {
  let content;
  try {
    content = decodeSafetensors(bytes);
  } catch (e) {
    if (e instanceof SafetensorsFormatError) {
      throw new WeightsError(path, `not a valid weights file: ${e.message}`);
    }
    throw e;
  }
  const { tensors, metadata } = content;
  const config = configOf(tensors, metadata, path, expectScale);
  const expected = paramSpecs(config);
  const params = new Map<string, Float32Array>();
  for (const spec of expected) {
    const t = tensors.get(spec.name);
    if (!t) {
      throw new WeightsError(
        path,
        `missing tensor ${spec.name} (expected for FSRCNN scale ${config.scale}, d=${config.d}, s=${config.s}, m=${config.m})`,
      );
    }
    if (t.shape.join(",") !== spec.shape.join(",")) {
      throw new WeightsError(
        path,
        `tensor ${spec.name} has shape [${t.shape}], expected [${spec.shape}]`,
      );
    }
    params.set(spec.name, t.data);
  }
  const extra = [...tensors.keys()].filter((k) => !params.has(k));
  if (extra.length > 0) {
    throw new WeightsError(
      path,
      `unexpected tensor ${extra[0]} (not part of FSRCNN)`,
    );
  }
  return { config, params, metadata };
}

function configOf(
  tensors: Map<string, { shape: number[] }>,
  metadata: Record<string, string>,
  path: string,
  expectScale: number | undefined,
): FsrcnnConfig {
  const first = tensors.get("NN1.0.weight");
  const shrink = tensors.get("NN1.2.weight");
  if (!first || !shrink) {
    throw new WeightsError(
      path,
      "missing tensor NN1.0.weight or NN1.2.weight: not FSRCNN weights",
    );
  }
  const d = first.shape[0];
  const s = shrink.shape[0];
  let m = 0;
  while (tensors.has(`NN1.${4 + 2 * m}.weight`)) m++;
  m -= 1; // the last conv in NN1 is the expanding 1x1 layer
  const scaleText = metadata.scale ??
    (expectScale === undefined ? undefined : String(expectScale));
  if (scaleText === undefined) {
    throw new WeightsError(
      path,
      "no scale in the metadata (expected __metadata__.scale)",
    );
  }
  const scale = Number(scaleText);
  try {
    checkScale(scale);
  } catch {
    throw new WeightsError(
      path,
      `metadata scale ${scaleText} is not 2, 3 or 4`,
    );
  }
  if (expectScale !== undefined && scale !== expectScale) {
    throw new WeightsError(
      path,
      `weights are for scale ${scale}, not the requested ${expectScale}`,
    );
  }
  for (const [key, value] of [["d", d], ["s", s], ["m", m]] as const) {
    if (metadata[key] !== undefined && Number(metadata[key]) !== value) {
      throw new WeightsError(
        path,
        `metadata says ${key}=${metadata[key]} but the tensors have ${key}=${value}`,
      );
    }
  }
  if (m < 0) throw new WeightsError(path, "too few NN1 layers for FSRCNN");
  return fsrcnnConfig(scale, { d, s, m });
}

/**
 * Path of the paper-protocol weights for a scale, `models/fsrcnn_x<scale>.safetensors` in this
 * package: what `evaluate` scores unless told otherwise, and what `upscaleFile` falls back on
 * (it chooses among the shipped weights, see {@link chooseWeights}). Nothing is checked: for a
 * scale without shipped weights, loading the path fails with a WeightsError.
 *
 * @param scale Upscaling factor.
 * @returns An absolute file path.
 */
export function defaultWeightsPath(scale: number): string {
  return shippedWeightsPath("paper", scale);
}

/**
 * The names of the shipped weights whose files exist for `scale`, in the order of
 * {@link SHIPPED_WEIGHTS}: what {@link chooseWeights} may choose from.
 *
 * @param scale Upscaling factor.
 */
export async function shippedWeightsFor(scale: number): Promise<ShippedWeightsName[]> {
  const names: ShippedWeightsName[] = [];
  for (const w of SHIPPED_WEIGHTS) {
    try {
      if ((await Deno.stat(shippedWeightsPath(w.name, scale))).isFile) names.push(w.name);
    } catch {
      // Not shipped for this scale.
    }
  }
  return names;
}

/**
 * The largest weights file read: 64 MiB, far above any FSRCNN model (the shipped ones are
 * about 54 KiB; even 1024 feature channels would take under 1 MiB), so that a device or a
 * huge file given by mistake is refused rather than read into memory.
 */
export const MAX_WEIGHTS_BYTES: number = 64 * MIB;

/**
 * Reads and validates a safetensors weights file (ours, or a PyTorch reference export with the
 * reference's tensor names); every problem is a WeightsError naming the file.
 *
 * @param path The weights file.
 * @param expectScale When given, must match the file's scale (and supplies it for files that
 *   carry no metadata, such as a bare PyTorch export).
 * @throws {WeightsError} The file is missing, not a regular file (a folder, a FIFO, a device),
 *   larger than {@link MAX_WEIGHTS_BYTES}, unreadable, or not valid FSRCNN weights (see
 *   {@link decodeWeights}).
 *
 * @example Load ×2 weights (a WeightsError if the file is for another scale)
 * ```ts
 * import { loadWeights } from "@fsrcnn/deno/engine";
 * const w = await loadWeights("models/fsrcnn_x2.safetensors", 2);
 * console.log(w.config, w.metadata.validation_psnr);
 * ```
 */
export async function loadWeights(
  path: string,
  expectScale?: number,
): Promise<FsrcnnWeights> {
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(path, {
      maxBytes: MAX_WEIGHTS_BYTES,
      what: "a weights file",
      error: WeightsError,
    });
  } catch (e) {
    if (e instanceof WeightsError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new WeightsError(path, "weights file not found");
    }
    throw new WeightsError(
      path,
      `cannot read weights file: ${(e as Error).message}`,
    );
  }
  return decodeWeights(bytes, path, expectScale);
}

/**
 * Writes weights as a safetensors file (see {@link encodeWeights}), atomically: a temporary
 * file beside `path`, then a rename, so readers never see a half-written file. An existing
 * file at `path` is replaced.
 *
 * @param path Where to write.
 * @param w The weights.
 * @param dtype Stored precision: `"F32"` (default) or `"F16"`.
 * @throws {OutputError} The file cannot be written (missing folder, no permission, full
 *   disk); the temporary file is removed.
 *
 * @example Save half-precision weights
 * ```ts
 * import { loadWeights, saveWeights } from "@fsrcnn/deno/engine";
 * const w = await loadWeights("models/fsrcnn_x2.safetensors");
 * w.metadata.note = "F16 copy";
 * await saveWeights("fsrcnn_x2_f16.safetensors", w, "F16");
 * ```
 */
export async function saveWeights(
  path: string,
  w: FsrcnnWeights,
  dtype: SafetensorsDtype = "F32",
): Promise<void> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  try {
    await Deno.writeFile(tmp, encodeWeights(w, dtype));
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw new OutputError(path, `cannot write weights: ${(e as Error).message}`);
  }
}

/**
 * The file of shipped weights named for a scale (see {@link shippedWeightsPath}), checked to be
 * shipped.
 *
 * @param name Which weights.
 * @param scale Upscaling factor.
 * @returns An absolute file path.
 * @throws {OptionError} (for the option `weights`) They are not shipped for `scale`.
 */
export async function shippedWeightsFile(name: ShippedWeightsName, scale: number): Promise<string> {
  const shipped = await shippedWeightsFor(scale);
  if (!shipped.includes(name)) {
    throw new OptionError(
      "weights",
      `${name}: no ${name} weights are shipped for x${scale} (shipped: ${shipped.join(", ")})`,
    );
  }
  return shippedWeightsPath(name, scale);
}
