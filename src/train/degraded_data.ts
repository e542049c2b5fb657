/**
 * Training and validation pairs degraded the ways real low-resolution video is made: the
 * `eval --degradations` suite's degradations (src/eval/degradations/registry.ts), ffmpeg's
 * scalers of a sharp or a soft source each followed by an x264 round trip at one of several
 * CRFs, beside (or instead of) the literature's MATLAB-bicubic LR. Weights trained on
 * them are meant for video, not for the paper's protocol.
 *
 * Every pair is made once when training starts (ffmpeg runs twice per pair), so sampling
 * stays as cheap as with the MATLAB pairs. The paper's augmentation downscales are applied to
 * the colour image before the degradation, as if the footage had been shot smaller.
 */
import { degradeLumaFrames } from "../eval/degradations/degrade_luma.ts";
import { type DegradationName, degradationNamed } from "../eval/degradations/registry.ts";
import { hrFrame } from "../eval/hr_frame.ts";
import { PAN_FRAMES, PAN_MOTIONS, panClip } from "../eval/pan_clip.ts";
import { imresize } from "../eval/imresize.ts";
import type { NamedImage } from "../eval/protocol.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import type { Plane } from "../media/frame/pixels.ts";
import type { TrainPair } from "./data.ts";

/** How {@link buildDegradedPairs} degrades the images. */
export interface DegradedPairsOptions {
  scale: number;
  /** Each image (and each augmentation downscale of it) is degraded every one of these ways. */
  degradations: readonly DegradationName[];
  /**
   * x264 CRFs, used in turn over the (image, downscale) pairs; empty: no codec round trip.
   * Degradations that are not coded (`matlab`) never go through it.
   */
  crfs: readonly number[];
  /** Augmentation downscales of the HR image (1 is the image itself). */
  factors: readonly number[];
  /**
   * With a codec: the fraction of (image, downscale) pairs whose LR is a predicted (P or B)
   * frame of a short clip panning over the image (src/eval/pan_clip.ts), as most frames of a
   * video are, rather than the picture coded alone (default 0: every one coded alone).
   */
  inter?: number;
  signal?: AbortSignal;
  /** Called after each image with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

const normalised = (p: Plane): Plane => ({
  width: p.width,
  height: p.height,
  data: p.data.map((v) => v / 255),
});

/**
 * The (LR, HR) Y pairs, in [0, 1], of every image under every degradation. Pairs of one image
 * and downscale share their HR plane. Images too small for a 4:2:0 frame at this scale are
 * skipped.
 */
export async function buildDegradedPairs(
  tools: FfmpegTools,
  images: readonly NamedImage[],
  o: DegradedPairsOptions,
): Promise<TrainPair[]> {
  const pairs: TrainPair[] = [];
  const inter = o.crfs.length === 0 ? 0 : o.inter ?? 0;
  let turn = 0, clips = 0;
  for (const [i, { name, image }] of images.entries()) {
    for (const f of o.factors) {
      const scaled = f === 1 ? image : imresize(image, f);
      if (scaled.width < 2 * o.scale || scaled.height < 2 * o.scale) continue;
      o.signal?.throwIfAborted();
      // All degradations of one frame share a CRF (they go through x264 together).
      const crf = o.crfs.length === 0 ? undefined : o.crfs[turn % o.crfs.length];
      // Spread the predicted frames evenly over the turns: `inter` of them, in every stretch.
      const predicted = Math.floor((turn + 1) * inter) > Math.floor(turn * inter);
      turn++;
      const motion = PAN_MOTIONS[clips % PAN_MOTIONS.length];
      const clip = predicted ? panClip(scaled, o.scale, motion) : null;
      // The frames after the first in turn: B and P frames both (x264's defaults).
      const at = clip ? 1 + (clips++ % (PAN_FRAMES - 1)) : 0;
      const frames = clip ?? [hrFrame(scaled, o.scale)];
      const frame = frames[at];
      const hr = normalised({
        width: frame.width,
        height: frame.height,
        data: Float32Array.from(frame.y),
      });
      const [lrs] = await degradeLumaFrames(
        tools,
        frames,
        [at],
        o.degradations,
        o.scale,
        crf,
        o.signal,
      );
      const how = clip ? `pan${motion.dx},${motion.dy}#${at}` : "";
      for (const [k, degradation] of o.degradations.entries()) {
        const coded = degradationNamed(degradation).coded && crf !== undefined;
        const label = coded ? `${degradation}+crf${crf}${how}` : degradation;
        pairs.push({ name: `${name}@${f}/${label}`, hr, lr: normalised(lrs[k]) });
      }
    }
    o.onProgress?.(i + 1, images.length);
  }
  return pairs;
}
