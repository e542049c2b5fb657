/**
 * What the rest of the code knows of a network architecture: an {@link Architecture} (its
 * config, parameter names and shapes, the float64 reference forward, its cost, and what each
 * backend needs to build its graph). Each architecture lives in its own folder (src/net/fsrcnn/)
 * and is registered in networks.ts; engines, tiling and weights files speak only of this.
 */
import { UsageError } from "../core/errors.ts";
import type { SrEngine } from "./engine.ts";
import type { OnnxGraphSpec } from "./onnx/proto.ts";
import type { TfjsGraph } from "./tfjs/runtime.ts";
import type { NetworkName } from "./networks.ts";

/** Upscaling factors the networks support. */
export const SUPPORTED_SCALES = [2, 3, 4] as const;
/** An upscaling factor the networks support: 2, 3 or 4. */
export type Scale = typeof SUPPORTED_SCALES[number];

/**
 * Checks that `scale` is one the networks support.
 *
 * @returns `scale`, typed as a {@link Scale}.
 * @throws {UsageError} `scale` is not 2, 3 or 4.
 */
export function checkScale(scale: number): Scale {
  if (!(SUPPORTED_SCALES as readonly number[]).includes(scale)) {
    throw new UsageError(
      `unsupported scale ${scale}: FSRCNN here supports ${SUPPORTED_SCALES.join(", ")}`,
    );
  }
  return scale as Scale;
}

/**
 * A network's shape: its scale and whole-number hyperparameters (FSRCNN's `d`, `s`, `m`), all of
 * which a weights file records in its metadata.
 */
export type NetConfig = { readonly scale: Scale; readonly [hyper: string]: number };

/** A named parameter tensor's shape in the PyTorch layout. */
export interface ParamSpec {
  /** The reference's parameter name, e.g. `NN1.0.weight`. */
  name: string;
  /**
   * Tensor shape, outermost first: [out, in, k, k] for a convolution weight, [in, out, k, k]
   * for a transposed one, [channels] for a bias or PReLU slopes.
   */
  shape: number[];
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A complete set of a network's parameters in PyTorch layout, keyed by the reference's names. */
export interface NetworkWeights {
  /** The registered network they are for (see networks.ts), e.g. `fsrcnn` or `fsrcnn-s`. */
  network: NetworkName;
  /** The network's shape and scale, which the parameters match. */
  config: NetConfig;
  /**
   * Every parameter, keyed by the reference's name, flattened row-major in the PyTorch layout
   * of the architecture's `params`.
   */
  params: Map<string, Float32Array>;
  /** Free-form provenance (how the weights were trained, scores), stored in the file. */
  metadata: Record<string, string>;
}

/** What each backend needs of an architecture; a backend an architecture lacks is refused. */
export interface ArchitectureBackends {
  /** The ONNX inference graph (`form` names one of the architecture's equivalent forms). */
  onnx?(weights: NetworkWeights, form?: string): OnnxGraphSpec;
  /** The network as tfjs ops (NHWC), on the active tfjs backend (loads tfjs on first use). */
  tfjs?(weights: NetworkWeights): Promise<TfjsGraph>;
  /** An engine on the architecture's own WGSL kernels. */
  wgsl?(weights: NetworkWeights): Promise<SrEngine>;
}

/** One network architecture: everything the generic code needs to know of it. */
export interface Architecture {
  /** Its name in messages, e.g. `FSRCNN`. */
  readonly title: string;
  /** The hyperparameters besides the scale, in the order messages and metadata list them. */
  readonly hyperparameters: readonly string[];
  /**
   * A checked config.
   *
   * @throws {UsageError} An unsupported scale, or a hyperparameter out of its range.
   */
  config(scale: number, shape: Readonly<Record<string, number>>): NetConfig;
  /** Every parameter, in the order PyTorch's `state_dict()` lists them. */
  params(cfg: NetConfig): ParamSpec[];
  /** Fresh parameters as the reference initialises them; the same seed gives the same values. */
  init(cfg: NetConfig, seed: number): Map<string, Float32Array>;
  /**
   * The hyperparameters that tensors of these names and shapes have (their shapes are then
   * checked against {@link params}), or why they are not this architecture's.
   */
  shapeOf(tensors: ReadonlyMap<string, { shape: number[] }>): Record<string, number> | string;
  /** Multiply-accumulates per LR pixel of one forward pass (biases and activations not counted). */
  macsPerPixel(cfg: NetConfig): number;
  /** Receptive-field radius in LR pixels: how far an output pixel reaches into the input. */
  contextRadius(cfg: NetConfig): number;
  /** Live float32 activations per LR pixel at the widest point (for memory budgets). */
  activationsPerPixel(cfg: NetConfig): number;
  /**
   * The float64 reference forward on one `width`×`height` plane: the (scale·height)×(scale·width)
   * plane, unclamped. An oracle for tests, sharing no code with the fast backends.
   */
  reference(
    weights: NetworkWeights,
    plane: Float32Array,
    width: number,
    height: number,
  ): Float64Array;
  /** How each backend builds this network. */
  readonly backends: ArchitectureBackends;
}

/**
 * The build function of a backend, checked to exist for the weights' architecture.
 *
 * @throws {UsageError} The architecture has no graph for that backend.
 */
export function backendBuild<K extends keyof ArchitectureBackends>(
  arch: Architecture,
  backend: K,
  label: string,
): NonNullable<ArchitectureBackends[K]> {
  const build = arch.backends[backend];
  if (!build) {
    throw new UsageError(`the ${label} backend cannot run ${arch.title}`);
  }
  return build.bind(arch.backends) as NonNullable<ArchitectureBackends[K]>;
}
