/**
 * Making one segment: its frames are decoded from its keyframe, upscaled and encoded into a
 * video-only NUT file (NUT keeps every timestamp exactly and holds any codec) under a
 * temporary name; the file is flushed, its packets counted and hashed, and only then renamed
 * into place and recorded as done (with its SHA-256, so that damage found later remakes it).
 */
import type { FfmpegCapabilities } from "../media/ffmpeg/capabilities.ts";
import { fileInput } from "../media/ffmpeg/input_name.ts";
import { countVideoPackets } from "../media/ffmpeg/packets.ts";
import type { MediaInfo } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { ToolError } from "../core/errors.ts";
import { fileSha256 } from "../core/fs.ts";
import type { TiledUpscaler } from "../net/tiling/tiled.ts";
import type { OutputTarget } from "../upscale/output.ts";
import type { UpscaleProgress } from "../upscale/progress.ts";
import { type FrameSource, upscaleVideo } from "../upscale/video.ts";
import { WindowMissedError } from "../upscale/window.ts";
import { planEncoder, type WorkPlan, writing } from "./manifest.ts";
import { seekSeconds } from "./plan.ts";
import { pictureTreatment } from "../upscale/treatment.ts";
import {
  clearAttempts,
  type DoneRecord,
  markDone,
  partialFile,
  SEGMENT_MUXER,
  segmentFile,
  type Task,
} from "./work.ts";

/** The frame source of a video file (the whole file; a segment picks its frames). */
export function videoSource(path: string, info: MediaInfo): FrameSource {
  return {
    path,
    kind: "video",
    info,
    ...fileInput(path),
    expectedFrames: info.video!.frameCount,
    chromaLocation: info.video!.chromaLocation,
  };
}

/** What {@link makeSegment} needs. */
export interface SegmentJob {
  tools: FfmpegTools;
  caps: FfmpegCapabilities;
  upscaler: TiledUpscaler;
  batch: number;
  work: string;
  plan: WorkPlan;
  task: Task;
  /** The task's video, probed. */
  info: MediaInfo;
  signal?: AbortSignal;
  /** Progress within the segment (`total` is its frame count). */
  onProgress?: (p: UpscaleProgress) => void;
}

/** Opens a file and flushes it to disk, so that a power cut cannot leave a renamed hole. */
async function flush(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true, write: true });
  try {
    await file.syncData();
  } finally {
    file.close();
  }
}

/**
 * Makes one segment and records it done. A seek that lands after the segment's keyframe
 * (some demuxers seek by byte position) is retried from earlier keyframes, then from the
 * start of the video.
 *
 * @throws {InputError} The segment's frames did not all decode.
 * @throws {ToolError} ffmpeg failed, or the written segment does not hold its frames.
 * @throws {CancelledError} `signal` was aborted; the temporary file is removed.
 */
export async function makeSegment(job: SegmentJob): Promise<DoneRecord> {
  const { work, plan, task } = job;
  const item = plan.items[task.item];
  const spec = task.segment;
  const started = performance.now();
  await clearAttempts(work, plan, task);
  const final = segmentFile(work, plan, task);
  const temp = partialFile(work, plan, task);
  const s = plan.settings;
  const source = videoSource(item.input, job.info);
  // Decided as the one-piece run decides it, from the whole video (never from the segment).
  const treatment = await pictureTreatment(job.tools, {
    source,
    output: item.output,
    deinterlace: s.deinterlace,
    encoder: s.codec,
    pixFmt: s.pixFmt ?? undefined,
    signal: job.signal,
  });
  // Seek points to try: the segment's keyframe, then earlier segments' ones, then none. The
  // deinterlacer weaves each picture from its neighbours: it starts a segment earlier, so that
  // the segment's first picture has the neighbour it has in a one-piece run.
  const seeks: (string | undefined)[] = [];
  const first = treatment.deinterlace ? spec.index - 1 : spec.index;
  for (let k = first; k >= 0 && seeks.length < 3; k--) {
    const start = item.segments[k].start;
    if (start !== null) seeks.push(seekSeconds(start, item.timeBase));
  }
  seeks.push(undefined);
  const target: OutputTarget = {
    path: final,
    kind: "video",
    temp,
    commit: () => writing(final, () => Deno.rename(temp, final)),
    discard: () => Deno.remove(temp).catch(() => {}),
    // An earlier attempt's temporaries were cleared above (clearAttempts).
    leftovers: { removed: [], kept: [] },
  };
  try {
    for (let attempt = 0;; attempt++) {
      try {
        await upscaleVideo({
          tools: job.tools,
          caps: job.caps,
          upscaler: job.upscaler,
          batch: job.batch,
          source: { ...source, expectedFrames: spec.frames },
          target,
          muxer: SEGMENT_MUXER,
          deinterlace: treatment.deinterlace,
          turn: treatment.turn,
          alpha: treatment.alpha,
          video: planEncoder(s),
          keepPartial: false,
          signal: job.signal,
          onProgress: job.onProgress,
          segment: {
            start: spec.start,
            end: spec.end,
            timeBase: item.timeBase,
            seek: seeks[attempt],
            frames: spec.frames,
          },
        });
        break;
      } catch (e) {
        await target.discard();
        if (e instanceof WindowMissedError && attempt + 1 < seeks.length) continue;
        throw e;
      }
    }
    await writing(final, () => flush(temp));
    const packets = await countVideoPackets(job.tools, temp, job.signal);
    if (packets !== spec.frames) {
      throw new ToolError(
        `${final}: the encoded segment holds ${
          packets ?? "no readable"
        } packets, not its ${spec.frames} frames`,
      );
    }
    const bytes = (await Deno.stat(temp)).size;
    const sha256 = await fileSha256(temp, job.signal);
    await target.commit();
    const record: DoneRecord = {
      frames: spec.frames,
      bytes,
      sha256,
      seconds: (performance.now() - started) / 1000,
      host: Deno.hostname(),
      finished: new Date().toISOString(),
    };
    await markDone(work, plan, task, record);
    return record;
  } finally {
    await target.discard();
  }
}
