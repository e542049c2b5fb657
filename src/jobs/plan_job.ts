/**
 * A segmented job in steps that a scheduler can run on many machines sharing one folder:
 * plan it once ({@link planJob}), make any segment by its task index, in any order, anywhere
 * ({@link runTask}), then join ({@link joinJob}). The work folder is the whole state: no
 * process talks to another.
 */
import { OptionError, UsageError, WorkFolderError } from "../core/errors.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { probe } from "../media/ffmpeg/probe.ts";
import { type FfmpegTools, tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import { exists } from "../core/fs.ts";
import { type FsrcnnWeights, saveWeights } from "../net/weights/file.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { alphaBesidePicture, sourceHasAlpha } from "../media/ffmpeg/alpha.ts";
import { extensionOf } from "../upscale/kinds.ts";
import { requirePictures } from "../upscale/input.ts";
import { prepareOutput, refuseWritingOverInputs } from "../upscale/output.ts";
import { resolveWeights } from "../upscale/engine.ts";
import { measureInput, sampleSourceOf } from "../upscale/sample.ts";
import type { UpscaleNotice } from "../upscale/options.ts";
import { planNotices, planStreams } from "../media/ffmpeg/stream_plan.ts";
import { type ItemWeights, newPlan, type PlanItem, readPlan, type WorkPlan } from "./manifest.ts";
import { checkPrintable } from "./printable.ts";
import { videoSource } from "./segment.ts";
import { pictureTreatment, sizeChangeNotice } from "../upscale/treatment.ts";
import { createWork, isWorkFolder, itemFolder, notWorkFolder, tasksOf } from "./work.ts";
import {
  pixelSettings,
  type PlanSettingsOptions,
  planVideoEncoder,
  weightsRequest,
} from "./settings.ts";
import { planItem } from "./plan_item.ts";
import { checkEncoding } from "./encoding_check.ts";
import { discardWork, reuseProblem } from "./reuse.ts";
import { jobFiles } from "./files.ts";

/** What {@link planJob} plans. */
export interface PlanJobOptions extends PlanSettingsOptions {
  /** A video file, or a folder of videos (a film library: one task per video segment). */
  input: string;
  /** The output video, or for a folder of videos the output folder (made if missing). */
  output: string;
  /**
   * The work folder, which every machine must see at the same path (shared storage).
   * Default: beside the output, `.NAME.fsrcnn-work` (a folder output: `OUT/.fsrcnn-work`).
   */
  work?: string;
  /** Replace existing outputs at the join (default false: they are an OutputError now). */
  overwrite?: boolean;
  /** Discard an existing plan in `work` first (default false). */
  restart?: boolean;
  /** ffmpeg binary, as for {@link UpscaleOptions.ffmpeg}. */
  ffmpeg?: string;
  /** The largest frame, in pixels, as for {@link UpscaleOptions.maxPixels}. */
  maxPixels?: number;
  /** Stops planning (nothing is left behind). */
  signal?: AbortSignal;
  /** Told, in one line, when a lock left by a process that is gone is taken over. */
  onNotice?: (message: string) => void;
}

/** What {@link planJob} planned. */
export interface JobPlanSummary {
  /** The work folder. */
  work: string;
  /** Tasks (segments of all videos): a scheduler runs indices 0 to `tasks - 1`. */
  tasks: number;
  /** Frames of all videos. */
  frames: number;
  /** True when the folder already held this same plan (nothing was changed). */
  existing: boolean;
  /** Each video: input and output (absolute), segments, frames. */
  items: {
    /** Input path. */
    input: string;
    /** Output path. */
    output: string;
    /** Number of segments. */
    segments: number;
    /** Number of frames. */
    frames: number;
    /** The weights its segments run, and why (chosen when it was planned). */
    weights: ItemWeights;
    /** Why the video stays one segment although it is long, when it does. */
    uncuttable?: string;
    /**
     * What its output will do differently from the source, one line each, as
     * {@link UpscaleOptions.onNotice} tells it (empty when the plan already existed).
     */
    notices: UpscaleNotice[];
  }[];
}

/**
 * Plans a segmented job into a work folder: one video, or every video of a folder (a film
 * library). Each video is cut at its keyframes (see planSegments); the outputs are checked
 * now, so that a job does not fail at its end on an output that cannot be written. Planning
 * the same job again leaves the plan as it is.
 *
 * @param o What to plan; see {@link PlanJobOptions}.
 * @returns The work folder and the tasks in it.
 * @throws {WorkFolderError} `work` holds another plan, or is not a work folder.
 * @throws {InputError} An input is missing, unreadable or has no video.
 * @throws {OutputError} An output exists (without `overwrite`) or cannot be written.
 * @throws {UsageError} The output is not a video file (or, for a folder, not a folder), the
 *   settings cannot write it (a trial encode failed), or a path has a control character.
 *
 * @example Plan a film library, run its tasks here one by one, then join
 * ```ts
 * import { joinJob, planJob, runTask } from "@fsrcnn/deno/jobs";
 * const plan = await planJob({ input: "films", output: "films_x2", work: "/shared/job" });
 * for (let index = 0; index < plan.tasks; index++) await runTask({ work: plan.work, index });
 * const joined = await joinJob({ work: plan.work });
 * console.log(joined.outputs.map((o) => o.output));
 * ```
 */
export async function planJob(o: PlanJobOptions): Promise<JobPlanSummary> {
  const tools = await resolveTools(o.ffmpeg);
  const { io, work, madeFolder } = await jobFiles(o);
  try {
    return await planFiles(o, tools, io, work);
  } catch (e) {
    // An output folder made for this plan goes again if the plan fails (only while empty).
    if (madeFolder) await Deno.remove(madeFolder).catch(() => {});
    throw e;
  }
}

async function planFiles(
  o: PlanJobOptions,
  tools: FfmpegTools,
  io: { input: string; output: string }[],
  work: string,
): Promise<JobPlanSummary> {
  // The scripts and manifests that schedulers read hold these paths (see printable.ts).
  checkPrintable(work, "the work folder");
  for (const f of io) {
    checkPrintable(f.input, "the input's name");
    checkPrintable(f.output, "the output's name");
  }
  // A library's outputs share one encoder: the first output's container's usual one unless
  // `codec` names it (an output whose container cannot hold it fails in checkEncoding). A single
  // video with alpha gets the encoder that keeps it, as a one-piece run does.
  const alpha = io.length === 1 && o.codec === undefined &&
    sourceHasAlpha(await probe(tools, io[0].input, { signal: o.signal }));
  const codec = io.length > 0
    ? await planVideoEncoder(tools, io[0].output, o.codec, alpha)
    : o.codec;
  const request = await weightsRequest(o);
  const settings = pixelSettings({ ...o, codec }, request);
  const summary = (
    plan: WorkPlan,
    existing: boolean,
    why: (string | undefined)[] = [],
    notices: UpscaleNotice[][] = [],
  ) => ({
    work,
    tasks: tasksOf(plan).length,
    frames: plan.items.reduce((n, it) => n + it.frames, 0),
    existing,
    items: plan.items.map((it, i) => ({
      input: it.input,
      output: it.output,
      segments: it.segments.length,
      frames: it.frames,
      weights: it.weights,
      uncuttable: why[i],
      notices: notices[i] ?? [],
    })),
  });
  // Before anything is written or discarded: no output may write over any input.
  const inputs = io.map((f) => ({ path: f.input, kind: "video" as const }));
  for (const f of io) await refuseWritingOverInputs(f.output, "video", inputs);
  if (o.restart) await discardWork(work, o.output, o.onNotice);
  if (await isWorkFolder(work)) {
    const plan = await readPlan(work);
    const problem = await reuseProblem(plan, io, settings);
    if (problem) throw new WorkFolderError(o.output, work, problem);
    return summary(plan, true);
  }
  if (await exists(work)) {
    const empty = (await Array.fromAsync(Deno.readDir(work)).catch(() => [1])).length === 0;
    if (!empty) {
      throw notWorkFolder(o.output, work);
    }
  }
  const items: (PlanItem & { uncuttable?: string })[] = [];
  const weights: FsrcnnWeights[] = [];
  const notices: UpscaleNotice[][] = [];
  const checked = new Set<string>();
  const caps = await capabilities(tools);
  for (const [i, f] of io.entries()) {
    const info = await probe(tools, f.input, { signal: o.signal });
    requirePictures(info, f.input, o.maxPixels);
    await prepareOutput(f.output, {
      kind: "video",
      overwrite: o.overwrite ?? false,
      // A library's outputs must spare every input, not only their own.
      inputs,
    });
    await checkEncoding(tools, settings, f, info, checked, o.signal);
    // As a one-piece run tells them; a library shares one encoder, so a missing usual one is
    // told once, for the first output.
    const streams = planStreams({
      output: f.output,
      muxer: VIDEO_MUXERS[extensionOf(f.output)],
      source: info,
      videoEncoder: i === 0 ? o.codec : settings.codec,
      encoders: caps.encoders,
      ffmpeg: tools.ffmpeg,
    });
    const treatment = await pictureTreatment(tools, {
      source: videoSource(f.input, info),
      output: f.output,
      deinterlace: settings.deinterlace,
      encoder: settings.codec,
      pixFmt: settings.pixFmt ?? undefined,
      signal: o.signal,
    });
    // Segments are counted in the file's frames, which one picture per field doubles.
    if (treatment.deinterlace?.perField) {
      throw new OptionError(
        "deinterlace",
        `${f.input}: one picture per field is made in one piece only, not in a job's segments`,
      );
    }
    // VP8/VP9 alpha travels beside the picture, which the segments' NUT files do not keep.
    if (treatment.alpha && alphaBesidePicture(settings.codec)) {
      throw new UsageError(
        `${f.input}: its alpha, in ${settings.codec}, is made in one piece only, not in a ` +
          "job's segments",
      );
    }
    // Found once, here: the segments' workers do not look again, nor tell it.
    const resized = await sizeChangeNotice(tools, {
      source: videoSource(f.input, info),
      output: f.output,
      signal: o.signal,
    });
    notices.push([
      ...planNotices(streams, f.output),
      ...treatment.notices,
      ...(resized ? [resized] : []),
    ]);
    // Each video chooses its own weights (unless they are given), once for all its segments.
    const run = request.given ?? await resolveWeights(
      o,
      () =>
        measureInput(
          tools,
          caps,
          sampleSourceOf(f.input, info, videoSource(f.input, info)),
          o.signal,
        ),
      info.video?.codec,
    );
    weights.push(run.weights);
    items.push(
      await planItem(
        tools,
        {
          ...f,
          overwrite: o.overwrite ?? false,
          folder: itemFolder(i),
        },
        info,
        settings.segmentSeconds,
        run,
        o.signal,
        request.given && request.key,
      ),
    );
  }
  const why = items.map((it) => it.uncuttable);
  const plan = newPlan(settings, o, items.map(({ uncuttable: _, ...it }) => it));
  if (await exists(work)) await Deno.remove(work);
  const lock = await createWork(work, plan, (path, i) => saveWeights(path, weights[i]));
  await lock.release();
  return summary(plan, false, why, notices);
}
