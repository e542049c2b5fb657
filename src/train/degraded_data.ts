/**
 * Training and validation pairs degraded the ways real low-resolution video is made: the
 * `eval --degradations` suite's ffmpeg scalers, each followed by an x264 round trip at one of
 * several CRFs, beside (or instead of) the literature's MATLAB-bicubic LR. Weights trained on
 * them are meant for video, not for the paper's protocol.
 *
 * Every pair is made once when training starts (ffmpeg runs twice per pair), so sampling
 * stays as cheap as with the MATLAB pairs. The paper's augmentation downscales are applied to
 * the colour image before the degradation, as if the footage had been shot smaller.
 */
import { type DegradationName, degradeLuma, hrFrame } from "../eval/degradations.ts";
import { imresize } from "../eval/imresize.ts";
import type { NamedImage } from "../eval/protocol.ts";
import type { FfmpegTools } from "../ffmpeg/resolve.ts";
import type { Plane } from "../frame/pixels.ts";
import type { TrainPair } from "./data.ts";

/** How {@link buildDegradedPairs} degrades the images. */
export interface DegradedPairsOptions {
  scale: number;
  /** Each image (and each augmentation downscale of it) is degraded every one of these ways. */
  degradations: readonly DegradationName[];
  /**
   * x264 CRFs, used in turn over the (image, downscale) pairs; empty: no codec round trip. The
   * `matlab` degradation never goes through the codec.
   */
  crfs: readonly number[];
  /** Augmentation downscales of the HR image (1 is the image itself). */
  factors: readonly number[];
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
  let turn = 0;
  for (const [i, { name, image }] of images.entries()) {
    for (const f of o.factors) {
      const scaled = f === 1 ? image : imresize(image, f);
      if (scaled.width < 2 * o.scale || scaled.height < 2 * o.scale) continue;
      const frame = hrFrame(scaled, o.scale);
      const hr = normalised({
        width: frame.width,
        height: frame.height,
        data: Float32Array.from(frame.y),
      });
      o.signal?.throwIfAborted();
      // All degradations of one frame share a CRF (they go through x264 together).
      const crf = o.crfs.length === 0 ? undefined : o.crfs[turn++ % o.crfs.length];
      const lrs = await degradeLuma(tools, frame, o.degradations, o.scale, crf, o.signal);
      for (const [k, degradation] of o.degradations.entries()) {
        const coded = degradation !== "matlab" && crf !== undefined;
        const label = coded ? `${degradation}+crf${crf}` : degradation;
        pairs.push({ name: `${name}@${f}/${label}`, hr, lr: normalised(lrs[k]) });
      }
    }
    o.onProgress?.(i + 1, images.length);
  }
  return pairs;
}
