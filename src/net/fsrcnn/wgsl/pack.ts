/**
 * Packs FSRCNN's PyTorch-layout parameters into the vec4 blobs the WGSL kernels read. Every
 * kernel gets one blob (weights, biases and PReLU slopes of the layers it fuses, at offsets the
 * shader generator bakes in as constants). Channels are padded to multiples of 4 with zeros, so
 * padded activation lanes stay exactly 0 through every layer (PReLU(0 + 0) = 0).
 *
 * Offsets and sizes below are in vec4 units (one vec4 = 4 floats = 16 bytes).
 */
import { DECONV_KERNEL, DECONV_PADDING, type FsrcnnConfig, layerSpecs } from "../config.ts";
import { subpixelFromDeconv, subpixelTapRange } from "../subpixel.ts";
import type { NetworkWeights } from "../../arch.ts";

/** Number of vec4s that hold `n` channels. */
export function vec4s(n: number): number {
  return Math.ceil(n / 4);
}

/** A blob of vec4s and the named offsets (in vec4s) of its sections. */
export interface Blob {
  data: Float32Array<ArrayBuffer>;
  at: Record<string, number>;
}

class BlobBuilder {
  #parts: Float32Array<ArrayBuffer>[] = [];
  #size = 0;
  at: Record<string, number> = {};
  /** Appends a zeroed section of `n` vec4s and returns it for filling. */
  section(name: string, n: number): Float32Array<ArrayBuffer> {
    const part = new Float32Array(4 * n);
    this.at[name] = this.#size;
    this.#parts.push(part);
    this.#size += n;
    return part;
  }
  build(): Blob {
    const data = new Float32Array(4 * Math.max(1, this.#size));
    let o = 0;
    for (const p of this.#parts) {
      data.set(p, o);
      o += p.length;
    }
    return { data, at: this.at };
  }
}

function param(w: NetworkWeights, name: string): Float32Array {
  const v = w.params.get(name);
  if (!v) throw new Error(`missing parameter ${name}`);
  return v;
}

/** A per-channel vector (bias, PReLU slopes) padded to `n4` vec4s. */
function fillVector(dst: Float32Array, src: Float32Array) {
  dst.set(src.subarray(0, Math.min(src.length, dst.length)));
}

/**
 * Head: conv5x5 1→d, PReLU, conv1x1 d→s, PReLU.
 * - `w1[k·25 + tap]`: the 4 output channels 4k..4k+3 of tap `tap = ky·5 + kx`;
 * - `b1[k]`, `a1[k]`; `w2[c·S4 + o4]`: output channels 4·o4.. of input channel c; `b2`, `a2`.
 */
export function packHead(w: NetworkWeights): Blob {
  const { d, s } = w.config;
  const [l1, l2] = layerSpecs(w.config);
  const D4 = vec4s(d), S4 = vec4s(s);
  const b = new BlobBuilder();
  const w1 = b.section("w1", D4 * 25);
  const src1 = param(w, `${l1.conv}.weight`);
  for (let c = 0; c < d; c++) {
    for (let tap = 0; tap < 25; tap++) {
      w1[((c >> 2) * 25 + tap) * 4 + (c & 3)] = src1[c * 25 + tap];
    }
  }
  fillVector(b.section("b1", D4), param(w, `${l1.conv}.bias`));
  fillVector(b.section("a1", D4), param(w, `${l1.prelu}.weight`));
  const w2 = b.section("w2", 4 * D4 * S4);
  const src2 = param(w, `${l2.conv}.weight`);
  for (let o = 0; o < s; o++) {
    for (let c = 0; c < d; c++) {
      w2[(c * S4 + (o >> 2)) * 4 + (o & 3)] = src2[o * d + c];
    }
  }
  fillVector(b.section("b2", S4), param(w, `${l2.conv}.bias`));
  fillVector(b.section("a2", S4), param(w, `${l2.prelu}.weight`));
  return b.build();
}

/**
 * Mapping layers `first..first+count−1` (0-based among the m 3x3 layers), one after another:
 * `w{i}[(tap·SP + c)·S4 + o4]` with SP = 4·S4 padded input channels, then `b{i}`, `a{i}`.
 */
export function packMapping(w: NetworkWeights, first: number, count: number): Blob {
  const { s } = w.config;
  const S4 = vec4s(s), SP = 4 * S4;
  const specs = layerSpecs(w.config);
  const b = new BlobBuilder();
  for (let i = 0; i < count; i++) {
    const l = specs[2 + first + i];
    const wm = b.section(`w${i}`, 9 * SP * S4);
    const src = param(w, `${l.conv}.weight`);
    for (let o = 0; o < s; o++) {
      for (let c = 0; c < s; c++) {
        for (let tap = 0; tap < 9; tap++) {
          wm[((tap * SP + c) * S4 + (o >> 2)) * 4 + (o & 3)] = src[(o * s + c) * 9 + tap];
        }
      }
    }
    fillVector(b.section(`b${i}`, S4), param(w, `${l.conv}.bias`));
    fillVector(b.section(`a${i}`, S4), param(w, `${l.prelu}.weight`));
  }
  return b.build();
}

/** Geometry of the sub-pixel last layer. */
export interface TailGeometry {
  scale: number;
  /** Taps per axis of the equivalent convolution, and its zero padding before. */
  taps: number;
  padBefore: number;
  /** vec4 groups of the scale² output phases (phase = 4·g + lane, phase = ry·scale + rx). */
  groups: number;
  /** valid[tap][g]: whether any phase of group g has a structurally non-zero weight at tap. */
  valid: boolean[][];
}

export function tailGeometry(cfg: FsrcnnConfig): TailGeometry {
  const scale = cfg.scale;
  const { min, max } = subpixelTapRange(scale);
  const taps = max - min + 1;
  const phases = scale * scale;
  const groups = vec4s(phases);
  const inKernel = (r: number, t: number) => {
    const k = r + DECONV_PADDING - scale * (min + t);
    return k >= 0 && k < DECONV_KERNEL;
  };
  const valid: boolean[][] = [];
  for (let ty = 0; ty < taps; ty++) {
    for (let tx = 0; tx < taps; tx++) {
      const row: boolean[] = [];
      for (let g = 0; g < groups; g++) {
        let any = false;
        for (let lane = 0; lane < 4; lane++) {
          const ph = 4 * g + lane;
          if (ph >= phases) continue;
          const ry = Math.floor(ph / scale), rx = ph % scale;
          if (inKernel(ry, ty) && inKernel(rx, tx)) any = true;
        }
        row.push(any);
      }
      valid.push(row);
    }
  }
  return { scale, taps, padBefore: -min, groups, valid };
}

/**
 * Tail: conv1x1 s→d, PReLU, then the sub-pixel form of the transposed convolution. The d
 * channels are padded to `dp4` vec4s (a multiple of the kernel's channel chunk).
 * - `we[c·dp4 + k]`: expand channels 4k.. of input channel c; `be[k]`, `ae[k]`;
 * - `wl[(ch·T² + tap)·G + g]`: the 4 phases of group g, input channel ch, tap ty·T + tx;
 * - `bl`: the bias in all 4 lanes.
 */
export function packTail(w: NetworkWeights, dp4: number): Blob {
  const { d, s, scale } = w.config;
  const specs = layerSpecs(w.config);
  const expand = specs[specs.length - 2];
  const S4 = vec4s(s), SP = 4 * S4;
  if (dp4 < vec4s(d)) throw new Error("tail padding smaller than d");
  const geo = tailGeometry(w.config);
  const b = new BlobBuilder();
  const we = b.section("we", SP * dp4);
  const srcE = param(w, `${expand.conv}.weight`);
  for (let o = 0; o < d; o++) {
    for (let c = 0; c < s; c++) {
      we[(c * dp4 + (o >> 2)) * 4 + (o & 3)] = srcE[o * s + c];
    }
  }
  fillVector(b.section("be", dp4), param(w, `${expand.conv}.bias`));
  fillVector(b.section("ae", dp4), param(w, `${expand.prelu}.weight`));
  const sp = subpixelFromDeconv(param(w, "NN2.weight"), param(w, "NN2.bias")[0], d, scale);
  const T = sp.taps, T2 = T * T, G = geo.groups;
  const wl = b.section("wl", 4 * dp4 * T2 * G);
  for (let ph = 0; ph < scale * scale; ph++) {
    for (let ch = 0; ch < d; ch++) {
      for (let tap = 0; tap < T2; tap++) {
        wl[((ch * T2 + tap) * G + (ph >> 2)) * 4 + (ph & 3)] = sp.weight[(ph * d + ch) * T2 + tap];
      }
    }
  }
  b.section("bl", 1).fill(sp.bias[0]);
  return b.build();
}
