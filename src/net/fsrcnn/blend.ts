/**
 * Two FSRCNN networks as one: the weights of a wider FSRCNN whose output is exactly
 * `share · a(x) + (1 − share) · b(x)`. Each layer holds both networks' channels side by side
 * (`a`'s first), with zero weights between them; the first layer reads the one input channel
 * for both, and the transposed convolution sums both halves, `a`'s taps and bias scaled by
 * `share`, `b`'s by `1 − share`. PReLU slopes are per channel, so each half keeps its own.
 *
 * The result is an ordinary FSRCNN(d_a + d_b, s_a + s_b, m) file with the reference's names and
 * layouts: every engine, the tiling and the PyTorch reference run it unchanged. It costs the
 * work of that wider network (about three times one FSRCNN(56, 12, 4) for two of them: the
 * zeros between the halves are multiplied too). Why blend at all: on real footage whose scaler
 * cannot be told, a blend of the nearest-neighbour and the antialiased specialists loses little
 * to either where it is wrong (docs/quality.md).
 */
import { UsageError } from "../../core/errors.ts";
import { sizeOf } from "../arch.ts";
import type { NetworkWeights } from "../arch.ts";
import { FSRCNN_HYPERPARAMETERS, fsrcnnConfig, layerSpecs } from "./config.ts";

/**
 * The FSRCNN that outputs `share · a(x) + (1 − share) · b(x)` (see the module comment).
 *
 * @param a The first network's weights (FSRCNN or FSRCNN-s).
 * @param b The second network's weights: the same scale and number of mapping layers `m`.
 * @param share The weight of `a`'s output, from 0 to 1.
 * @returns The blended weights (network `fsrcnn`), with empty metadata.
 * @throws {UsageError} Networks of other scales or depths, or `share` outside [0, 1].
 *
 * @example A third of one network's output and two thirds of another's, as one network
 * ```ts
 * import assert from "node:assert/strict";
 * import { blendFsrcnn, fsrcnnConfig, initWeights, referenceForward } from "@fsrcnn/deno/engine";
 * const a = initWeights(fsrcnnConfig(2), 1), b = initWeights(fsrcnnConfig(2), 2);
 * const blend = blendFsrcnn(a, b, 1 / 3);
 * assert.deepEqual([blend.config.d, blend.config.s, blend.config.m], [112, 24, 4]);
 * const plane = new Float32Array(8 * 8).fill(0.5);
 * const [ya, yb, y] = [a, b, blend].map((w) => referenceForward(w, plane, 8, 8));
 * assert.ok(y.every((v, i) => Math.abs(v - (ya[i] + 2 * yb[i]) / 3) < 1e-5));
 * ```
 */
export function blendFsrcnn(
  a: NetworkWeights,
  b: NetworkWeights,
  share: number,
): NetworkWeights {
  if (!(share >= 0 && share <= 1)) {
    throw new UsageError(`a blend's share must be from 0 to 1, not ${share}`);
  }
  if (a.config.scale !== b.config.scale || a.config.m !== b.config.m) {
    const shape = (w: NetworkWeights) =>
      `x${w.config.scale} ` + FSRCNN_HYPERPARAMETERS.map((k) => `${k}=${w.config[k]}`).join(" ");
    throw new UsageError(
      `only networks of one scale and depth blend: ${shape(a)} and ${shape(b)}`,
    );
  }
  const config = fsrcnnConfig(a.config.scale, {
    d: a.config.d + b.config.d,
    s: a.config.s + b.config.s,
    m: a.config.m,
  });
  const la = layerSpecs(a.config), lb = layerSpecs(b.config), lc = layerSpecs(config);
  const params = new Map<string, Float32Array>();
  const get = (w: NetworkWeights, name: string) => w.params.get(name)!;
  for (let i = 0; i < lc.length; i++) {
    const [pa, pb, pc] = [la[i], lb[i], lc[i]];
    const k2 = pc.kernel * pc.kernel;
    const wa = get(a, `${pa.conv}.weight`), wb = get(b, `${pb.conv}.weight`);
    const weight = new Float32Array(
      sizeOf([pc.inChannels, pc.outChannels, pc.kernel, pc.kernel]),
    );
    if (pc.transposed) {
      // [in, 1, k, k]: the halves' input channels one after the other, each scaled.
      for (let j = 0; j < wa.length; j++) weight[j] = share * wa[j];
      for (let j = 0; j < wb.length; j++) weight[wa.length + j] = (1 - share) * wb[j];
      const ba = get(a, `${pa.conv}.bias`)[0], bb = get(b, `${pb.conv}.bias`)[0];
      params.set(`${pc.conv}.bias`, Float32Array.of(share * ba + (1 - share) * bb));
    } else {
      // [out, in, k, k]: `a`'s block at the top left, `b`'s at the bottom right; the first
      // layer's one input channel is shared.
      const shared = pc.inChannels === 1;
      const copy = (src: Float32Array, outOffset: number, inOffset: number, ins: number) => {
        const outs = src.length / (ins * k2);
        for (let o = 0; o < outs; o++) {
          for (let c = 0; c < ins; c++) {
            weight.set(
              src.subarray((o * ins + c) * k2, (o * ins + c + 1) * k2),
              ((outOffset + o) * pc.inChannels + inOffset + c) * k2,
            );
          }
        }
      };
      copy(wa, 0, 0, pa.inChannels);
      copy(wb, pa.outChannels, shared ? 0 : pa.inChannels, pb.inChannels);
      params.set(`${pc.conv}.bias`, concat(get(a, `${pa.conv}.bias`), get(b, `${pb.conv}.bias`)));
      params.set(
        `${pc.prelu}.weight`,
        concat(get(a, `${pa.prelu}.weight`), get(b, `${pb.prelu}.weight`)),
      );
    }
    params.set(`${pc.conv}.weight`, weight);
  }
  return { network: "fsrcnn", config, params, metadata: {} };
}

function concat(x: Float32Array, y: Float32Array): Float32Array {
  const out = new Float32Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
}
