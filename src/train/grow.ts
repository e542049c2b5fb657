/**
 * Function-preserving growth of a trained network, so that a larger model starts exactly where
 * a smaller one ended instead of from scratch: extra mapping layers are identities (a 3x3
 * convolution whose only non-zero tap is the centre of its own channel, zero bias, PReLU slope 1,
 * which makes the PReLU the identity), appended after the existing mapping layers.
 */
import { UsageError } from "../errors.ts";
import { fsrcnnConfig } from "../model/config.ts";
import type { FsrcnnWeights } from "../model/weights.ts";

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
    config,
    params,
    metadata: { ...w.metadata, grown_from: `m=${had} → ${m}, identity mapping layers appended` },
  };
}
