/**
 * A segmented run on one machine, as `upscaleFile` does it for long videos: plan into the
 * output's hidden work folder (or continue the plan found there), make the segments that are
 * not done, join. An interruption at any point loses at most the segment in progress.
 */
import { CancelledError, WorkFolderError } from "../core/errors.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { keepsDisplayMatrix, pixelTurn } from "../media/ffmpeg/rotate.ts";
import { extensionOf } from "../upscale/kinds.ts";
import { exists } from "../core/fs.ts";
import type { LeftoverReport } from "../core/leftovers.ts";
import { createEngine } from "../net/create.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import { type FsrcnnWeights, saveWeights } from "../net/weights/file.ts";
import { prepareOutput } from "../upscale/output.ts";
import type { UpscaleProgress } from "../upscale/progress.ts";
import type { UpscaleOptions, UpscaleSummary } from "../upscale/options.ts";
import type { SegmentedRunContext } from "../upscale/upscale.ts";
import { checkEncoding } from "./encoding_check.ts";
import { itemWeights } from "./item_weights.ts";
import { planItem } from "./plan_item.ts";
import { discardWork, reuseProblem } from "./reuse.ts";
import { DEFAULT_SEGMENT_SECONDS, pixelSettings, weightsRequest } from "./settings.ts";
import { joinItem } from "./join.ts";
import type { HeldLock } from "./lock.ts";
import { newPlan, readPlan, type WorkPlan } from "./manifest.ts";
import { makeSegment } from "./segment.ts";
import {
  checkSegment,
  createWork,
  isWorkFolder,
  itemFolder,
  lockFolder,
  lockSegment,
  notWorkFolder,
  removeWork,
  tasksOf,
  workFolderFor,
} from "./work.ts";

/**
 * Upscales a video into a video in segments when that applies (see
 * {@link UpscaleOptions.segmentSeconds}); returns null when the video is to be made in one
 * piece instead (then nothing was created).
 *
 * @throws {WorkFolderError} The output's work folder was made for another input or with
 *   other settings (unless `restart`).
 */
export async function upscaleInSegments(
  o: UpscaleOptions,
  ctx: SegmentedRunContext,
): Promise<UpscaleSummary | null> {
  // The work folder's lock, once taken: released however the run ends (a successful run
  // has removed it with the folder).
  const held: { lock: HeldLock | null } = { lock: null };
  try {
    return await segmentedRun(o, ctx, held);
  } finally {
    await held.lock?.release();
  }
}

async function segmentedRun(
  o: UpscaleOptions,
  ctx: SegmentedRunContext,
  held: { lock: HeldLock | null },
): Promise<UpscaleSummary | null> {
  if (o.segmentSeconds === 0 || o.keepPartial || o.engine) return null;
  const { tools, info } = ctx;
  const work = workFolderFor(o.output);
  const notice = (message: string) => o.onNotice?.({ kind: "work-folder", message });
  if (o.restart) await discardWork(work, o.output, notice);
  const resuming = await exists(work);
  const seconds = o.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  const duration = info.video?.duration ?? info.duration;
  if (!resuming && duration !== undefined && duration < 1.5 * seconds) return null;
  // Weights given are loaded once: by the run's own loader (which tells them) for a new plan.
  const request = await weightsRequest(o, resuming ? undefined : ctx.weights);
  const settings = pixelSettings({ ...o, segmentSeconds: seconds }, request);
  const io = { input: o.input, output: o.output, overwrite: o.overwrite ?? false };
  // Checked now, not after hours of work (it creates nothing for a video).
  const checkOutput = () =>
    prepareOutput(o.output, {
      kind: "video",
      overwrite: io.overwrite,
      inputs: [{ path: o.input, kind: "video" }],
    });
  let plan: WorkPlan;
  let weights: FsrcnnWeights;
  let created = false;
  let leftovers: LeftoverReport = { removed: [], kept: [] };
  if (resuming) {
    if (!(await isWorkFolder(work))) throw notWorkFolder(o.output, work);
    held.lock = await lockFolder(work, notice);
    plan = await readPlan(work);
    const problem = await reuseProblem(plan, [io], settings);
    if (problem) throw new WorkFolderError(o.output, work, problem);
    leftovers = (await checkOutput()).leftovers;
    // The weights the finished segments were made with, whatever would be chosen now.
    const run = await itemWeights(work, plan, 0);
    o.onWeights?.(run.choice);
    weights = run.weights;
  } else {
    const run = request.given ?? await ctx.weights();
    const { uncuttable, ...item } = await planItem(
      tools,
      { ...io, folder: itemFolder(0) },
      info,
      seconds,
      run,
      o.signal,
      request.given && request.key,
    );
    if (item.segments.length === 1) {
      // Long enough to cut (see the duration above), yet it cannot be: said, as for a stream.
      if (uncuttable) {
        o.onNotice?.({
          kind: "one-piece",
          message: `${o.input}: made in one piece, not in segments: ${uncuttable}`,
        });
      }
      return null;
    }
    weights = run.weights;
    leftovers = (await checkOutput()).leftovers;
    await checkEncoding(tools, settings, io, info, undefined, o.signal, ctx.streams);
    plan = newPlan(settings, o, [item]);
    held.lock = await createWork(work, plan, (path) => saveWeights(path, weights));
    created = true;
  }
  const engine = await createEngine(weights, { backend: o.backend ?? "auto", threads: o.threads });
  const tasks = tasksOf(plan);
  const total = plan.items[0].frames;
  let doneFrames = 0, doneSegments = 0;
  try {
    const todo = [];
    for (const task of tasks) {
      const check = await checkSegment(work, plan, task, { signal: o.signal, repair: true });
      if (check.done) {
        doneFrames += task.segment.frames;
        doneSegments++;
      } else {
        todo.push(task);
        if (check.problem) {
          notice(`${check.problem}; made again`);
        }
      }
    }
    const resumed = doneFrames;
    const runStarted = performance.now();
    const report = (current: number): UpscaleProgress => {
      const seconds = (performance.now() - runStarted) / 1000;
      const made = doneFrames - resumed + current;
      const fps = seconds > 0 ? made / seconds : 0;
      return {
        frames: doneFrames + current,
        total,
        seconds,
        fps,
        eta: fps > 0 ? (total - doneFrames - current) / fps : undefined,
        resumed,
        segments: { done: doneSegments, total: tasks.length },
      };
    };
    // Before any frame, as a one-piece run tells them.
    for (const notice of ctx.notices ?? []) o.onNotice?.(notice);
    o.onProgress?.(report(0));
    const caps = await capabilities(tools);
    const upscaler = new TiledUpscaler(engine, { tile: o.tile });
    for (const task of todo) {
      // Tasks of a plan made elsewhere may run on the same folder (see runTask).
      const lock = await lockSegment(work, plan, task, notice);
      await makeSegment({
        tools,
        caps,
        upscaler,
        batch: o.batch ?? 4,
        work,
        plan,
        task,
        info,
        signal: o.signal,
        onProgress: o.onProgress && ((p) => o.onProgress!(report(p.frames))),
      }).finally(() => lock.release());
      doneFrames += task.segment.frames;
      doneSegments++;
      o.onProgress?.(report(0));
    }
    if (o.signal?.aborted) throw new CancelledError("interrupted");
    // The overwrite asked for now, not the one planned: a run that continues an earlier one
    // may find the output that run finished (killed before it removed its work folder).
    const joined = await joinItem({
      tools,
      caps,
      work,
      plan,
      item: 0,
      info,
      overwrite: io.overwrite,
      streams: ctx.streams,
      signal: o.signal,
    });
    if (!o.keepWork) await removeWork(work);
    const seconds = (performance.now() - ctx.started) / 1000;
    const v = info.video!;
    // Pictures turned a quarter for a container that cannot store the rotation swap sides.
    const turned =
      pixelTurn(keepsDisplayMatrix(VIDEO_MUXERS[extensionOf(o.output)], o.output), v.rotation) %
          180 === 90;
    return {
      input: o.input,
      output: o.output,
      kind: "video",
      frames: total,
      seconds,
      fps: (total - resumed) / seconds,
      width: (turned ? v.height : v.width) * plan.settings.scale,
      height: (turned ? v.width : v.height) * plan.settings.scale,
      backend: engine.info.backend,
      segments: tasks.length,
      resumed: resumed > 0 ? resumed : undefined,
      leftovers: {
        removed: [...leftovers.removed, ...joined.leftovers.removed],
        kept: [...leftovers.kept, ...joined.leftovers.kept],
      },
    };
  } catch (e) {
    // A folder made by this call that holds no finished segment is not worth keeping.
    if (created && doneSegments === 0) await Deno.remove(work, { recursive: true }).catch(() => {});
    if (o.signal?.aborted && !(e instanceof CancelledError)) {
      throw new CancelledError("interrupted");
    }
    throw e;
  } finally {
    engine.dispose();
  }
}
