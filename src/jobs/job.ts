/**
 * A segmented job in steps that a scheduler can run on many machines sharing one folder:
 * plan it once ({@link planJob}), make any segment by its task index, in any order, anywhere
 * ({@link runTask}), then join ({@link joinJob}). The work folder is the whole state: no
 * process talks to another.
 */
import {
  InputError,
  OptionError,
  OutputError,
  UsageError,
  WorkFolderError,
} from "../core/errors.ts";
import { checkEncoderArgs, encodeArgs } from "../media/ffmpeg/args.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { isStreamedInput } from "../media/ffmpeg/input_name.ts";
import { probeVideoPackets } from "../media/ffmpeg/packets.ts";
import { trialEncode, trialStep } from "../media/ffmpeg/trial.ts";
import type { EncoderStream } from "../media/ffmpeg/stream.ts";
import { localName } from "../media/ffmpeg/input_name.ts";
import { makeTaggedTempDir } from "../core/leftovers.ts";
import { frameLayout, workingFormat } from "../media/frame/format.ts";
import { checkInputFile, type MediaInfo, probe } from "../media/ffmpeg/probe.ts";
import { type FfmpegTools, tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import { exists } from "../core/fs.ts";
import { createEngine } from "../net/create.ts";
import type { BackendChoice } from "../net/backends.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import {
  type FsrcnnWeights,
  loadWeights,
  saveWeights,
  shippedWeightsFile,
} from "../net/weights/file.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import {
  alphaBesidePicture,
  alphaFate,
  encoderPixFmt,
  sourceHasAlpha,
} from "../media/ffmpeg/alpha.ts";
import { extensionOf, outputKind } from "../upscale/kinds.ts";
import { requirePictures } from "../upscale/input.ts";
import { prepareOutput, refuseWritingOverInputs } from "../upscale/output.ts";
import { isConstantRate, outputColor } from "../upscale/video.ts";
import type { UpscaleProgress } from "../upscale/progress.ts";
import { encoderSettings } from "../media/ffmpeg/encoder_settings.ts";
import { resolveWeights, type RunWeights, shippedChoiceOf } from "../upscale/engine.ts";
import { measureInput, sampleSourceOf } from "../upscale/sample.ts";
import { checkScale } from "../net/fsrcnn/config.ts";
import type { UpscaleNotice, UpscaleOptions } from "../upscale/options.ts";
import { itemStreamPlan, joinArgs, joinItem } from "./join.ts";
import { planNotices, planStreams } from "../media/ffmpeg/stream_plan.ts";
import {
  absolutePath,
  encoderRecord,
  identityChange,
  inputIdentity,
  type ItemWeights,
  newPlan,
  type PixelSettings,
  planEncoder,
  type PlanItem,
  readPlan,
  settingsChange,
  weightsDigest,
  type WorkPlan,
  writeJsonAtomic,
  writing,
} from "./manifest.ts";
import { planSegments } from "./plan.ts";
import { checkPrintable } from "./printable.ts";
import { makeSegment, videoSource } from "./segment.ts";
import { pictureTreatment, sizeChangeNotice } from "../upscale/treatment.ts";
import {
  checkSegment,
  createWork,
  isWorkFolder,
  itemFolder,
  lockFolder,
  lockSegment,
  notWorkFolder,
  removeWork,
  SEGMENT_MUXER,
  type Task,
  tasksOf,
  weightsFile,
  workFolderFor,
} from "./work.ts";

/** Segment length when none is asked for: long enough that cutting costs little. */
export const DEFAULT_SEGMENT_SECONDS = 120;

/** Video file extensions a folder of videos is read for (case-insensitive). */
export const VIDEO_EXTENSIONS: readonly string[] = [
  ...Object.keys(VIDEO_MUXERS).filter((e) => e !== "y4m"),
  "mpg",
  "mpeg",
  "wmv",
  "ogv",
  "3gp",
  "vob",
  "mxf",
];

/** The settings of {@link UpscaleOptions} that a plan fixes. */
export type PlanSettingsOptions = Pick<
  UpscaleOptions,
  | "scale"
  | "weights"
  | "backend"
  | "tile"
  | "batch"
  | "codec"
  | "crf"
  | "preset"
  | "pixFmt"
  | "encoderArgs"
  | "segmentSeconds"
  | "deinterlace"
>;

/**
 * The video encoder a plan records: the one asked for, else the usual one of the container
 * of `output` that this ffmpeg has (one that holds alpha for a source with `alpha`), as a
 * one-piece run picks it.
 */
export async function planVideoEncoder(
  tools: FfmpegTools,
  output: string,
  codec?: string,
  alpha = false,
): Promise<string> {
  return codec ?? planStreams({
    output,
    muxer: VIDEO_MUXERS[extensionOf(output)],
    alpha,
    encoders: (await capabilities(tools)).encoders,
    ffmpeg: tools.ffmpeg,
  }).videoEncoder;
}

/**
 * The weights asked for, as a plan records them (see PixelSettings.weights): a shipped
 * choice's name, or the digest of the weights given; and the scale they fix.
 *
 * @throws {WeightsError} Given weights that cannot be loaded, or are for another scale.
 * @throws {UsageError} Weights given as data for another scale, an unsupported scale, or
 *   (an OptionError) shipped weights named for a scale they are not shipped for.
 */
export async function weightsRequest(
  o: Pick<PlanSettingsOptions, "scale" | "weights">,
): Promise<{ key: string; scale: number }> {
  const shipped = shippedChoiceOf(o.weights);
  if (shipped !== null) {
    const scale = checkScale(o.scale ?? 2);
    if (shipped !== "auto") await shippedWeightsFile(shipped, scale);
    return { key: shipped, scale };
  }
  const { weights } = await resolveWeights(o);
  return { key: await weightsDigest(weights), scale: weights.config.scale };
}

/**
 * The pixel-changing settings of a run, resolved (defaults filled in; `codec` as
 * planVideoEncoder gives it).
 *
 * @throws {OptionError} `segmentSeconds` is negative or not a number, or `encoderArgs` holds a
 *   word that is not an option or its value, or an option that names files (see
 *   checkEncoderArgs).
 */
export function pixelSettings(
  o: PlanSettingsOptions,
  weights: { key: string; scale: number },
): PixelSettings {
  const seconds = o.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  if (!(seconds >= 0) || !Number.isFinite(seconds)) {
    throw new OptionError("segmentSeconds", `must be 0 or more (got ${o.segmentSeconds})`);
  }
  checkEncoderArgs(o.encoderArgs ?? []);
  return {
    scale: weights.scale,
    weights: weights.key,
    ...encoderRecord(encoderSettings(o)),
    segmentSeconds: seconds,
    deinterlace: o.deinterlace ?? "frame",
  };
}

/**
 * Plans one video: its identity and its segments (listing its packets reads the whole file).
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
      digest: await weightsDigest(weights.weights),
    },
    uncuttable: plan.uncuttable,
  };
}

/**
 * The weights the segments of a plan's video run, from its folder, checked against the
 * digest the plan recorded.
 *
 * @throws {WeightsError} The file is missing or damaged.
 * @throws {InputError} The file is not the weights the plan recorded.
 */
export async function itemWeights(work: string, plan: WorkPlan, item: number): Promise<RunWeights> {
  const it = plan.items[item];
  const file = weightsFile(work, it);
  const weights = await loadWeights(file, plan.settings.scale);
  if (await weightsDigest(weights) !== it.weights.digest) {
    throw new InputError(file, "is not the weights this job was planned with");
  }
  return { weights, choice: { name: it.weights.name, path: file, reason: it.weights.reason } };
}

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
    kept = itemStreamPlan(output, info, settings, caps, tools.ffmpeg).kept;
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

/**
 * Why a plan cannot be continued for these inputs, outputs and settings, or null when it can.
 */
export async function reuseProblem(
  plan: WorkPlan,
  io: { input: string; output: string }[],
  settings: PixelSettings,
): Promise<string | null> {
  if (
    plan.items.length !== io.length ||
    plan.items.some((it, i) => it.output !== absolutePath(io[i].output))
  ) {
    return "was made for other outputs";
  }
  for (let i = 0; i < io.length; i++) {
    const it = plan.items[i];
    if (it.input !== absolutePath(io[i].input)) return `was made for another input (${it.input})`;
    await checkInputFile(io[i].input);
    const change = identityChange(it.identity, await inputIdentity(io[i].input));
    if (change) return `was made for ${io[i].input} before ${change}`;
  }
  const change = settingsChange(plan.settings, settings);
  return change ? `was made with other settings (${change})` : null;
}

/**
 * Removes a work folder that the caller asked to discard; refuses folders that are not ours,
 * and folders in use (see lockFolder).
 */
export async function discardWork(
  work: string,
  output: string,
  onNotice?: (message: string) => void,
): Promise<void> {
  if (!(await exists(work))) return;
  if (!(await isWorkFolder(work))) {
    throw notWorkFolder(output, work);
  }
  await lockFolder(work, onNotice);
  await writing(work, () => Deno.remove(work, { recursive: true }));
}

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

async function listVideos(dir: string): Promise<string[]> {
  const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!(e.isFile || e.isSymlink) || e.name.startsWith(".")) continue;
    if (VIDEO_EXTENSIONS.includes(extensionOf(e.name))) names.push(e.name);
  }
  if (names.length === 0) {
    throw new InputError(dir, `has no videos (${VIDEO_EXTENSIONS.join(", ")})`);
  }
  return names.sort(collator.compare);
}

/** Pairs of input and output files for a plan (a folder of videos gives one pair each). */
async function jobFiles(
  o: PlanJobOptions,
): Promise<{ io: { input: string; output: string }[]; work: string; madeFolder?: string }> {
  // Segments are cut by seeking to keyframes listed beforehand: a stream is read only once.
  if (isStreamedInput(o.input)) {
    throw new UsageError(
      `${o.input}: a stream cannot be planned into segments (it is read once, as it comes)`,
    );
  }
  let isDir = false;
  try {
    isDir = (await Deno.stat(o.input)).isDirectory;
  } catch { /* a missing file is reported by checkInputFile */ }
  if (!isDir) {
    await checkInputFile(o.input);
    if (await outputKind(o.output) !== "video") {
      throw new UsageError(`${o.output}: a segmented job writes a video file`);
    }
    return { io: [{ input: o.input, output: o.output }], work: o.work ?? workFolderFor(o.output) };
  }
  const outDir = o.output.replace(/\/+$/, "") || "/";
  let outExists = true;
  try {
    if (!(await Deno.stat(outDir)).isDirectory) {
      throw new UsageError(`${o.output}: a folder of videos needs an output folder`);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    outExists = false;
  }
  // Through links too: a link to the input folder is the input folder.
  if (outExists && await Deno.realPath(outDir) === await Deno.realPath(o.input)) {
    throw new UsageError(`${o.output}: the output folder is the input folder`);
  }
  const io = (await listVideos(o.input)).map((name) => {
    // Containers we cannot write become Matroska, which holds any codec.
    const ext = extensionOf(name);
    const out = ext in VIDEO_MUXERS ? name : `${name.slice(0, -ext.length)}mkv`;
    return { input: `${o.input.replace(/\/+$/, "")}/${name}`, output: `${outDir}/${out}` };
  });
  // `a.avi` and `a.mkv` both become `a.mkv`: the second would replace the first.
  const seen = new Map<string, string>();
  for (const f of io) {
    const other = seen.get(f.output);
    if (other !== undefined) {
      throw new UsageError(`${f.output}: both ${other} and ${f.input} would be written to it`);
    }
    seen.set(f.output, f.input);
  }
  let madeFolder: string | undefined;
  if (!outExists) {
    await Deno.mkdir(outDir).catch((err) => {
      throw new OutputError(o.output, `cannot create the folder (${(err as Error).message})`);
    });
    madeFolder = outDir;
  }
  return { io, work: o.work ?? `${outDir}/.fsrcnn-work`, madeFolder };
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
 * import { joinJob, planJob, runTask } from "@fsrcnn/deno";
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
  const settings = pixelSettings({ ...o, codec }, await weightsRequest(o));
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
    const run = await resolveWeights(
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

/** What {@link runTask} runs, and where. */
export interface RunTaskOptions {
  /** The work folder of a plan. */
  work: string;
  /** The task: from 0 to the plan's task count − 1. */
  index: number;
  /** Inference backend on this machine; default the plan's. */
  backend?: BackendChoice;
  /** CPU threads for the onnx backend; default every core. */
  threads?: number;
  /** Tile side; default the plan's. */
  tile?: number;
  /** Frames per engine call; default the plan's. */
  batch?: number;
  /** ffmpeg binary, as for {@link UpscaleOptions.ffmpeg}. */
  ffmpeg?: string;
  /** Stops the segment; its temporary file is removed. */
  signal?: AbortSignal;
  /** Progress within the segment. */
  onProgress?: (p: UpscaleProgress) => void;
  /** Told, in one line, when a lock left by a process that is gone is taken over. */
  onNotice?: (message: string) => void;
}

/** What {@link runTask} did. */
export interface TaskSummary {
  /** The task index. */
  index: number;
  /** Its video's input (absolute). */
  input: string;
  /** Its video's output (absolute). */
  output: string;
  /** The segment's position in its video, from 0. */
  segment: number;
  /** The video's segment count. */
  segments: number;
  /** Frames of the segment. */
  frames: number;
  /** True when the segment was already done (verified) and nothing was made. */
  skipped: boolean;
  /**
   * Why a finished segment found here did not stand (damaged, no checksum) and was made again,
   * in one line; absent otherwise.
   */
  remade?: string;
  /** Seconds this call took. */
  seconds: number;
  /** The backend that ran (absent when skipped). */
  backend?: string;
}

async function taskOf(work: string, index: number): Promise<{ plan: WorkPlan; task: Task }> {
  const plan = await readPlan(work);
  const tasks = tasksOf(plan);
  if (!Number.isSafeInteger(index) || index < 0 || index >= tasks.length) {
    throw new UsageError(
      `task ${index} does not exist: the plan in ${work} has tasks 0 to ${tasks.length - 1}`,
    );
  }
  return { plan, task: tasks[index] };
}

/** Checks that a planned input is still the file that was planned. */
async function checkUnchanged(item: PlanItem): Promise<void> {
  await checkInputFile(item.input);
  const change = identityChange(item.identity, await inputIdentity(item.input));
  if (change) throw new InputError(item.input, `changed since it was planned: ${change}`);
}

/**
 * Makes one segment of a plan, unless it is already done (then it only verifies it). Any
 * number of these may run at once on machines sharing the work folder, each on its own index.
 *
 * @param o The work folder, the task index, and this machine's engine settings.
 * @returns What was done.
 * @throws {UsageError} No such task.
 * @throws {InputError} The input changed since it was planned, or its frames did not decode.
 * @throws {ToolError} ffmpeg failed.
 * @throws {CancelledError} `signal` was aborted (the partial segment is removed).
 *
 * @example A worker that takes its task from a Slurm job array
 * ```ts
 * import { runTask } from "@fsrcnn/deno";
 * const index = Number(Deno.env.get("SLURM_ARRAY_TASK_ID"));
 * const task = await runTask({ work: "/shared/job", index, backend: "auto" });
 * console.log(task.skipped ? "already done" : `${task.frames} frames in ${task.seconds} s`);
 * ```
 */
export async function runTask(o: RunTaskOptions): Promise<TaskSummary> {
  const started = performance.now();
  const { plan, task } = await taskOf(o.work, o.index);
  const item = plan.items[task.item];
  const base = {
    index: o.index,
    input: item.input,
    output: item.output,
    segment: task.segment.index,
    segments: item.segments.length,
    frames: task.segment.frames,
  };
  // Held while the segment is checked and made: another run of the same task is refused.
  const lock = await lockSegment(o.work, plan, task, o.onNotice);
  try {
    return await lockedTask(o, plan, task, base, started);
  } finally {
    await lock.release();
  }
}

async function lockedTask(
  o: RunTaskOptions,
  plan: WorkPlan,
  task: Task,
  base: Omit<TaskSummary, "skipped" | "seconds">,
  started: number,
): Promise<TaskSummary> {
  const item = plan.items[task.item];
  const tools = await resolveTools(o.ffmpeg);
  const check = await checkSegment(o.work, plan, task, { signal: o.signal, repair: true });
  if (check.done) {
    return { ...base, skipped: true, seconds: (performance.now() - started) / 1000 };
  }
  await checkUnchanged(item);
  const info = await probe(tools, item.input, { signal: o.signal });
  const { weights } = await itemWeights(o.work, plan, task.item);
  const engine = await createEngine(weights, {
    backend: o.backend ?? plan.run.backend,
    threads: o.threads,
  });
  try {
    await makeSegment({
      tools,
      caps: await capabilities(tools),
      upscaler: new TiledUpscaler(engine, { tile: o.tile ?? plan.run.tile ?? undefined }),
      batch: o.batch ?? plan.run.batch,
      work: o.work,
      plan,
      task,
      info,
      signal: o.signal,
      onProgress: o.onProgress,
    });
  } finally {
    engine.dispose();
  }
  return {
    ...base,
    skipped: false,
    ...(check.problem ? { remade: check.problem } : {}),
    seconds: (performance.now() - started) / 1000,
    backend: engine.info.backend,
  };
}

/** The state of a job, from its work folder. */
export interface JobStatus {
  /** The work folder. */
  work: string;
  /** Tasks in the plan. */
  tasks: number;
  /** Indices of the tasks done (verified). */
  done: number[];
  /** Indices of the tasks still to do. */
  pending: number[];
  /**
   * Tasks whose finished segment does not stand (damaged, or recorded without a checksum by
   * an older version), each with why in one line; they are among `pending`.
   */
  damaged: { index: number; problem: string }[];
  /** Frames of all videos. */
  frames: number;
  /** Frames of the segments done. */
  doneFrames: number;
  /** Each video's progress. */
  items: {
    /** Input path. */
    input: string;
    /** Output path. */
    output: string;
    /** Its segments. */
    segments: number;
    /** Its segments done. */
    done: number;
    /** The output has been written by a join. */
    joined: boolean;
  }[];
}

function joinedRecord(work: string, item: PlanItem): string {
  return `${work}/${item.folder}/joined.json`;
}

/**
 * Reads a job's state from its work folder, verifying each finished segment (see
 * verifiedDone; nothing is changed).
 *
 * @throws {OutputError} `work` is not a work folder.
 *
 * @example What is left to do
 * ```ts
 * import { jobStatus } from "@fsrcnn/deno";
 * const s = await jobStatus({ work: "/shared/job" });
 * console.log(`${s.done.length} of ${s.tasks} done; to do: ${s.pending.join(",")}`);
 * ```
 */
export async function jobStatus(
  o: { work: string; ffmpeg?: string; signal?: AbortSignal },
): Promise<JobStatus> {
  const plan = await readPlan(o.work);
  const done: number[] = [], pending: number[] = [];
  const damaged: JobStatus["damaged"] = [];
  let doneFrames = 0;
  const items = plan.items.map((it) => ({
    input: it.input,
    output: it.output,
    segments: it.segments.length,
    done: 0,
    joined: false,
  }));
  for (const [i, it] of plan.items.entries()) {
    items[i].joined = await exists(joinedRecord(o.work, it));
  }
  for (const task of tasksOf(plan)) {
    const check: { done: boolean; problem?: string | null } = items[task.item].joined
      ? { done: true }
      : await checkSegment(o.work, plan, task, { signal: o.signal, repair: false });
    const ok = check.done;
    if (!check.done && check.problem) damaged.push({ index: task.index, problem: check.problem });
    (ok ? done : pending).push(task.index);
    if (ok) {
      items[task.item].done++;
      doneFrames += task.segment.frames;
    }
  }
  return {
    work: o.work,
    tasks: done.length + pending.length,
    done,
    pending,
    damaged,
    frames: plan.items.reduce((n, it) => n + it.frames, 0),
    doneFrames,
    items,
  };
}

/** What {@link joinJob} wrote. */
export interface JoinSummary {
  /** Outputs written by this call (videos joined earlier are not listed again). */
  outputs: { output: string; frames: number }[];
  /** The work folder was removed (all outputs are written and `keepWork` was not set). */
  removed: boolean;
}

/** Task indices as short ranges: `0-3, 7, 9-10`. */
export function formatIndices(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length;) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

/**
 * Joins every video of a plan whose segments are all done into its output (see joinItem),
 * then removes the work folder when every output is written, unless `keepWork`.
 *
 * @throws {OutputError} Some segments are not done (after the complete videos were joined),
 *   or an output cannot be written.
 * @throws {InputError} An input changed since it was planned.
 * @throws {ToolError} ffmpeg failed.
 *
 * @example Join, keeping the segments
 * ```ts
 * import { joinJob } from "@fsrcnn/deno";
 * const r = await joinJob({ work: "/shared/job", keepWork: true });
 * for (const o of r.outputs) console.log(`${o.output}: ${o.frames} frames`);
 * ```
 */
export async function joinJob(
  o: {
    work: string;
    keepWork?: boolean;
    ffmpeg?: string;
    signal?: AbortSignal;
    /** Told, in one line, when a lock left by a process that is gone is taken over. */
    onNotice?: (message: string) => void;
  },
): Promise<JoinSummary> {
  const plan = await readPlan(o.work);
  const lock = await lockFolder(o.work, o.onNotice);
  try {
    return await lockedJoin(o, plan);
  } finally {
    await lock.release();
  }
}

async function lockedJoin(
  o: { work: string; keepWork?: boolean; ffmpeg?: string; signal?: AbortSignal },
  plan: WorkPlan,
): Promise<JoinSummary> {
  const tools = await resolveTools(o.ffmpeg);
  const caps = await capabilities(tools);
  const status = await jobStatus(o);
  const outputs: JoinSummary["outputs"] = [];
  for (const [i, item] of plan.items.entries()) {
    const s = status.items[i];
    if (s.joined || s.done < s.segments) continue;
    await checkUnchanged(item);
    const info = await probe(tools, item.input, { signal: o.signal });
    const r = await joinItem({ tools, caps, work: o.work, plan, item: i, info, signal: o.signal });
    await writeJsonAtomic(joinedRecord(o.work, item), { finished: new Date().toISOString() });
    outputs.push({ output: item.output, frames: r.frames });
  }
  if (status.pending.length > 0) {
    throw new OutputError(
      o.work,
      `${status.pending.length} of ${status.tasks} segments are not done yet (tasks ${
        formatIndices(status.pending)
      })` + (outputs.length > 0 ? `; ${outputs.length} complete videos were joined` : "") +
        (status.damaged.length > 0
          ? `; ${status.damaged.length} of them must be made again (task ${
            status.damaged[0].index
          }: ${status.damaged[0].problem})`
          : ""),
    );
  }
  if (!o.keepWork) await removeWork(o.work);
  return { outputs, removed: !o.keepWork };
}
