/**
 * The real-footage yardstick: what `upscale` makes of real camera clips coded the way real
 * low-resolution video is, against ffmpeg's lanczos and bicubic.
 *
 * Each clip's first seconds are shrunk ×½ by an antialiasing scaler into a clean ground truth
 * (that removes most of the clip's own coding noise); each degradation shrinks the ground truth
 * `1/scale` with one of ffmpeg's scalers and codes it as a video with the codec's normal GOP,
 * so most frames are predicted ones. That file goes through `upscaleFile` as a user's video
 * would, the automatic choice of weights included, into a lossless output; the baselines are
 * ffmpeg's scalers on the same file. Scores are Y-PSNR against the ground truth, `scale` pixels
 * shaved at the borders, averaged over the frames.
 */
import { InputError, OptionError } from "../core/errors.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import type { SwsScaler } from "../media/ffmpeg/degrade.ts";
import {
  codecExtension,
  type FootageCodec,
  type FootageDegradation,
  groundTruthSize,
  lumaFrames,
  makeGroundTruth,
  makeLowResolution,
} from "../media/ffmpeg/footage.ts";
import { probe } from "../media/ffmpeg/probe.ts";
import { tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import type { LrStatistics } from "../net/weights/lr_statistics.ts";
import type { BackendChoice } from "../net/backends.ts";
import { checkScale } from "../net/arch.ts";
import type { Rational } from "../core/rational.ts";
import type { ShippedChoice, ShippedWeightsName } from "../net/weights/shipped.ts";
import { upscaleFile } from "../jobs/upscale_file.ts";
import { isFootageValidationClip } from "./holdout.ts";
import { mse, shave } from "./metrics.ts";

export type { FootageCodec, FootageDegradation, SwsScaler };

/** The video files the yardstick reads from a folder. */
const VIDEO_EXTENSIONS = [".mp4", ".mkv", ".mov", ".webm", ".avi", ".ts", ".m4v"];

/** The scalers a user's low-resolution video is commonly made with. */
export const FOOTAGE_SCALERS: readonly SwsScaler[] = ["bicubic", "area", "bilinear", "neighbor"];

/** The codecs and rates each scaler's output is coded with, by default. */
export const FOOTAGE_CODECS: ReadonlyArray<Pick<FootageDegradation, "codec" | "crf">> = [
  { codec: "x264", crf: 18 },
  { codec: "x264", crf: 23 },
  { codec: "x264", crf: 28 },
  { codec: "vp9", crf: 33 },
];

/** Every scaler with every codec: the default degradations. */
export function footageDegradations(
  scalers: readonly SwsScaler[] = FOOTAGE_SCALERS,
  codecs: ReadonlyArray<Pick<FootageDegradation, "codec" | "crf">> = FOOTAGE_CODECS,
): FootageDegradation[] {
  return scalers.flatMap((scaler) => codecs.map((c) => ({ scaler, ...c })));
}

/**
 * Parses a list of codecs and rates, `x264:18,vp9:33`, as the CLI takes it.
 *
 * @throws {OptionError} An unknown codec, or a rate that is not a whole number from 0 to 63.
 */
export function parseFootageCodecs(
  value: string,
): Array<Pick<FootageDegradation, "codec" | "crf">> {
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new OptionError("codecs", "is empty");
  return items.map((item) => {
    const m = /^(x264|vp9):(\d{1,2})$/.exec(item);
    const crf = m ? Number(m[2]) : NaN;
    if (!m || crf > (m[1] === "x264" ? 51 : 63)) {
      throw new OptionError(
        "codecs",
        `has ${item}: expected CODEC:CRF with x264 (CRF 0-51) or vp9 (CRF 0-63), e.g. x264:23`,
      );
    }
    return { codec: m[1] as FootageCodec, crf };
  });
}

/**
 * Parses a list of scalers, `area,neighbor`, as the CLI takes it.
 *
 * @throws {OptionError} A name that is not one of {@link FOOTAGE_SCALERS}.
 */
export function parseFootageScalers(value: string): SwsScaler[] {
  const names = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (names.length === 0) throw new OptionError("scalers", "is empty");
  for (const n of names) {
    if (!(FOOTAGE_SCALERS as readonly string[]).includes(n)) {
      throw new OptionError("scalers", `has ${n} (known: ${FOOTAGE_SCALERS.join(",")})`);
    }
  }
  return names as SwsScaler[];
}

/** A degradation in words, e.g. `area, x264 CRF 23`. */
export function describeFootageDegradation(d: FootageDegradation): string {
  return `${d.scaler}, ${d.codec} CRF ${d.crf}`;
}

/** What {@link evaluateFootage} scores, and on what. */
export interface FootageOptions {
  /** A folder of video clips. */
  footage: string;
  /**
   * Which clips (file names without extension): `validation` (the default) takes the clips of
   * the fixed validation split ({@link FOOTAGE_VALIDATION_CLIPS}) that the folder has, or every
   * clip when it has none of them; `all` every clip; or a list of names.
   */
  clips?: "validation" | "all" | readonly string[];
  /** Seconds from the start of each clip (default 3). */
  seconds?: number;
  /** Upscaling factor (default 2, or the weights file's). */
  scale?: number;
  /** Weights as `upscaleFile` takes them; default `{ shipped: "auto" }`. */
  weights?: string | { shipped: ShippedChoice };
  /**
   * Shipped weights also run on every cell, each on its own (no choice), to compare the choice
   * with: their scores are in {@link FootageCell.compared}. Default none.
   */
  compare?: readonly ShippedWeightsName[];
  /** Default {@link footageDegradations}(). */
  degradations?: readonly FootageDegradation[];
  /** Inference backend; default `onnx`. */
  backend?: BackendChoice;
  /** ffmpeg binary; default as for `upscaleFile`. */
  ffmpeg?: string;
  /** Called after each cell is scored. */
  onCell?: (cell: FootageCell) => void;
  /** Aborting stops the yardstick (CancelledError) and removes its temporary files. */
  signal?: AbortSignal;
}

/** One clip under one degradation. */
export interface FootageCell {
  /** The clip's file name without extension. */
  clip: string;
  /** How its low-resolution version was made. */
  degradation: FootageDegradation;
  /** The degradation in words. */
  description: string;
  /** Frames scored. */
  frames: number;
  /** The ground truth's width (the output's). */
  width: number;
  /** The ground truth's height (the output's). */
  height: number;
  /** Mean Y-PSNR over the frames (dB) of `upscale`, and of ffmpeg's lanczos and bicubic. */
  psnr: { upscale: number; lanczos: number; bicubic: number };
  /** `upscale` minus lanczos (dB). */
  gain: number;
  /** The weights `upscale` ran, and why (one line). */
  weights: string;
  /** The statistics of the LR pictures that the automatic choice measured, when it measured. */
  statistics?: LrStatistics;
  /** With `compare`: the mean Y-PSNR (dB) of each of those weights. */
  compared?: Partial<Record<ShippedWeightsName, number>>;
}

/** The yardstick's result. */
export interface FootageReport {
  /** The upscaling factor. */
  scale: number;
  /** Seconds scored from each clip's start. */
  seconds: number;
  /** The folder, as given. */
  footage: string;
  /** The weights as asked for (`auto`, a shipped name, or a file). */
  weights: string;
  /** The clips scored (file names without extension). */
  clips: string[];
  /** Clip × degradation, clip by clip. */
  cells: FootageCell[];
  /** `upscale` minus lanczos, averaged over the cells (dB). */
  meanGain: number;
  /** The cell where `upscale` does worst against lanczos. */
  worst: FootageCell;
  /**
   * With `compare`: each compared file's mean and worst gain over lanczos, and those of the
   * best of all of them per cell (a perfect choice), for the table's foot.
   */
  comparison?: FootageComparison[];
}

/** One set of weights summed up over the cells. */
export interface FootageComparison {
  /** `always NAME`, or `best per cell`. */
  what: string;
  /** Gain over lanczos (dB), averaged over the cells. */
  meanGain: number;
  /** The smallest gain over lanczos of any cell (dB). */
  worstGain: number;
}

/** The foot of the table: each compared file alone, and the best per cell. */
export function compareFootage(cells: readonly FootageCell[]): FootageComparison[] {
  const names = Object.keys(cells[0]?.compared ?? {}) as ShippedWeightsName[];
  if (names.length === 0) return [];
  const sum = (what: string, gain: (c: FootageCell) => number): FootageComparison => ({
    what,
    meanGain: cells.reduce((s, c) => s + gain(c), 0) / cells.length,
    worstGain: Math.min(...cells.map(gain)),
  });
  return [
    ...names.map((name) => sum(`always ${name}`, (c) => c.compared![name]! - c.psnr.lanczos)),
    sum(
      "best per cell",
      (c) => Math.max(c.psnr.upscale, ...Object.values(c.compared!)) - c.psnr.lanczos,
    ),
  ];
}

/** Frames per second from the average rate, or the guessed one where the average is unknown. */
function frameRate(avg: Rational, guessed: Rational): number {
  const r = avg.num > 0 && avg.den > 0 ? avg : guessed;
  return r.den > 0 && r.num > 0 ? r.num / r.den : 25;
}

/** A frame identical to the ground truth would score infinity; it counts as this many dB. */
const PSNR_CAP = 100;

function framePsnr(
  truth: Uint8Array,
  other: Uint8Array,
  size: { width: number; height: number },
  border: number,
): number {
  const e = mse(shave({ ...size, data: truth }, border), shave({ ...size, data: other }, border));
  return e === 0 ? PSNR_CAP : Math.min(PSNR_CAP, 10 * Math.log10((255 * 255) / e));
}

/**
 * Y-PSNR of `others` against `truth`, frame by frame in lockstep (one frame of each in memory),
 * averaged over the frames. Every stream must have the same number of frames.
 */
export async function scoreInLockstep(
  truth: AsyncIterable<Uint8Array>,
  others: readonly AsyncIterable<Uint8Array>[],
  size: { width: number; height: number },
  border: number,
): Promise<{ frames: number; psnr: number[] }> {
  const its = [truth, ...others].map((s) => s[Symbol.asyncIterator]());
  const sums = others.map(() => 0);
  let frames = 0;
  try {
    for (;;) {
      const next = await Promise.all(its.map((it) => it.next()));
      const ended = next.filter((n) => n.done).length;
      if (ended === next.length) break;
      if (ended > 0) throw new RangeError(`the videos scored differ in length at frame ${frames}`);
      for (let i = 0; i < others.length; i++) {
        sums[i] += framePsnr(next[0].value!, next[i + 1].value!, size, border);
      }
      frames++;
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
  if (frames === 0) throw new RangeError("no frames to score");
  return { frames, psnr: sums.map((s) => s / frames) };
}

async function listClips(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile && !e.isSymlink) continue;
      const dot = e.name.lastIndexOf(".");
      if (dot > 0 && VIDEO_EXTENSIONS.includes(e.name.slice(dot).toLowerCase())) names.push(e.name);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new InputError(dir, "no such folder");
    if (e instanceof Deno.errors.NotADirectory) throw new InputError(dir, "is not a folder");
    throw e;
  }
  return names.sort();
}

const stem = (file: string) => file.slice(0, file.lastIndexOf("."));

/** The clip files of the folder that `clips` selects (see {@link FootageOptions.clips}). */
export function selectClips(
  files: readonly string[],
  clips: FootageOptions["clips"] = "validation",
): string[] {
  if (clips === "all") return [...files];
  if (clips === "validation") {
    const held = files.filter((f) => isFootageValidationClip(stem(f)));
    return held.length > 0 ? held : [...files];
  }
  return clips.map((name) => {
    const file = files.find((f) => stem(f) === name);
    if (!file) throw new OptionError("clips", `has ${name}, which is not a clip of the folder`);
    return file;
  });
}

/**
 * Scores `upscale` on real footage, clip × degradation, beside ffmpeg's lanczos and bicubic
 * (see the module's comment for how each cell is made).
 *
 * @param o The folder of clips, which of them, and how to upscale.
 * @returns Every cell's scores, the mean gain over lanczos and the worst cell.
 * @throws {InputError} The folder is missing or has no clips, or a clip has no video.
 * @throws {OptionError} A clip asked for is not in the folder, or `seconds` is not positive.
 * @throws {ToolError} ffmpeg failed, or lacks an encoder a degradation needs.
 * @throws {CancelledError} `signal` was aborted.
 */
export async function evaluateFootage(o: FootageOptions): Promise<FootageReport> {
  const seconds = o.seconds ?? 3;
  if (!(seconds > 0)) throw new OptionError("seconds", `must be positive, not ${seconds}`);
  const scale = checkScale(o.scale ?? 2);
  const tools = await resolveTools(o.ffmpeg);
  const caps = await capabilities(tools);
  const files = selectClips(await listClips(o.footage), o.clips);
  if (files.length === 0) throw new InputError(o.footage, "has no video clips");
  const degradations = o.degradations ?? footageDegradations();
  const weights = o.weights ?? { shipped: "auto" };
  const compare = o.compare ?? [];
  const work = await Deno.makeTempDir({ prefix: "fsrcnn-footage-" });
  const cells: FootageCell[] = [];
  try {
    for (const file of files) {
      const path = `${o.footage}/${file}`;
      const info = await probe(tools, path, { signal: o.signal });
      if (!info.video) throw new InputError(path, "has no video stream");
      const gt = groundTruthSize(info.video.width, info.video.height, scale);
      const lr = { width: gt.width / scale, height: gt.height / scale };
      const frames = Math.max(
        1,
        Math.round(seconds * frameRate(info.video.avgFrameRate, info.video.frameRate)),
      );
      const truth = `${work}/truth.mkv`;
      await makeGroundTruth(tools, caps, { input: path, output: truth, frames, ...gt }, o.signal);
      for (const d of degradations) {
        const coded = `${work}/lr.${codecExtension(d.codec)}`;
        await makeLowResolution(tools, caps, { input: truth, output: coded, ...lr }, d, o.signal);
        let chosen = typeof weights === "string" ? weights : `${weights.shipped} weights`;
        let statistics: LrStatistics | undefined;
        const upscaled = [weights, ...compare.map((name) => ({ shipped: name }))].map(
          (w, i) => ({ weights: w, output: `${work}/upscaled-${i}.mkv` }),
        );
        for (const [i, u] of upscaled.entries()) {
          await upscaleFile({
            input: coded,
            output: u.output,
            scale,
            weights: u.weights,
            backend: o.backend ?? "onnx",
            codec: "ffv1",
            segmentSeconds: 0,
            overwrite: true,
            ffmpeg: tools.ffmpeg,
            signal: o.signal,
            onWeights: i === 0
              ? (c) => {
                chosen = c.reason;
                statistics = c.statistics;
              }
              : undefined,
          });
        }
        const r = await scoreInLockstep(
          lumaFrames(tools, caps, truth, gt),
          [
            lumaFrames(tools, caps, coded, gt, "lanczos"),
            lumaFrames(tools, caps, coded, gt, "bicubic"),
            ...upscaled.map((u) => lumaFrames(tools, caps, u.output, gt)),
          ],
          gt,
          scale,
        );
        const [lanczos, bicubic, up, ...others] = r.psnr;
        const cell: FootageCell = {
          clip: stem(file),
          degradation: d,
          description: describeFootageDegradation(d),
          frames: r.frames,
          ...gt,
          psnr: { upscale: up, lanczos, bicubic },
          gain: up - lanczos,
          weights: chosen,
          ...(statistics ? { statistics } : {}),
          ...(compare.length > 0
            ? { compared: Object.fromEntries(compare.map((name, i) => [name, others[i]])) }
            : {}),
        };
        cells.push(cell);
        o.onCell?.(cell);
      }
    }
  } finally {
    await Deno.remove(work, { recursive: true }).catch(() => {});
  }
  const meanGain = cells.reduce((s, c) => s + c.gain, 0) / cells.length;
  const worst = cells.reduce((a, b) => (b.gain < a.gain ? b : a));
  return {
    scale,
    seconds,
    footage: o.footage,
    weights: typeof weights === "string" ? weights : weights.shipped,
    clips: files.map(stem),
    cells,
    meanGain,
    worst,
    ...(compare.length > 0 ? { comparison: compareFootage(cells) } : {}),
  };
}
