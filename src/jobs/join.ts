/**
 * Joining a video's segments into its output without re-encoding: ffmpeg's concat demuxer
 * reads the segments one after another (each placed on the timeline by its first frame's
 * timestamp), and the source's audio, subtitles, chapters, attachments and metadata are taken
 * once, from the source, by the same arguments a one-piece run uses.
 */
import { ToolError } from "../core/errors.ts";
import type { LeftoverReport } from "../core/leftovers.ts";
import { encodeArgs } from "../media/ffmpeg/args.ts";
import type { FfmpegCapabilities } from "../media/ffmpeg/capabilities.ts";
import { concatListInput, type FfmpegInput } from "../media/ffmpeg/input_name.ts";
import { countVideoPackets } from "../media/ffmpeg/packets.ts";
import type { MediaInfo, VideoInfo } from "../media/ffmpeg/probe.ts";
import { planStreams, type StreamPlan } from "../media/ffmpeg/stream_plan.ts";
import type { Rational } from "../core/rational.ts";
import { runTool, stderrTail } from "../media/ffmpeg/process.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { applyRotation, keepsDisplayMatrix } from "../media/ffmpeg/rotate.ts";
import { MOV_MUXERS, VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { copiedOpusDelay, videoStart } from "../media/ffmpeg/start.ts";
import { extensionOf } from "../upscale/kinds.ts";
import { prepareOutput } from "../upscale/output.ts";
import { isConstantRate, outputColor } from "../upscale/video.ts";
import { rescale } from "../upscale/window.ts";
import {
  type PixelSettings,
  planEncoder,
  type PlanItem,
  type WorkPlan,
  writeFileAtomic,
} from "./manifest.ts";
import { microsBetween } from "./plan.ts";
import { segmentName } from "./work.ts";

/**
 * The time base a one-piece run's encoder works in, which fixes the output's timestamps:
 * 1/fps for constant-rate video (and for any video when ffmpeg lacks `-enc_time_base`), else
 * the source's own.
 */
export function encoderTimeBase(
  v: Pick<VideoInfo, "frameRate" | "avgFrameRate" | "timeBase">,
  caps: Pick<FfmpegCapabilities, "encTimeBase">,
): Rational {
  return !isConstantRate(v) && caps.encTimeBase !== null
    ? v.timeBase
    : { num: v.frameRate.den, den: v.frameRate.num };
}

/**
 * Where each segment starts on the output's timeline, in ticks of the encoder's time base
 * `encTb`, from the first segment's start. A one-piece run puts every frame on that grid,
 * counted from the video's first frame; each segment's encoder counts from the segment's own
 * first frame, so the segment must start on the grid point the one-piece run gives that
 * frame. (Sources whose timestamps are rounded, like Matroska's milliseconds, would otherwise
 * shift whole segments by the rounding.)
 */
export function segmentOffsets(
  item: Pick<PlanItem, "segments" | "timeBase">,
  encTb: Rational,
): number[] {
  const first = item.segments[0].firstPts;
  return item.segments.map((s) => rescale(s.firstPts - first, item.timeBase, encTb));
}

/**
 * The concat demuxer's list for a video's segments (file names relative to the list). Each
 * segment but the last gets the span until the next one's start (see segmentOffsets), in
 * microseconds rounded the way ffmpeg rounds start times, so that the segments land exactly
 * where a one-piece run puts their frames.
 */
export function concatList(
  item: Pick<PlanItem, "segments" | "timeBase">,
  encTb: Rational,
): string {
  const lines = ["ffconcat version 1.0"];
  const segs = item.segments;
  const offsets = segmentOffsets(item, encTb);
  for (let k = 0; k < segs.length; k++) {
    lines.push(`file ${segmentName(segs[k].index)}`);
    if (k + 1 < segs.length) {
      const us = microsBetween(offsets[k], offsets[k + 1], encTb);
      lines.push(`duration ${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, "0")}`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * The track timescale MP4/MOV give a video encoded by a one-piece run: the encoder's time base
 * denominator, doubled until it reaches 10000, as libavformat's mov muxer does. Copied from
 * NUT segments (whose time base NUT refines to 1/48000 or finer) the muxer would pick another:
 * the same instants, in other units.
 */
export function movTimescale(encTb: Rational): number {
  let scale = encTb.den;
  if (!(scale > 0)) return 0;
  while (scale < 10000) scale *= 2;
  return scale;
}

/**
 * The output's streams for a video made with `settings` (its video encoder, the source's
 * streams kept, converted or dropped), decided exactly as a one-piece run decides them.
 *
 * @throws {OptionError} The container cannot hold the encoder's codec, or it is missing.
 */
export function itemStreamPlan(
  output: string,
  info: MediaInfo,
  settings: Pick<PixelSettings, "codec">,
  caps: Pick<FfmpegCapabilities, "encoders">,
  ffmpeg: string,
): StreamPlan {
  return planStreams({
    output,
    muxer: VIDEO_MUXERS[extensionOf(output)],
    source: info,
    videoEncoder: settings.codec,
    encoders: caps.encoders,
    ffmpeg,
  });
}

/**
 * Seconds from the output's start to the item's first frame: the concat demuxer starts the
 * joined video at 0, and the join moves it there as a one-piece run does (see ffmpeg/start.ts).
 */
export function itemVideoStart(
  item: Pick<PlanItem, "segments" | "timeBase">,
  info: Pick<MediaInfo, "start">,
  opusDelay: number,
): number {
  return videoStart(
    item.segments[0].firstPts * item.timeBase.num / item.timeBase.den,
    info,
    opusDelay,
  );
}

/**
 * The ffmpeg arguments of a join: the encoded video from `videoInput` (copied), everything
 * else from the source (as a one-piece run takes it), into `output` (an ffmpeg name).
 */
export function joinArgs(o: {
  input: string;
  info: MediaInfo;
  muxer: string;
  settings: PixelSettings;
  caps: FfmpegCapabilities;
  /** The source's streams to keep (see itemStreamPlan). */
  kept: StreamPlan["kept"];
  /** Seconds from the source's start to the video's first frame (see itemVideoStart). */
  videoStart: number;
  videoInput: FfmpegInput;
  output: string;
  /** Only the first frame: the trial that shows whether ffmpeg accepts the output. */
  trial?: boolean;
}): string[] {
  const v = o.info.video!;
  const encTb = encoderTimeBase(v, o.caps);
  const timescale = MOV_MUXERS.has(o.muxer) ? movTimescale(encTb) : 0;
  return encodeArgs({
    output: o.output,
    muxer: o.muxer,
    video: {
      ...planEncoder(o.settings),
      extra: [
        ...(timescale > 0 ? ["-video_track_timescale", String(timescale)] : []),
        ...o.settings.encoderArgs,
      ],
    },
    source: { path: o.input, info: o.info, streams: o.kept },
    videoStart: o.videoStart,
    trial: o.trial,
    color: outputColor(v),
    caps: o.caps,
    copyVideoFrom: o.videoInput,
  });
}

/** What {@link joinItem} needs. */
export interface JoinJob {
  tools: FfmpegTools;
  caps: FfmpegCapabilities;
  work: string;
  plan: WorkPlan;
  item: number;
  /** The item's input, probed. */
  info: MediaInfo;
  /** Replace an existing output, whatever the plan says (a resumed run asked with -y). */
  overwrite?: boolean;
  /** The output's streams, when the caller has planned them already (see itemStreamPlan). */
  streams?: StreamPlan;
  signal?: AbortSignal;
}

/**
 * Writes one video's output from its finished segments (all must be done; see
 * verifiedDone) and checks that it holds every frame. The output is placed as a one-piece
 * run places it: written under a temporary name, renamed when complete.
 *
 * @throws {OutputError} The output exists (and the plan does not replace it) or cannot be
 *   written.
 * @throws {ToolError} ffmpeg failed, or the joined video lacks frames.
 */
export async function joinItem(
  job: JoinJob,
): Promise<{ frames: number; leftovers: LeftoverReport }> {
  const item = job.plan.items[job.item];
  const folder = `${job.work}/${item.folder}`;
  const v = job.info.video!;
  const encTb = encoderTimeBase(v, job.caps);
  const list = `${folder}/segments.ffconcat`;
  await writeFileAtomic(list, new TextEncoder().encode(concatList(item, encTb)));
  const target = await prepareOutput(item.output, {
    kind: "video",
    overwrite: job.overwrite || item.overwrite,
    inputs: [{ path: item.input, kind: "video" }],
  });
  try {
    const muxer = VIDEO_MUXERS[extensionOf(item.output)];
    const streams = job.streams ??
      itemStreamPlan(item.output, job.info, job.plan.settings, job.caps, job.tools.ffmpeg);
    const args = joinArgs({
      kept: streams.kept,
      videoStart: itemVideoStart(
        item,
        job.info,
        await copiedOpusDelay(job.tools, job.info, streams.kept, job.signal),
      ),
      input: item.input,
      info: job.info,
      muxer,
      settings: job.plan.settings,
      caps: job.caps,
      videoInput: concatListInput(list),
      output: target.temp,
    });
    const r = await runTool(job.tools.ffmpeg, args, { signal: job.signal });
    if (r.code !== 0) {
      throw new ToolError(`${item.output}: joining the segments failed (${stderrTail(r.stderr)})`);
    }
    if (v.rotation !== 0 && keepsDisplayMatrix(muxer, item.output)) {
      await applyRotation(job.tools, job.caps, target.temp, muxer, v.rotation, job.signal);
    }
    const packets = await countVideoPackets(job.tools, target.temp, job.signal);
    if (packets !== item.frames) {
      throw new ToolError(
        `${item.output}: the joined video holds ${
          packets ?? "no readable"
        } frames, not ${item.frames}`,
      );
    }
    await target.commit();
    return { frames: item.frames, leftovers: target.leftovers };
  } catch (e) {
    await target.discard();
    throw e;
  }
}
