/** Planning one video of a job: its identity and its segments, cut at its keyframes. */
import { InputError } from "../core/errors.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { probeVideoPackets } from "../media/ffmpeg/packets.ts";
import type { MediaInfo } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { isConstantRate } from "../upscale/video.ts";
import type { RunWeights } from "../upscale/engine.ts";
import { absolutePath, inputIdentity, type PlanItem, weightsDigest } from "./manifest.ts";
import { planSegments } from "./plan.ts";

/**
 * Plans one video: its identity and its segments (listing its packets reads the whole file).
 * `digest` is the weights' digest (see weightsDigest) when it is known already.
 *
 * @throws {InputError} The file has no video stream or cannot be read.
 */
export async function planItem(
  tools: FfmpegTools,
  io: { input: string; output: string; overwrite: boolean; folder: string },
  info: MediaInfo,
  seconds: number,
  weights: RunWeights,
  signal?: AbortSignal,
  digest?: string,
): Promise<PlanItem & { uncuttable?: string }> {
  const v = info.video;
  if (!v) throw new InputError(io.input, "has no video stream");
  const packets = await probeVideoPackets(tools, io.input, v.index, signal);
  // Without -enc_time_base, ffmpeg moves a variable-rate video onto a 1/fps grid counted
  // from the first frame it sees: counted from each segment's first frame instead, the
  // timestamps would not be a one-piece run's.
  const exactTimes = isConstantRate(v) || (await capabilities(tools)).encTimeBase !== null;
  let plan = planSegments(packets, v.timeBase, seconds);
  if (plan.frames === 0) throw new InputError(io.input, "contains no video frames");
  if (plan.segments.length > 1 && info.formatName.split(",").includes("mpegts")) {
    // It has no index: a seek to a segment's keyframe starts decoding at packets before it,
    // whose references are missing (H.264: "co located POCs unavailable").
    plan = {
      ...planSegments(packets, v.timeBase, 0),
      uncuttable: "ffmpeg cannot seek in MPEG-TS to a segment's keyframe exactly",
    };
  }
  if (!exactTimes && plan.segments.length > 1) {
    plan = {
      ...planSegments(packets, v.timeBase, 0),
      uncuttable: "its frame rate varies, and this ffmpeg (no -enc_time_base) would round " +
        "its timestamps differently in segments",
    };
  }
  return {
    input: absolutePath(io.input),
    output: absolutePath(io.output),
    overwrite: io.overwrite,
    identity: await inputIdentity(io.input),
    folder: io.folder,
    timeBase: v.timeBase,
    frames: plan.frames,
    segments: plan.segments,
    weights: {
      name: weights.choice.name,
      reason: weights.choice.reason,
      digest: digest ?? await weightsDigest(weights.weights),
    },
    uncuttable: plan.uncuttable,
  };
}
