/**
 * Probing media with ffprobe: what streams a file has, and the video stream's size, pixel
 * format, frame rate, frame count, colour tags and rotation.
 */
import type { Chapter } from "./chapters.ts";
import { InputError } from "../../core/errors.ts";
import type { Rational } from "../../core/rational.ts";
import { localName } from "./input_name.ts";
import { type RunResult, runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

export interface ColorTags {
  range?: string;
  space?: string;
  transfer?: string;
  primaries?: string;
}

export interface VideoInfo {
  /** Absolute stream index in the file. */
  index: number;
  codec: string;
  width: number;
  height: number;
  pixFmt: string;
  /** Frame rate ffprobe guesses (r_frame_rate), and the average one. */
  frameRate: Rational;
  avgFrameRate: Rational;
  timeBase: Rational;
  /** From the container when it says; may be missing or approximate. */
  frameCount?: number;
  duration?: number;
  color: ColorTags;
  /** Display rotation in degrees, as av_display_rotation_get() (see rotationOf). */
  rotation: number;
  /** Where chroma samples sit (ffprobe's chroma_location: left, center, topleft, …). */
  chromaLocation?: string;
  /**
   * How the stream says its pictures are scanned (ffprobe's field_order: `progressive`, or
   * `tt`, `bb`, `tb`, `bt` for interlaced); missing when it does not say.
   */
  fieldOrder?: string;
}

export interface StreamInfo {
  index: number;
  type: "video" | "audio" | "subtitle" | "data" | "attachment" | "unknown";
  codec: string;
  /** The container's four-character code, trimmed (`tmcd`, `rtp`, `text`), when it has one. */
  codecTag?: string;
  /** Attached picture (cover art), not a real video stream. */
  attachedPic: boolean;
  /** Disposition flags that are set, by ffprobe's names (`default`, `forced`, …). */
  disposition: string[];
  /** The stream's metadata tags as the container spells them (`language`, `title`, …). */
  tags: Record<string, string>;
}

export interface MediaInfo {
  path: string;
  formatName: string;
  duration?: number;
  /**
   * The earliest stream's first timestamp (seconds): ffmpeg moves every stream by it when it
   * reads the file without `-copyts`.
   */
  start?: number;
  streams: StreamInfo[];
  /** The first real video stream, if any. */
  video: VideoInfo | null;
  /**
   * The picture size a video stream declares but ffmpeg refuses to decode (too large for its
   * decoders), when that is why `video` is null.
   */
  undecodableSize?: { width: number; height: number };
  chapters: Chapter[];
}

/** The size in ffmpeg's complaint about a picture too large to decode, if it made one. */
export function undecodableSizeOf(stderr: string): { width: number; height: number } | undefined {
  const m = stderr.match(/Picture size (\d+)x(\d+) is invalid/);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

function rational(text: unknown): Rational {
  const [n, d] = String(text ?? "0/1").split("/").map(Number);
  return { num: Number.isFinite(n) ? n : 0, den: Number.isFinite(d) && d !== 0 ? d : 1 };
}

function num(v: unknown): number | undefined {
  const n = Number(v);
  return v === undefined || v === null || v === "" || v === "N/A" || !Number.isFinite(n)
    ? undefined
    : n;
}

/** A four-character code as ffprobe prints it, without padding; none for `[0][0][0][0]`. */
function fourcc(v: unknown): string | undefined {
  if (typeof v !== "string" || v.includes("[")) return undefined;
  return v.trim() || undefined;
}

function stringTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (typeof v === "string") out[k] = v;
  return out;
}

function tagOrUndefined(v: unknown): string | undefined {
  return typeof v === "string" && v !== "unknown" && v !== "" ? v : undefined;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * Display rotation as libavutil's av_display_rotation_get() reports it (ffprobe's `rotation`).
 * Computed from the matrix when ffprobe prints it, so that every ffprobe version agrees.
 * Old ffprobes only show the `rotate` tag; ffmpeg's own tag ↔ matrix conversion makes that
 * the same number.
 */
export function rotationOf(stream: Json): number {
  for (const sd of stream.side_data_list ?? []) {
    if (typeof sd.displaymatrix === "string") {
      const m = sd.displaymatrix.match(/^\s*0+:\s+(-?\d+)\s+(-?\d+)/m);
      if (m) {
        const deg = -Math.atan2(Number(m[2]), Number(m[1])) * 180 / Math.PI;
        return Math.round(deg) + 0;
      }
    }
    if (typeof sd.rotation === "number") return sd.rotation;
  }
  return num(stream.tags?.rotate) ?? 0;
}

/** Parses ffprobe's JSON (`-show_format -show_streams -show_chapters`). */
export function parseProbe(path: string, json: Json): MediaInfo {
  const streams: StreamInfo[] = (json.streams ?? []).map((s: Json) => ({
    index: s.index,
    type: ["video", "audio", "subtitle", "data", "attachment"].includes(s.codec_type)
      ? s.codec_type
      : "unknown",
    codec: s.codec_name ?? "unknown",
    codecTag: fourcc(s.codec_tag_string),
    attachedPic: s.disposition?.attached_pic === 1,
    disposition: Object.entries(s.disposition ?? {}).filter(([, v]) => v === 1).map(([k]) => k),
    tags: stringTags(s.tags),
  }));
  const v = (json.streams ?? []).find((s: Json) =>
    s.codec_type === "video" && s.disposition?.attached_pic !== 1
  );
  let video: VideoInfo | null = null;
  if (v && num(v.width) && num(v.height)) {
    video = {
      index: v.index,
      codec: v.codec_name ?? "unknown",
      width: v.width,
      height: v.height,
      pixFmt: v.pix_fmt ?? "unknown",
      frameRate: rational(v.r_frame_rate),
      avgFrameRate: rational(v.avg_frame_rate),
      timeBase: rational(v.time_base),
      frameCount: num(v.nb_frames) ?? num(v.nb_read_frames),
      duration: num(v.duration),
      color: {
        range: tagOrUndefined(v.color_range),
        space: tagOrUndefined(v.color_space),
        transfer: tagOrUndefined(v.color_transfer),
        primaries: tagOrUndefined(v.color_primaries),
      },
      rotation: rotationOf(v),
      chromaLocation: tagOrUndefined(v.chroma_location),
      fieldOrder: tagOrUndefined(v.field_order),
    };
  }
  return {
    path,
    formatName: json.format?.format_name ?? "unknown",
    duration: num(json.format?.duration),
    start: num(json.format?.start_time),
    streams,
    video,
    chapters: (json.chapters ?? []).map((c: Record<string, unknown>) => ({
      timeBase: String(c.time_base ?? "1/1000"),
      start: Number(c.start ?? 0),
      end: Number(c.end ?? 0),
      tags: (c.tags ?? {}) as Record<string, string>,
    })),
  };
}

/** Checks that `path` names a readable, non-empty regular file. */
export async function checkInputFile(path: string): Promise<void> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new InputError(path, "no such file");
    if (e instanceof Deno.errors.PermissionDenied) throw new InputError(path, "permission denied");
    throw new InputError(path, (e as Error).message);
  }
  if (st.isDirectory) throw new InputError(path, "is a directory, not a media file");
  if (!st.isFile) throw new InputError(path, "is not a regular file");
  if (st.size === 0) throw new InputError(path, "is empty (0 bytes)");
}

export interface ProbeOptions {
  /** Count frames by decoding (slow, exact); default: trust the container. */
  countFrames?: boolean;
  signal?: AbortSignal;
}

const PROBE_ARGS = [
  ...["-v", "error", "-print_format", "json"],
  ...["-show_format", "-show_streams", "-show_chapters"],
];

/** Probes a local media file; throws InputError naming the file when it is not media. */
export async function probe(
  tools: FfmpegTools,
  path: string,
  options: ProbeOptions = {},
): Promise<MediaInfo> {
  await checkInputFile(path);
  const args = [...PROBE_ARGS];
  if (options.countFrames) args.push("-count_frames");
  args.push(localName(path));
  const r = await runTool(tools.ffprobe, args, { signal: options.signal });
  return parseResult(path, r, tools);
}

/**
 * Probes a stream from its start (`bytes`, which ffprobe reads only as far as it needs to
 * know the streams). Its length is unknown: a duration ffprobe guessed from the first bytes,
 * or a frame count, would be wrong, and neither is reported. Null when ffprobe found no
 * media in it.
 */
export async function probeStream(
  tools: FfmpegTools,
  name: string,
  bytes: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): Promise<MediaInfo | null> {
  const r = await runTool(tools.ffprobe, [...PROBE_ARGS, "pipe:0"], { stdin: bytes, signal });
  if (crashed(r)) throw new InputError(name, crashReason(tools, r));
  if (r.code !== 0) return null;
  const info = parseResult(name, r);
  const video = info.video && { ...info.video, duration: undefined, frameCount: undefined };
  return { ...info, duration: undefined, video };
}

/** Whether ffprobe died of a signal (a crash), not of the input's fault. */
function crashed(r: RunResult): boolean {
  return r.code > 128 && r.code < 160;
}

/**
 * What to say when ffprobe crashed: the static ffprobe builds of npm:@ffprobe-installer (4.1
 * to 5.2) die of SIGSEGV on H.264 in MPEG-TS, where any other ffprobe reads it.
 */
function crashReason(tools: FfmpegTools, r: RunResult): string {
  return `ffprobe crashed reading it (exit status ${r.code}` +
    (tools.ffprobe.includes("@ffprobe-installer")
      ? "; the embedded ffprobe cannot read H.264 in MPEG-TS: install ffmpeg's ffprobe, or " +
        "name one in FFPROBE_PATH)"
      : ")");
}

function parseResult(path: string, r: RunResult, tools?: FfmpegTools): MediaInfo {
  if (tools && crashed(r)) throw new InputError(path, crashReason(tools, r));
  if (r.code !== 0) {
    const why = stderrTail(r.stderr, 1).replace(/^.*?: /, "");
    throw new InputError(path, `not a readable media file (${why || `ffprobe exit ${r.code}`})`);
  }
  let json: Json;
  try {
    json = JSON.parse(new TextDecoder().decode(r.stdout));
  } catch {
    throw new InputError(path, "ffprobe returned unreadable output");
  }
  const info = parseProbe(path, json);
  if (!info.video) info.undecodableSize = undecodableSizeOf(r.stderr);
  return info;
}
