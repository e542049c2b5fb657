/**
 * Function-preserving growth of a trained network, so that a larger model starts exactly where
 * a smaller one ended instead of from scratch: extra mapping layers are identities (a 3x3
 * convolution whose only non-zero tap is the centre of its own channel, zero bias, PReLU slope 1,
 * which makes the PReLU the identity), appended after the existing mapping layers; extra channels
 * (wider `d` or `s`) start with random incoming weights but nothing from them reaches the old
 * channels, so they change nothing until training lets them in.
 */
import { UsageError } from "../core/errors.ts";
import { fsrcnnConfig, layerSpecs } from "../net/fsrcnn/config.ts";
import { type FsrcnnWeights, initWeights } from "../net/weights/file.ts";
import { architectureOf, networkOf } from "../net/networks.ts";

/**
 * The same function with `d` feature and `s` shrunk channels (at least the current numbers).
 * The added channels of every layer get the initial weights of a fresh network of the new shape
 * (`seed`), their PReLU slopes and biases too; the weights from an added channel into an old one
 * are zero. Added channels into added channels are random, so gradients reach every new weight.
 *
 * @param w Trained weights.
 * @param width The channel counts wanted.
 * @param seed Seed of the fresh weights for the added channels.
 * @returns New weights (the input is not changed); metadata records what was grown from.
 * @throws {UsageError} `d` or `s` is fewer than the weights already have, or invalid.
 */
export function withChannels(
  w: FsrcnnWeights,
  width: { d: number; s: number },
  seed = 1,
): FsrcnnWeights {
  const { scale, d: hadD, s: hadS, m } = w.config;
  if (!(width.d >= hadD && width.s >= hadS)) {
    throw new UsageError(
      `cannot grow d=${hadD}, s=${hadS} to d=${width.d}, s=${width.s}: ` +
        "only adding channels keeps the function",
    );
  }
  const config = fsrcnnConfig(scale, { d: width.d, s: width.s, m });
  const grown = initWeights(config, seed);
  const oldLayers = layerSpecs(w.config);
  layerSpecs(config).forEach((layer, i) => {
    const old = oldLayers[i];
    const taps = layer.kernel * layer.kernel;
    const weight = grown.params.get(`${layer.conv}.weight`)!;
    const had = w.params.get(`${layer.conv}.weight`)!;
    // Layout [out, in, k, k], or [in, out, k, k] for the transposed convolution.
    const [outer, inner, oldInner] = layer.transposed
      ? [layer.inChannels, layer.outChannels, old.outChannels]
      : [layer.outChannels, layer.inChannels, old.inChannels];
    for (let a = 0; a < outer; a++) {
      for (let b = 0; b < inner; b++) {
        const [out, input] = layer.transposed ? [b, a] : [a, b];
        const oldOut = out < old.outChannels, oldIn = input < old.inChannels;
        if (!oldOut) continue; // an added output channel keeps its fresh weights
        const at = (a * inner + b) * taps;
        for (let t = 0; t < taps; t++) {
          weight[at + t] = oldIn ? had[(a * oldInner + b) * taps + t] : 0;
        }
      }
    }
    for (const part of [`${layer.conv}.bias`, ...(layer.prelu ? [`${layer.prelu}.weight`] : [])]) {
      grown.params.get(part)!.set(w.params.get(part)!);
    }
  });
  return {
    network: networkOf(architectureOf(w.network), config),
    config,
    params: grown.params,
    metadata: {
      ...w.metadata,
      grown_from: `d=${hadD}, s=${hadS} → d=${width.d}, s=${width.s}, added channels zero-gated`,
    },
  };
}

/**
 * The same function with `m` mapping layers (at least the current number).
 *
 * @param w Trained weights.
 * @param m The number of 3x3 mapping layers wanted.
 * @returns New weights (the input is not changed); metadata records what was grown from.
 * @throws {UsageError} `m` is fewer than the weights already have, or not a valid FSRCNN m.
 */
export function withMappingLayers(w: FsrcnnWeights, m: number): FsrcnnWeights {
  const { scale, d, s, m: had } = w.config;
  if (!Number.isInteger(m) || m < had) {
    throw new UsageError(
      `cannot grow ${had} mapping layers to ${m}: only adding layers keeps the function`,
    );
  }
  const config = fsrcnnConfig(scale, { d, s, m });
  const params = new Map<string, Float32Array>();
  // Layers before the expanding layer keep their names; the expanding layer, its PReLU and the
  // transposed convolution move down by the added layers.
  const expandOld = 4 + 2 * had, expandNew = 4 + 2 * m;
  for (const [name, value] of w.params) {
    const match = /^NN1\.(\d+)\.(weight|bias)$/.exec(name);
    const index = match ? Number(match[1]) : -1;
    const renamed = index >= expandOld ? `NN1.${index - expandOld + expandNew}.${match![2]}` : name;
    params.set(renamed, new Float32Array(value));
  }
  for (let j = had; j < m; j++) {
    const conv = `NN1.${4 + 2 * j}`, prelu = `NN1.${5 + 2 * j}`;
    const weight = new Float32Array(s * s * 9);
    for (let c = 0; c < s; c++) weight[(c * s + c) * 9 + 4] = 1; // centre tap of its own channel
    params.set(`${conv}.weight`, weight);
    params.set(`${conv}.bias`, new Float32Array(s));
    params.set(`${prelu}.weight`, new Float32Array(s).fill(1));
  }
  return {
    network: networkOf(architectureOf(w.network), config),
    config,
    params,
    metadata: { ...w.metadata, grown_from: `m=${had} → ${m}, identity mapping layers appended` },
  };
}
