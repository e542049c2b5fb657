/**
 * The manifest of a segmented job (`plan.json` in its work folder): what goes in (each input's
 * identity), what comes out, every setting that changes the pixels, and each video's segments.
 * It is written once, when the job is planned; progress is recorded per segment beside it (see
 * work.ts), so that many machines can finish segments at once without rewriting one file.
 */
import { FsrcnnError, OutputError, WorkFolderError } from "../core/errors.ts";
import { MIB, readAt, readTextBounded } from "../core/fs.ts";
import { DEINTERLACE_MODES, type DeinterlaceMode } from "../media/ffmpeg/interlace.ts";
import type { EncoderSettings } from "../media/ffmpeg/encoder_settings.ts";
import type { Rational } from "../core/rational.ts";
import type { BackendChoice } from "../net/backends.ts";
import type { FsrcnnWeights } from "../net/weights/file.ts";
import type { ShippedWeightsName } from "../net/weights/shipped.ts";
import type { SegmentSpec } from "./plan.ts";

/** Format tag of plan.json; a folder with another tag is not ours to reuse. */
export const PLAN_FORMAT = "fsrcnn-segments/2";

/** Enough of an input to notice that it changed or is another file. */
export interface InputIdentity {
  /** Absolute path. */
  path: string;
  size: number;
  /** Modification time (ms since the epoch), when the file system keeps one. */
  mtimeMs: number | null;
  /** SHA-256 of the first and last MiB (the whole file when smaller), hex. */
  headTail: string;
}

/** Every setting that changes the output's pixels or its segment boundaries. */
export interface PixelSettings {
  scale: number;
  /**
   * The weights asked for: a shipped choice's name (`auto`, `paper`, …; see
   * ShippedChoice), or the SHA-256 of the weights given (see weightsDigest). What each video
   * runs is in its item's `weights`.
   */
  weights: string;
  codec: string;
  crf: number | null;
  preset: string | null;
  pixFmt: string | null;
  encoderArgs: string[];
  segmentSeconds: number;
  /** What is done with interlaced video (see DeinterlaceMode). */
  deinterlace: DeinterlaceMode;
}

/**
 * The encoder settings a plan records, as every encode of its segments and their join uses
 * them (null in plan.json means the default: no `-crf`, the encoder's own preset, the frames'
 * own pixel format).
 */
export function planEncoder(settings: PixelSettings): EncoderSettings {
  return {
    codec: settings.codec,
    crf: settings.crf ?? undefined,
    preset: settings.preset ?? undefined,
    pixFmt: settings.pixFmt ?? undefined,
    extra: settings.encoderArgs,
  };
}

/** The encoder settings as plan.json records them (see planEncoder). */
export function encoderRecord(
  e: EncoderSettings,
): Pick<PixelSettings, "codec" | "crf" | "preset" | "pixFmt" | "encoderArgs"> {
  return {
    codec: e.codec,
    crf: e.crf ?? null,
    preset: e.preset ?? null,
    pixFmt: e.pixFmt ?? null,
    encoderArgs: e.extra,
  };
}

/** Settings that do not change the pixels: defaults for the machines that run segments. */
export interface RunSettings {
  backend: BackendChoice;
  tile: number | null;
  batch: number;
}

/** The weights one video's segments all run, chosen when the job was planned. */
export interface ItemWeights {
  /** The shipped weights' name (`paper`, `video`, …), or null for weights the caller gave. */
  name: ShippedWeightsName | null;
  /** Why these weights, in one line. */
  reason: string;
  /** SHA-256 of the weights' tensors (see weightsDigest) in the video's folder. */
  digest: string;
}

/** One video of the job. */
export interface PlanItem {
  /** Absolute input path. */
  input: string;
  /** Absolute output path. */
  output: string;
  /** Replace an existing output at the join. */
  overwrite: boolean;
  identity: InputIdentity;
  /** Folder of its segments, relative to the work folder. */
  folder: string;
  /** The video stream's time base (of the segments' bounds). */
  timeBase: Rational;
  frames: number;
  segments: SegmentSpec[];
  /** The weights its segments run (a file in its folder, see weightsFile). */
  weights: ItemWeights;
}

/** plan.json. */
export interface WorkPlan {
  format: typeof PLAN_FORMAT;
  /** ISO time of planning. */
  created: string;
  settings: PixelSettings;
  run: RunSettings;
  items: PlanItem[];
}

/** A new plan (plan.json) of `items`, made with `settings`; `run` as the options give it. */
export function newPlan(
  settings: PixelSettings,
  run: { backend?: BackendChoice; tile?: number; batch?: number },
  items: PlanItem[],
): WorkPlan {
  return {
    format: PLAN_FORMAT,
    created: new Date().toISOString(),
    settings,
    run: { backend: run.backend ?? "auto", tile: run.tile ?? null, batch: run.batch ?? 4 },
    items,
  };
}

async function sha256Hex(parts: Uint8Array[]): Promise<string> {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...hash].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Absolute form of a path (not resolving links: the user's name is what they will type). */
export function absolutePath(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`.replace(/\/\.\//g, "/");
}

/** The identity of an input file: path, size, mtime and a hash of its head and tail. */
export async function inputIdentity(path: string): Promise<InputIdentity> {
  const st = await Deno.stat(path);
  const file = await Deno.open(path, { read: true });
  try {
    const head = await readAt(file, 0, Math.min(MIB, st.size));
    const tail = st.size > MIB ? await readAt(file, Math.max(MIB, st.size - MIB), MIB) : [];
    return {
      path: absolutePath(path),
      size: st.size,
      mtimeMs: st.mtime?.getTime() ?? null,
      headTail: await sha256Hex(tail instanceof Uint8Array ? [head, tail] : [head]),
    };
  } finally {
    file.close();
  }
}

/** What differs between a planned input and the file now, or null when nothing does. */
export function identityChange(planned: InputIdentity, now: InputIdentity): string | null {
  if (planned.size !== now.size) return `its size changed (${planned.size} → ${now.size} bytes)`;
  if (planned.headTail !== now.headTail) return "its content changed";
  if (planned.mtimeMs !== now.mtimeMs) return "its modification time changed";
  return null;
}

/** SHA-256 of a network's tensors (names and float32 values), hex: what identifies weights. */
export async function weightsDigest(w: FsrcnnWeights): Promise<string> {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(JSON.stringify(w.config))];
  for (const name of [...w.params.keys()].sort()) {
    const v = w.params.get(name)!;
    parts.push(enc.encode(name), new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return await sha256Hex(parts);
}

const SETTING_NAMES: Record<keyof PixelSettings, string> = {
  scale: "scale",
  weights: "weights",
  codec: "codec",
  crf: "crf",
  preset: "preset",
  pixFmt: "pixel format",
  encoderArgs: "encoder arguments",
  segmentSeconds: "segment length",
  deinterlace: "deinterlacing",
};

/** The first setting that differs, as "crf 18, now 20", or null when they are the same. */
export function settingsChange(planned: PixelSettings, now: PixelSettings): string | null {
  for (const key of Object.keys(SETTING_NAMES) as (keyof PixelSettings)[]) {
    const a = JSON.stringify(planned[key]), b = JSON.stringify(now[key]);
    if (a === b) continue;
    if (key === "weights") {
      const digest = (v: string) => /^[0-9a-f]{64}$/.test(v);
      return digest(planned.weights) && digest(now.weights)
        ? "other weights"
        : `weights ${digest(planned.weights) ? "given" : planned.weights}, now ${
          digest(now.weights) ? "given" : now.weights
        }`;
    }
    const show = (v: unknown) =>
      v === null ? "default" : Array.isArray(v) ? (v.join(" ") || "none") : v;
    return `${SETTING_NAMES[key]} ${show(planned[key])}, now ${show(now[key])}`;
  }
  return null;
}

/** Whether `e` is the file system's refusal (no space, read-only, permission, …). */
function isFileSystemError(e: unknown): e is Error {
  return e instanceof Error && !(e instanceof FsrcnnError) &&
    (Object.values(Deno.errors).some((kind) => e instanceof kind) ||
      /\(os error \d+\)/.test(e.message));
}

/**
 * Runs a write into a work folder (or beside it); the file system's refusal becomes one line
 * naming `path`: `cannot be written (No space left on device)`.
 *
 * @throws {OutputError} The file system refused the write.
 */
export async function writing<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!isFileSystemError(e)) throw e;
    const reason = e.message.replace(/\s*\(os error \d+\).*$/s, "") || e.name;
    throw new OutputError(path, `cannot be written (${reason})`, { cause: e });
  }
}

/**
 * Writes a file so that readers see the old content or the new, never a part: a temporary
 * sibling, flushed to disk, renamed over the target.
 *
 * @throws {OutputError} The file system refused (no space, read-only, permission).
 */
export async function writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
  const slash = path.lastIndexOf("/");
  const temp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.tmp-${Deno.pid}-${
    crypto.randomUUID().slice(0, 8)
  }`;
  await writing(path, async () => {
    try {
      const file = await Deno.open(temp, { write: true, createNew: true });
      try {
        let at = 0;
        while (at < data.length) at += await file.write(data.subarray(at));
        await file.syncData();
      } finally {
        file.close();
      }
      await Deno.rename(temp, path);
    } catch (e) {
      await Deno.remove(temp).catch(() => {});
      throw e;
    }
  });
}

/** Writes JSON atomically (see writeFileAtomic). */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(value, null, 1) + "\n"));
}

/** Path of the manifest in a work folder. */
export function planPath(work: string): string {
  return `${work}/plan.json`;
}

/** A check of one field's value: null when it is fine, else what it should be. */
type FieldCheck = (v: unknown) => string | null;

const isInt = (v: unknown) => Number.isSafeInteger(v);
const string: FieldCheck = (v) => typeof v === "string" ? null : "a string";
const boolean: FieldCheck = (v) => typeof v === "boolean" ? null : "true or false";
const number: FieldCheck = (v) => typeof v === "number" && Number.isFinite(v) ? null : "a number";
const count: FieldCheck = (v) => isInt(v) && (v as number) >= 0 ? null : "a whole number";
const integer: FieldCheck = (v) => isInt(v) ? null : "an integer";
const orNull = (check: FieldCheck): FieldCheck => (v) =>
  v === null ? null : check(v) && `${check(v)} or null`;
// A folder inside the work folder: relative, without `..` (a crafted plan must not make a
// worker write elsewhere).
const folder: FieldCheck = (v) =>
  typeof v === "string" && v !== "" && !v.startsWith("/") &&
    !v.split("/").some((p) => p === ".." || p === "" || p === ".")
    ? null
    : "a folder inside the work folder";

type Shape = { [key: string]: FieldCheck | Shape | [Shape | FieldCheck] };

const SEGMENT: Shape = {
  index: count,
  start: orNull(integer),
  end: orNull(integer),
  firstPts: integer,
  frames: count,
};

const PLAN_SHAPE: Shape = {
  created: string,
  settings: {
    scale: count,
    weights: string,
    codec: string,
    crf: orNull(number),
    preset: orNull(string),
    pixFmt: orNull(string),
    encoderArgs: [string],
    segmentSeconds: number,
    deinterlace: (v) =>
      (DEINTERLACE_MODES as readonly unknown[]).includes(v)
        ? null
        : `one of ${DEINTERLACE_MODES.join(", ")}`,
  },
  run: { backend: string, tile: orNull(count), batch: count },
  items: [{
    input: string,
    output: string,
    overwrite: boolean,
    identity: { path: string, size: count, mtimeMs: orNull(number), headTail: string },
    folder,
    timeBase: { num: count, den: count },
    frames: count,
    segments: [SEGMENT],
    weights: { name: orNull(string), reason: string, digest: string },
  }],
};

function shapeProblem(value: unknown, shape: Shape | FieldCheck, at: string): string | null {
  if (typeof shape === "function") {
    if (value === undefined) return `${at} is missing`;
    const want = shape(value);
    return want ? `${at} is not ${want}` : null;
  }
  if (value === undefined) return `${at} is missing`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `${at} is not an object`;
  }
  for (const [key, sub] of Object.entries(shape)) {
    const v = (value as Record<string, unknown>)[key];
    const where = at ? `${at}.${key}` : key;
    if (!Array.isArray(sub)) {
      const p = shapeProblem(v, sub, where);
      if (p) return p;
      continue;
    }
    if (v === undefined) return `${where} is missing`;
    if (!Array.isArray(v)) return `${where} is not a list`;
    for (const [i, item] of v.entries()) {
      const p = shapeProblem(item, sub[0], `${where}[${i}]`);
      if (p) return p;
    }
  }
  return null;
}

/**
 * The largest plan.json read: 64 MiB, room for thousands of videos of thousands of segments
 * each, and a bound that keeps a damaged or replaced manifest from filling the memory.
 */
export const MAX_PLAN_BYTES: number = 64 * MIB;

/**
 * What is wrong with a manifest read from disk (a missing or mistyped field, no videos, a
 * video without segments or with segments out of order), or null when it can be used.
 */
export function planProblem(plan: unknown): string | null {
  const problem = shapeProblem(plan, PLAN_SHAPE, "");
  if (problem) return problem;
  const p = plan as WorkPlan;
  if (p.items.length === 0) return "items is empty (a plan has at least one video)";
  for (const [i, it] of p.items.entries()) {
    if (it.segments.length === 0) return `items[${i}].segments is empty`;
    if (it.segments.some((s, k) => s.index !== k)) {
      return `items[${i}].segments are not numbered 0, 1, 2, …`;
    }
    if (it.segments.reduce((n, s) => n + s.frames, 0) !== it.frames) {
      return `items[${i}].frames is not the sum of its segments' frames`;
    }
  }
  return null;
}

/**
 * Reads a work folder's manifest, and checks it (see planProblem).
 *
 * @throws {OutputError} The folder has no manifest, or one this version cannot read (a
 *   {@link WorkFolderError} when an older version made it), a damaged one (a field missing or of
 *   the wrong type, no videos), or its manifest is not a regular file or is larger than
 *   {@link MAX_PLAN_BYTES}.
 */
export async function readPlan(work: string): Promise<WorkPlan> {
  let text: string;
  try {
    text = await readTextBounded(planPath(work), {
      maxBytes: MAX_PLAN_BYTES,
      what: "a work plan",
      error: OutputError,
    });
  } catch (e) {
    if (e instanceof OutputError) throw e;
    if (e instanceof Deno.errors.NotFound) {
      throw new OutputError(work, "is not a segmented job's work folder (no plan.json)");
    }
    throw new OutputError(work, `cannot read plan.json (${(e as Error).message})`);
  }
  let plan: WorkPlan;
  try {
    plan = JSON.parse(text);
  } catch {
    throw new OutputError(work, "plan.json is damaged (not JSON)");
  }
  if (typeof plan?.format === "string" && /^fsrcnn-segments\/1$/.test(plan.format)) {
    // Version 1 kept one weights file for the whole job, where each video now has its own.
    throw new WorkFolderError(work, work, `was made by an older version (${plan.format})`);
  }
  if (plan?.format !== PLAN_FORMAT) {
    throw new OutputError(work, `plan.json is not a ${PLAN_FORMAT} manifest`);
  }
  // Plans made before interlaced video was looked for left it woven.
  if (plan.settings && typeof plan.settings === "object" && !("deinterlace" in plan.settings)) {
    (plan.settings as PixelSettings).deinterlace = "off";
  }
  const problem = planProblem(plan);
  if (problem) throw new OutputError(planPath(work), `is damaged: ${problem}`);
  return plan;
}
