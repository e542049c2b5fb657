/**
 * Joining a video's segments into its output without re-encoding: ffmpeg's concat demuxer
 * reads the segments one after another (each placed on the timeline by its first frame's
 * timestamp), and the source's audio, subtitles, chapters, attachments and metadata are taken
 * once, from the source, by the same arguments a one-piece run uses.
 */
import { ToolError } from "../errors.ts";
import { encodeArgs } from "../ffmpeg/args.ts";
import type { FfmpegCapabilities } from "../ffmpeg/capabilities.ts";
import { localName } from "../ffmpeg/input_name.ts";
import { countVideoPackets } from "../ffmpeg/packets.ts";
import type { MediaInfo, VideoInfo } from "../ffmpeg/probe.ts";
import { runTool, stderrTail } from "../ffmpeg/process.ts";
import type { FfmpegTools } from "../ffmpeg/resolve.ts";
import { applyRotation, ROTATABLE_MUXERS } from "../ffmpeg/rotate.ts";
import { extensionOf, VIDEO_MUXERS } from "../pipeline/kinds.ts";
import { prepareOutput } from "../pipeline/output.ts";
import { isConstantRate, outputColor } from "../pipeline/video.ts";
import { type PlanItem, type WorkPlan, writeFileAtomic } from "./manifest.ts";
import { microsBetween } from "./plan.ts";

/**
 * The concat demuxer's list for a video's segments (file names relative to the list). Each
 * segment but the last gets the exact span until the next one's first frame, in
 * microseconds, so that the joined timestamps are the source's, not a sum of rounded
 * durations.
 */
export function concatList(item: Pick<PlanItem, "segments" | "timeBase">): string {
  const lines = ["ffconcat version 1.0"];
  const segs = item.segments;
  for (let k = 0; k < segs.length; k++) {
    lines.push(`file seg-${String(segs[k].index).padStart(5, "0")}.nut`);
    if (k + 1 < segs.length) {
      const us = microsBetween(segs[k].firstPts, segs[k + 1].firstPts, item.timeBase);
      lines.push(`duration ${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, "0")}`);
    }
  }
  return lines.join("\n") + "\n";
}

/**
 * The track timescale MP4/MOV give a video encoded by a one-piece run: the encoder's time base
 * (1/fps for constant-rate video, else the source's) with its denominator doubled until it
 * reaches 10000, as libavformat's mov muxer does. Copied from NUT segments (whose time base
 * NUT refines to 1/48000 or finer) the muxer would pick another: the same instants, in other
 * units.
 */
export function movTimescale(
  v: Pick<VideoInfo, "frameRate" | "avgFrameRate" | "timeBase">,
  caps: Pick<FfmpegCapabilities, "encTimeBase">,
): number {
  const vfr = !isConstantRate(v) && caps.encTimeBase !== null;
  let scale = vfr ? v.timeBase.den : v.frameRate.num;
  if (!(scale > 0)) return 0;
  while (scale < 10000) scale *= 2;
  return scale;
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
export async function joinItem(job: JoinJob): Promise<{ frames: number }> {
  const item = job.plan.items[job.item];
  const folder = `${job.work}/${item.folder}`;
  const list = `${folder}/segments.ffconcat`;
  await writeFileAtomic(list, new TextEncoder().encode(concatList(item)));
  const target = await prepareOutput(item.output, {
    kind: "video",
    overwrite: item.overwrite,
    inputs: [item.input],
  });
  try {
    const muxer = VIDEO_MUXERS[extensionOf(item.output)];
    const v = job.info.video!;
    const s = job.plan.settings;
    const timescale = ROTATABLE_MUXERS.has(muxer) ? movTimescale(v, job.caps) : 0;
    const args = encodeArgs({
      output: localName(target.temp),
      muxer,
      video: {
        codec: s.codec,
        pixFmt: s.pixFmt ?? "",
        extra: [
          ...(timescale > 0 ? ["-video_track_timescale", String(timescale)] : []),
          ...s.encoderArgs,
        ],
      },
      source: { name: localName(item.input), info: job.info },
      color: outputColor(v),
      caps: job.caps,
      copyVideoFrom: ["-f", "concat", "-safe", "0", "-i", localName(list)],
    });
    const r = await runTool(job.tools.ffmpeg, args, { signal: job.signal });
    if (r.code !== 0) {
      throw new ToolError(`${item.output}: joining the segments failed (${stderrTail(r.stderr)})`);
    }
    if (v.rotation !== 0 && ROTATABLE_MUXERS.has(muxer)) {
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
    return { frames: item.frames };
  } catch (e) {
    await target.discard();
    throw e;
  }
}
