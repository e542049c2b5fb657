/**
 * Runs the registry's degradations on an HR frame or clip and returns the LR Y planes. The
 * degradations that share their source steps share one prepared clip, and their ffmpeg
 * scalers one ffmpeg run (degradeClip), so that a training set costs two ffmpeg runs per clip
 * and source, not two per degradation.
 */
import { degradeClip, type SwsScaler, type Yuv420Frame } from "../../media/ffmpeg/degrade.ts";
import type { FfmpegTools } from "../../media/ffmpeg/resolve.ts";
import type { Plane } from "../../media/frame/pixels.ts";
import { type DegradationName, degradationNamed } from "./registry.ts";

const toFloat = (width: number, height: number, data: ArrayLike<number>): Plane => ({
  width,
  height,
  data: Float32Array.from(data),
});

/**
 * The LR Y planes (0..255 units) of some degradations of an HR frame (see hrFrame), in
 * their order; `crf` undefined skips the codec round trip.
 */
export async function degradeLuma(
  tools: FfmpegTools,
  frame: Yuv420Frame,
  degradations: readonly DegradationName[],
  scale: number,
  crf: number | undefined,
  signal?: AbortSignal,
): Promise<Plane[]> {
  return (await degradeLumaFrames(tools, [frame], [0], degradations, scale, crf, signal))[0];
}

/**
 * {@link degradeLuma} for some frames of a clip: each coded degradation's LR clip goes through
 * x264 as one video (so the frames after the first are coded from their neighbours); an
 * uncoded one's LR is that of each frame alone. Per frame asked for, the LR Y planes of the
 * degradations, in their order.
 */
export async function degradeLumaFrames(
  tools: FfmpegTools,
  clip: readonly Yuv420Frame[],
  frames: readonly number[],
  degradations: readonly DegradationName[],
  scale: number,
  crf: number | undefined,
  signal?: AbortSignal,
): Promise<Plane[][]> {
  for (const at of frames) {
    if (!clip[at]) throw new RangeError(`a clip of ${clip.length} frames has no frame ${at}`);
  }
  const entries = degradations.map(degradationNamed);
  const out: Plane[][] = frames.map(() => new Array(entries.length));
  // Degradations whose sources are made alike start from the same prepared clip.
  const bySource = new Map<string, number[]>();
  for (const [k, d] of entries.entries()) {
    const key = d.source.map((s) => s.describe(scale)).join("; ");
    bySource.set(key, [...bySource.get(key) ?? [], k]);
  }
  for (const members of bySource.values()) {
    const steps = entries[members[0]].source;
    const source = steps.length === 0
      ? clip
      : clip.map((f) => steps.reduce((frame, step) => step.apply(frame, scale), f));
    const { width, height } = source[0];
    const scaled: number[] = [], scalers: SwsScaler[] = [];
    for (const k of members) {
      const shrink = entries[k].shrink;
      if (shrink.kind !== "ffmpeg") continue;
      scaled.push(k);
      scalers.push(shrink.scaler);
    }
    // The whole clip is coded: a B frame is predicted from frames on both sides of it.
    const lr = await degradeClip(tools, source, { scale, scalers, crf, signal });
    for (const k of members) {
      const shrink = entries[k].shrink;
      frames.forEach((at, i) => {
        out[i][k] = shrink.kind === "luma"
          ? shrink.resize(toFloat(width, height, source[at].y), scale)
          : toFloat(width / scale, height / scale, lr[scaled.indexOf(k)][at]);
      });
    }
  }
  return out;
}
