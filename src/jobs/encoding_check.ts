/**
 * The planning-time trial: a segment's own encode of one frame, then the join of it, so that
 * settings the output cannot take fail when the job is planned, not at its join.
 */
import { OptionError, UsageError } from "../core/errors.ts";
import { encodeArgs } from "../media/ffmpeg/args.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { trialEncode, trialStep } from "../media/ffmpeg/trial.ts";
import type { EncoderStream } from "../media/ffmpeg/stream.ts";
import type { StreamPlan } from "../media/ffmpeg/stream_plan.ts";
import { localName } from "../media/ffmpeg/input_name.ts";
import { makeTaggedTempDir } from "../core/leftovers.ts";
import { frameLayout, workingFormat } from "../media/frame/format.ts";
import type { MediaInfo } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { alphaFate, encoderPixFmt } from "../media/ffmpeg/alpha.ts";
import { extensionOf } from "../upscale/kinds.ts";
import { isConstantRate, outputColor } from "../upscale/video.ts";
import { itemStreamPlan, joinArgs } from "./join.ts";
import { type PixelSettings, planEncoder } from "./manifest.ts";
import { SEGMENT_MUXER } from "./work.ts";

/**
 * Checks, with a trial encode, that the settings can write this output (see trialEncode);
 * `checked` remembers combinations already tried.
 *
 * @throws {UsageError} The encoder is missing, refuses the settings, or the container cannot
 *   hold its codec.
 */
export async function checkEncoding(
  tools: FfmpegTools,
  settings: PixelSettings,
  io: { input: string; output: string },
  info: MediaInfo,
  checked = new Set<string>(),
  signal?: AbortSignal,
  planned?: StreamPlan,
): Promise<void> {
  const output = io.output;
  const muxer = VIDEO_MUXERS[extensionOf(output)];
  const caps = await capabilities(tools);
  const video = planEncoder(settings);
  const v = info.video!;
  // The segments' frames, alpha included when they keep it (as makeSegment decides it).
  const alpha = alphaFate(info, {
    encoder: video.codec,
    pixFmt: video.pixFmt,
    decoders: caps.decoders,
  });
  const frames = workingFormat(v.pixFmt, alpha?.keep);
  const constantRate = isConstantRate(v);
  // A segment's encode (see makeSegment and upscaleVideo), of its first frame only.
  const segmentArgs = (out: string) =>
    encodeArgs({
      output: out,
      muxer: SEGMENT_MUXER,
      video,
      frames,
      color: outputColor(v),
      variableFrameRate: !constantRate,
      trial: true,
      caps,
    });
  const stream: EncoderStream = {
    pixFmt: frames.name,
    width: v.width * settings.scale,
    height: v.height * settings.scale,
    timeBase: v.timeBase,
    frameRate: constantRate ? v.frameRate : undefined,
  };
  // The other streams matter too (what the container takes): they are the input's own.
  const streams = info.streams.map((s) => `${s.type}:${s.codec}`);
  const key = JSON.stringify([muxer, segmentArgs(""), stream, streams]);
  if (checked.has(key)) return;
  const cannot = (problem: string) =>
    new UsageError(
      `${output}: cannot write ${video.codec} (${
        encoderPixFmt(video.codec, frames, video.pixFmt)
      }) and the input's other streams into .${extensionOf(output)}: ${problem}`,
    );
  let kept;
  try {
    kept = (planned ?? itemStreamPlan(output, info, settings, caps, tools.ffmpeg)).kept;
  } catch (e) {
    if (e instanceof OptionError) throw cannot(e.message);
    throw e;
  }
  const dir = await makeTaggedTempDir("fsrcnn-trial-");
  try {
    const segment = `${dir}/trial.nut`;
    const problem = await trialEncode(
      tools.ffmpeg,
      segmentArgs(segment),
      stream,
      { bytes: frameLayout(frames, stream.width, stream.height).frameBytes, pts: 0 },
      signal,
    ) ?? await trialStep(
      tools.ffmpeg,
      joinArgs({
        input: io.input,
        info,
        muxer,
        settings,
        caps,
        kept,
        // Before the packets are listed the start is unknown; the offsets never make a
        // stream unwritable.
        videoStart: 0,
        videoInput: { inputOptions: ["-f", SEGMENT_MUXER], input: localName(segment) },
        output: `${dir}/trial.out`,
        trial: true,
      }),
      signal,
    );
    if (problem) throw cannot(problem);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
  checked.add(key);
}
