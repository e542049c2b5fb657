/**
 * The sub-pixel form of FSRCNN's last layer.
 *
 * ConvTranspose2d(d, 1, K, stride=s, padding=P, output_padding=s−1) writes output pixel
 * Y = s·q + r from inputs x with tap k = Y + P − s·x. Grouping outputs by phase r turns it into
 * an ordinary correlation over the LR grid, out_r[q] = Σ_t in[q + t] · W[r + P − s·t], with one
 * output channel per phase (s² in 2-D) followed by depth-to-space. Taps whose k falls outside
 * [0, K) are zero. The result is the same function, border included, because both forms treat
 * inputs outside the plane as zero and output_padding = s−1 makes the output exactly s·H.
 *
 * A block of b×b LR pixels can also be taken as the unit: a convolution of stride b then has
 * (b·s)² output phases (u = b·s·p + phase over the block's LR pixels and their sub-pixels), read
 * with k = u + P − s·t for t relative to the block's first LR pixel, and depth-to-space of
 * b·s. That fills a wider group of output channels when s² alone is small (×2: 16 instead of 4).
 * Planes whose sides are not multiples of b give a partial last block; its extra output rows and
 * columns (beyond s·H) are to be cropped. Phases whose taps are fewer than the window's can
 * also read a narrower window shifted per phase (see {@link phaseWindows}).
 */
import { DECONV_KERNEL, DECONV_PADDING } from "./config.ts";

/**
 * How the phases are laid out: LR pixels per block side (the convolution's stride), and whether
 * each phase's window may be shifted (see {@link phaseWindows}).
 */
export interface SubpixelLayout {
  /** Default 1. */
  block?: number;
  /** Default false. */
  shifted?: boolean;
}

/** An ordinary convolution equivalent to the transposed convolution, plus depth-to-space. */
export interface SubpixelConv {
  scale: number;
  /** LR pixels per block side: the convolution's stride; 1 for the plain sub-pixel form. */
  block: number;
  /** Kernel size (taps per axis) of the equivalent convolution. */
  taps: number;
  /**
   * Zero padding before (top/left) and after (bottom/right) on each axis. With them a plane of
   * side n gives ⌈n / block⌉ + max(shift) outputs.
   */
  padBefore: number;
  padAfter: number;
  /**
   * Per phase along one axis (block·scale of them): how many outputs later the phase's value for
   * a block sits (all 0 unless the layout is shifted).
   */
  shift: number[];
  inChannels: number;
  /**
   * Weights in OIHW layout: [(block·scale)², inChannels, taps, taps]; channel o = uy·block·scale
   * + ux for the output pixel at offset (uy, ux) within the block.
   */
  weight: Float32Array;
  /** One bias per output phase (all equal to the transposed convolution's bias). */
  bias: Float32Array;
}

/**
 * Tap offsets t (relative to the block's first LR pixel) that any phase uses, for a kernel K,
 * padding P and blocks of `block` LR pixels per side.
 */
export function subpixelTapRange(
  scale: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
  block = 1,
): { min: number; max: number } {
  // k = u + P − s·t must lie in [0, K−1] for some phase u in [0, block·s).
  return {
    min: Math.ceil((padding - kernel + 1) / scale),
    max: Math.floor((block * scale - 1 + padding) / scale),
  };
}

/**
 * The window of taps each phase reads. Unshifted, every phase reads all of
 * {@link subpixelTapRange}, and taps outside its own range are zero weights. Shifted, the
 * window is the narrowest one that covers every phase's own range [min_u, max_u] when phase u
 * reads it `shift[u]` outputs (block·shift[u] taps) later, which the convolution computes
 * `shift[u]` outputs later: ×3 reads 3 taps per axis instead of 4 (phase 2 one output later).
 * A shift must be whole outputs, so with blocks of 2 (×2) no window narrower than 6 fits.
 */
export function phaseWindows(
  scale: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
  { block = 1, shifted = false }: SubpixelLayout = {},
): { min: number; taps: number; shift: number[] } {
  const { min, max } = subpixelTapRange(scale, kernel, padding, block);
  const phases = Array.from({ length: block * scale }, (_, u) => ({
    min: Math.ceil((u + padding - kernel + 1) / scale),
    max: Math.floor((u + padding) / scale),
  }));
  const widest = Math.max(...phases.map((p) => p.max - p.min + 1));
  for (let taps = shifted ? widest : max - min + 1; taps < max - min + 1; taps++) {
    const shift = phases.map((p) => Math.ceil(Math.max(0, p.max - (min + taps - 1)) / block));
    if (phases.every((p, u) => min + block * shift[u] <= p.min)) return { min, taps, shift };
  }
  return { min, taps: max - min + 1, shift: phases.map(() => 0) };
}

/**
 * Which sub-pixel weight holds which transposed-convolution tap: pairs of flat indices
 * [sub-pixel (OIHW, [(block·scale)², C, T, T]), deconvolution ([C, 1, K, K])]. With block 1
 * every deconvolution tap appears exactly once (with a larger block, once per LR pixel of the
 * block); sub-pixel entries that appear in no pair are structurally zero.
 */
export function subpixelTapPairs(
  scale: number,
  inChannels: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
  layout: SubpixelLayout = {},
): { taps: number; min: number; shift: number[]; pairs: Int32Array } {
  const block = layout.block ?? 1;
  const { min, taps, shift } = phaseWindows(scale, kernel, padding, layout);
  const side = block * scale;
  const pairs = new Int32Array(2 * inChannels * kernel * kernel * block * block);
  let n = 0;
  for (let uy = 0; uy < side; uy++) {
    for (let ux = 0; ux < side; ux++) {
      const o = uy * side + ux;
      for (let c = 0; c < inChannels; c++) {
        for (let ty = 0; ty < taps; ty++) {
          // Output phase u at tap offset t reads deconvolution tap k = u + P − s·t.
          const ky = uy + padding - scale * (min + block * shift[uy] + ty);
          if (ky < 0 || ky >= kernel) continue;
          for (let tx = 0; tx < taps; tx++) {
            const kx = ux + padding - scale * (min + block * shift[ux] + tx);
            if (kx < 0 || kx >= kernel) continue;
            pairs[n++] = ((o * inChannels + c) * taps + ty) * taps + tx;
            pairs[n++] = (c * kernel + ky) * kernel + kx;
          }
        }
      }
    }
  }
  return { taps, min, shift, pairs: pairs.subarray(0, n) };
}

/**
 * Converts transposed-convolution weights (PyTorch layout [inChannels, 1, K, K]) and bias into
 * the equivalent sub-pixel convolution, laid out as `layout` says (see the module comment).
 */
export function subpixelFromDeconv(
  deconvWeight: Float32Array,
  deconvBias: number,
  inChannels: number,
  scale: number,
  kernel = DECONV_KERNEL,
  padding = DECONV_PADDING,
  layout: SubpixelLayout = {},
): SubpixelConv {
  const block = layout.block ?? 1;
  const { taps, min, shift, pairs } = subpixelTapPairs(
    scale,
    inChannels,
    kernel,
    padding,
    layout,
  );
  const phases = (block * scale) ** 2;
  const weight = new Float32Array(phases * inChannels * taps * taps);
  for (let i = 0; i < pairs.length; i += 2) weight[pairs[i]] = deconvWeight[pairs[i + 1]];
  return {
    scale,
    block,
    taps,
    padBefore: -min,
    padAfter: taps - 1 + min + block * Math.max(...shift),
    shift,
    inChannels,
    weight,
    bias: new Float32Array(phases).fill(deconvBias),
  };
}

/**
 * The inverse mapping, for gradients: gathers a sub-pixel weight gradient back onto the
 * transposed convolution's [inChannels, 1, K, K] layout (taps that are structurally zero drop).
 * For the plain form (block 1), where each tap has one home.
 */
export function deconvFromSubpixel(sp: SubpixelConv, kernel = DECONV_KERNEL): Float32Array {
  const { pairs } = subpixelTapPairs(sp.scale, sp.inChannels, kernel);
  const out = new Float32Array(sp.inChannels * kernel * kernel);
  for (let i = 0; i < pairs.length; i += 2) out[pairs[i + 1]] = sp.weight[pairs[i]];
  return out;
}
