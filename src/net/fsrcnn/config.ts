/**
 * FSRCNN shape (Dong et al., ECCV 2016) and the PyTorch reference's parameter names.
 *
 * The reference module is `NN1 = Sequential(conv5x5 1→d, PReLU(d), conv1x1 d→s, PReLU(s),
 * m × (conv3x3 s→s, PReLU(s)), conv1x1 s→d, PReLU(d))` and `NN2 = ConvTranspose2d(d, 1, 9,
 * stride=scale, padding=4, output_padding=scale−1)`, so the Sequential indices name the
 * tensors: `NN1.0.weight`, `NN1.1.weight` (PReLU slopes), …, `NN2.weight`, `NN2.bias`.
 */
import { UsageError } from "../../core/errors.ts";
import { checkScale, type NetConfig, type ParamSpec } from "../arch.ts";

/**
 * Shape of an FSRCNN network: the scale, `d` feature channels (paper: 56), `s` shrunk channels
 * (paper: 12) and `m` 3x3 mapping layers (paper: 4). A {@link NetConfig}, so that the generic
 * code (engines, weights files) carries it without knowing FSRCNN.
 */
export type FsrcnnConfig = NetConfig;

/** FSRCNN's hyperparameters besides the scale. */
export const FSRCNN_HYPERPARAMETERS = ["d", "s", "m"] as const;

/** The paper's FSRCNN(56, 12, 4). */
export const DEFAULT_SHAPE = { d: 56, s: 12, m: 4 } as const;

/** Kernel size and padding of the final transposed convolution. */
export const DECONV_KERNEL = 9;
export const DECONV_PADDING = 4;

/**
 * Builds a config with the paper's defaults ({@link DEFAULT_SHAPE}) for whatever is not given.
 *
 * @param scale Upscaling factor: 2, 3 or 4.
 * @param shape Channel counts and mapping depth to override.
 * @throws {UsageError} An unsupported scale, or `d` or `s` outside 1..1024, or `m` outside
 *   0..1024, or a non-integer.
 */
export function fsrcnnConfig(
  scale: number,
  shape: Readonly<Partial<Record<string, number>>> = {},
): FsrcnnConfig {
  const cfg: Record<string, number> = { scale: checkScale(scale), ...DEFAULT_SHAPE };
  for (const key of FSRCNN_HYPERPARAMETERS) {
    if (shape[key] !== undefined) cfg[key] = shape[key];
  }
  for (const key of FSRCNN_HYPERPARAMETERS) {
    const v = cfg[key];
    if (!Number.isInteger(v) || v < (key === "m" ? 0 : 1) || v > 1024) {
      throw new UsageError(`invalid FSRCNN ${key}=${v}`);
    }
  }
  return cfg as FsrcnnConfig;
}

/** One convolution (or transposed convolution) layer followed by an optional PReLU. */
export interface LayerSpec {
  /** Parameter name prefix of the convolution, e.g. `NN1.0`. */
  conv: string;
  /** Parameter name prefix of the PReLU that follows, e.g. `NN1.1`; absent for the last layer. */
  prelu?: string;
  inChannels: number;
  outChannels: number;
  kernel: number;
  /** True for the final ConvTranspose2d (weight layout [in, out, k, k]). */
  transposed: boolean;
}

/** The layers of the network in order, with the reference's names. */
export function layerSpecs(cfg: FsrcnnConfig): LayerSpec[] {
  const { d, s, m } = cfg;
  const convs: Array<[number, number, number]> = [[1, d, 5], [d, s, 1]];
  for (let i = 0; i < m; i++) convs.push([s, s, 3]);
  convs.push([s, d, 1]);
  const layers: LayerSpec[] = convs.map((
    [inChannels, outChannels, kernel],
    i,
  ) => ({
    conv: `NN1.${2 * i}`,
    prelu: `NN1.${2 * i + 1}`,
    inChannels,
    outChannels,
    kernel,
    transposed: false,
  }));
  layers.push({
    conv: "NN2",
    inChannels: d,
    outChannels: 1,
    kernel: DECONV_KERNEL,
    transposed: true,
  });
  return layers;
}

/**
 * Every parameter of the network, in the order PyTorch's `state_dict()` lists them: for each
 * layer its weight, bias, then (but for the last layer) PReLU slopes.
 */
export function paramSpecs(cfg: FsrcnnConfig): ParamSpec[] {
  const specs: ParamSpec[] = [];
  for (const l of layerSpecs(cfg)) {
    const weight = l.transposed
      ? [l.inChannels, l.outChannels, l.kernel, l.kernel]
      : [l.outChannels, l.inChannels, l.kernel, l.kernel];
    specs.push({ name: `${l.conv}.weight`, shape: weight });
    specs.push({ name: `${l.conv}.bias`, shape: [l.outChannels] });
    if (l.prelu) {
      specs.push({ name: `${l.prelu}.weight`, shape: [l.outChannels] });
    }
  }
  return specs;
}

/**
 * Multiply-accumulates of one forward pass on a `width`×`height` LR input (sizes in pixels),
 * counting the transposed convolution as the reference computes it (every input pixel scatters
 * k×k taps). Biases and PReLUs are not counted.
 */
export function macsPerFrame(
  cfg: FsrcnnConfig,
  width: number,
  height: number,
): number {
  let perPixel = 0;
  for (const l of layerSpecs(cfg)) {
    perPixel += l.inChannels * l.outChannels * l.kernel * l.kernel;
  }
  return perPixel * width * height;
}

/**
 * Receptive-field radius in LR pixels: how far an output pixel's value reaches into the
 * input on each side (5x5 conv, m 3x3 convs, and the sub-pixel form of the 9x9 deconv).
 */
export function contextRadius(cfg: FsrcnnConfig): number {
  const reachBefore = Math.floor((DECONV_KERNEL - 1 - DECONV_PADDING) / cfg.scale);
  const reachAfter = Math.floor((cfg.scale - 1 + DECONV_PADDING) / cfg.scale);
  return 2 + cfg.m + Math.max(reachBefore, reachAfter);
}
