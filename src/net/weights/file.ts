/**
 * Network weights: creation (the reference's initialisation), and the safetensors weights file
 * with the PyTorch reference's tensor names and layouts, so files move between PyTorch and us.
 * A file names its network in its metadata (`network`); for a file without it (older files,
 * PyTorch exports) the network is recognised from its tensors.
 */
import { OutputError, WeightsError } from "../../core/errors.ts";
import { MIB, readBounded } from "../../core/fs.ts";
import { checkScale, type NetConfig, type NetworkWeights } from "../arch.ts";
import {
  architectureOf,
  isNetworkName,
  NETWORK_NAMES,
  type NetworkName,
  networkOf,
  NETWORKS,
} from "../networks.ts";
import {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsDtype,
  SafetensorsFormatError,
} from "./safetensors.ts";

/**
 * A complete set of FSRCNN parameters: the name this library has exported for
 * {@link NetworkWeights}, which every network's weights are.
 */
export type FsrcnnWeights = NetworkWeights;

/**
 * Fresh weights initialised as the network's reference does (for FSRCNN: conv weights
 * normal(0, sqrt(2/(out·k·k))), zero biases, the transposed convolution normal(0, 0.001), PReLU
 * slopes 0.25). The same seed always gives the same weights. Empty metadata.
 *
 * @param config The network's shape, e.g. from {@link networkConfig} or {@link fsrcnnConfig}.
 * @param seed Seed of the deterministic random generator; default 1.
 * @param network The network; default: the one registered with this shape (FSRCNN's name for
 *   a shape of its own).
 *
 * @example Untrained weights for the small ×3 network, saved to a file
 * ```ts
 * import { fsrcnnConfig, initWeights, saveWeights } from "@fsrcnn/deno/engine";
 * const weights = initWeights(fsrcnnConfig(3, { d: 32, s: 5, m: 1 }), 42);
 * await saveWeights("fsrcnn_small_x3.safetensors", weights);
 * ```
 */
export function initWeights(
  config: NetConfig,
  seed = 1,
  network: NetworkName = networkOf(NETWORKS.fsrcnn.architecture, config),
): NetworkWeights {
  return { network, config, params: architectureOf(network).init(config, seed), metadata: {} };
}

/**
 * A deep copy (config, every parameter, metadata), so that training can change weights without
 * touching the original.
 */
export function cloneWeights(w: NetworkWeights): NetworkWeights {
  return {
    network: w.network,
    config: { ...w.config },
    params: new Map([...w.params].map(([k, v]) => [k, new Float32Array(v)])),
    metadata: { ...w.metadata },
  };
}

/**
 * Encodes weights as safetensors bytes, tensors in the architecture's parameter order. The
 * metadata is `w.metadata` plus `format: "fsrcnn"`, the `network` and its shape (`scale` and
 * the hyperparameters, e.g. `d`, `s`, `m`).
 *
 * @param w The weights to encode.
 * @param dtype Stored precision: `"F32"` (default, exact) or `"F16"` (half the size, rounded).
 * @throws {Error} `w.params` lacks a parameter the config needs (a bug in the caller).
 */
export function encodeWeights(
  w: NetworkWeights,
  dtype: SafetensorsDtype = "F32",
): Uint8Array {
  const arch = architectureOf(w.network);
  const metadata: Record<string, string> = {
    ...w.metadata,
    format: "fsrcnn",
    network: w.network,
    scale: String(w.config.scale),
  };
  for (const k of arch.hyperparameters) metadata[k] = String(w.config[k]);
  const tensors = arch.params(w.config).map((p) => {
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
 * Decodes and validates a weights file's bytes. The network comes from the metadata's
 * `network` when present, else from the tensors (the registered network of that shape); the
 * shape from the tensors, checked against any the metadata states. F16 tensors are widened to
 * Float32.
 *
 * @param bytes The safetensors file's contents.
 * @param path Only names the file in error messages.
 * @param expectScale When given, the scale the weights must have; it also supplies the scale
 *   of a file whose metadata has none.
 * @throws {WeightsError} Not a safetensors file, an unknown network, no scale known, another
 *   scale than `expectScale`, a missing, misshapen or unexpected tensor, or metadata that
 *   contradicts the tensors.
 */
export function decodeWeights(
  bytes: Uint8Array,
  path: string,
  expectScale?: number,
): NetworkWeights {
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
  const { network, config } = networkIn(tensors, metadata, path, expectScale);
  const arch = architectureOf(network);
  const params = new Map<string, Float32Array>();
  for (const spec of arch.params(config)) {
    const t = tensors.get(spec.name);
    if (!t) {
      const shape = arch.hyperparameters.map((k) => `${k}=${config[k]}`).join(", ");
      throw new WeightsError(
        path,
        `missing tensor ${spec.name} (expected for ${arch.title} scale ${config.scale}, ${shape})`,
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
    throw new WeightsError(path, `unexpected tensor ${extra[0]} (not part of ${arch.title})`);
  }
  return { network, config, params, metadata };
}

/** The network and config of a file's tensors and metadata (see {@link decodeWeights}). */
function networkIn(
  tensors: Map<string, { shape: number[] }>,
  metadata: Record<string, string>,
  path: string,
  expectScale: number | undefined,
): { network: NetworkName; config: NetConfig } {
  const named = metadata.network;
  if (named !== undefined && !isNetworkName(named)) {
    throw new WeightsError(
      path,
      `unknown network "${named}" in the metadata (known: ${NETWORK_NAMES.join(", ")})`,
    );
  }
  // Without a name, the first architecture the tensors fit; its reason when none does.
  const candidates = named !== undefined
    ? [architectureOf(named)]
    : [...new Set(NETWORK_NAMES.map(architectureOf))];
  let shape: Record<string, number> | string = "no network";
  let arch = candidates[0];
  for (arch of candidates) {
    shape = arch.shapeOf(tensors);
    if (typeof shape !== "string") break;
  }
  if (typeof shape === "string") throw new WeightsError(path, shape);
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
  for (const key of arch.hyperparameters) {
    if (metadata[key] !== undefined && Number(metadata[key]) !== shape[key]) {
      throw new WeightsError(
        path,
        `metadata says ${key}=${metadata[key]} but the tensors have ${key}=${shape[key]}`,
      );
    }
  }
  let config: NetConfig;
  try {
    config = arch.config(scale, shape);
  } catch (e) {
    throw new WeightsError(path, (e as Error).message);
  }
  return { network: named ?? networkOf(arch, config), config };
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
): Promise<NetworkWeights> {
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
  w: NetworkWeights,
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
