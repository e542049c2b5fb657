/**
 * ffmpeg command lines for the pipeline, as pure functions (table-tested): the decoder that
 * turns any input into raw YUV frames in NUT on stdout, and the encoder that takes our NUT
 * on stdin and writes the output, carrying over everything of the source but its pixels.
 */
import type { FfmpegCapabilities } from "./capabilities.ts";
import type { ColorTags, MediaInfo } from "./probe.ts";

/** Options shared by every invocation: quiet, never interactive. */
export const COMMON_ARGS = ["-nostdin", "-hide_banner", "-loglevel", "error"];

function passthrough(caps: Pick<FfmpegCapabilities, "fpsMode">): string[] {
  // Every frame exactly once with its own timestamp: no duplicates or drops for VFR input.
  return caps.fpsMode ? ["-fps_mode", "passthrough"] : ["-vsync", "passthrough"];
}

export interface DecodeArgsOptions {
  /**
   * Convert RGB sources to YUV with this matrix (limited range) instead of swscale's BT.601
   * default, matching the tags written on the output.
   */
  rgbMatrix?: string;
  /** Input name for ffmpeg (already made safe: `file:` prefix or a concat list). */
  input: string;
  /** Options placed before `-i` (demuxer choice, frame rate of a sequence, …). */
  inputOptions?: string[];
  /** Working pixel format: yuv420p or yuv420p10le (also rgb24/rgb48le/gray… for stills). */
  pixFmt: string;
  /** Keep frames as stored (the encoder re-applies the rotation as metadata). */
  noAutorotate?: boolean;
  /** Stop after this many frames. */
  frames?: number;
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase">;
}

/** ffmpeg arguments that decode the first video stream to rawvideo-in-NUT on stdout. */
export function decodeArgs(o: DecodeArgsOptions): string[] {
  return [
    ...COMMON_ARGS,
    ...(o.noAutorotate ? ["-noautorotate"] : []),
    ...(o.inputOptions ?? []),
    "-i",
    o.input,
    "-map",
    "0:v:0",
    ...(o.frames !== undefined ? ["-frames:v", String(o.frames)] : []),
    ...(o.rgbMatrix ? ["-vf", `scale=out_color_matrix=${o.rgbMatrix}:out_range=tv`] : []),
    "-c:v",
    "rawvideo",
    "-pix_fmt",
    o.pixFmt,
    ...passthrough(o.caps),
    // Keep the source's time base: otherwise ffmpeg snaps timestamps to a guessed frame rate.
    ...(o.caps.encTimeBase ? ["-enc_time_base:v", o.caps.encTimeBase] : []),
    "-f",
    "nut",
    "pipe:1",
  ];
}

/** Video encoder settings (the `--codec`, `--crf`, `--preset`, `--pix-fmt`, `--encoder-args` flags). */
export interface VideoEncoding {
  codec: string;
  crf?: number;
  preset?: string;
  pixFmt: string;
  /** Extra arguments passed through to ffmpeg, each a separate argument. */
  extra?: string[];
}

export interface EncodeArgsOptions {
  /** The output name for ffmpeg (`file:` prefixed, or an image2 pattern). */
  output: string;
  /** Muxer (`-f`), chosen from the output's extension. */
  muxer: string;
  video: VideoEncoding;
  /** The source file (input #1) whose audio, subtitles, chapters and metadata are kept. */
  source?: { name: string; info: MediaInfo };
  color?: ColorTags;
  /** The source's frame rate varies (see encodeArgs). */
  variableFrameRate?: boolean;
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase">;
}

/** Subtitle codecs MP4/MOV can hold as they are; text subtitles of other kinds become mov_text. */
const MP4_TEXT_SUBS = new Set(["mov_text"]);
const TEXT_SUBS = new Set(["subrip", "srt", "ass", "ssa", "webvtt", "text", "mov_text"]);

/** ffmpeg arguments that encode rawvideo-in-NUT from stdin into `output`. */
export function encodeArgs(o: EncodeArgsOptions): string[] {
  const args = [...COMMON_ARGS, "-y"];
  args.push("-f", "nut", "-i", "pipe:0");
  const src = o.source;
  const streams = src?.info.streams ?? [];
  const isMp4 = ["mp4", "mov", "ipod", "3gp", "3g2"].includes(o.muxer);
  if (src) args.push("-i", src.name);
  args.push("-map", "0:v:0");
  if (src) {
    if (streams.some((s) => s.type === "audio")) args.push("-map", "1:a", "-c:a", "copy");
    const subs = streams.filter((s) => s.type === "subtitle");
    if (subs.length > 0) {
      args.push("-map", "1:s");
      const convert = isMp4 && subs.every((s) => TEXT_SUBS.has(s.codec)) &&
        subs.some((s) => !MP4_TEXT_SUBS.has(s.codec));
      args.push("-c:s", convert ? "mov_text" : "copy");
    }
    if (o.muxer === "matroska" && streams.some((s) => s.type === "attachment")) {
      args.push("-map", "1:t");
    }
    args.push("-map_metadata", "1", "-map_chapters", "1", "-map_metadata:s:v:0", "1:s:v:0");
  }
  const v = o.video;
  args.push("-c:v", v.codec);
  if (v.crf !== undefined) args.push("-crf", String(v.crf));
  if (v.preset !== undefined) args.push("-preset", v.preset);
  args.push("-pix_fmt", v.pixFmt);
  const c = o.color ?? {};
  if (c.primaries) args.push("-color_primaries", c.primaries);
  if (c.transfer) args.push("-color_trc", c.transfer);
  if (c.space) args.push("-colorspace", c.space);
  if (c.range) args.push("-color_range", c.range);
  args.push(...passthrough(o.caps));
  // Variable frame rate: encode in the source's time base so that no timestamp is rounded.
  // Constant rate: let ffmpeg use 1/fps, which also gives every packet its duration (with the
  // source time base, ffmpeg 4.x leaves durations unset and the MP4 edit list drops the last
  // frame).
  if (o.variableFrameRate && o.caps.encTimeBase) args.push("-enc_time_base:v", o.caps.encTimeBase);
  args.push(...(v.extra ?? []));
  args.push("-f", o.muxer, o.output);
  return args;
}

/** Degrees folded into [0, 360). */
export function normaliseRotation(deg: number): number {
  const r = Math.round(deg) % 360;
  return r < 0 ? r + 360 : r;
}

export interface ImageSequenceArgsOptions {
  /** Output pattern for ffmpeg (`file:` prefixed), numbered from 1. */
  output: string;
  jpeg: boolean;
  /** Write 16-bit PNG (for sources deeper than 8 bits). */
  deep: boolean;
  /** The frames' YUV colour matrix and range, for the conversion to RGB. */
  color: ColorTags;
  caps: Pick<FfmpegCapabilities, "fpsMode">;
}

/** swscale's name for a colour-matrix tag. */
export function swsMatrix(space: string | undefined): string {
  switch (space) {
    case "bt709":
    case "fcc":
    case "smpte240m":
      return space;
    case "bt2020nc":
    case "bt2020c":
      return "bt2020";
    default:
      return "bt601";
  }
}

/** ffmpeg arguments that write rawvideo-in-NUT from stdin as numbered PNG or JPEG files. */
export function imageSequenceArgs(o: ImageSequenceArgsOptions): string[] {
  const range = o.color.range === "pc" ? "full" : "tv";
  return [
    ...COMMON_ARGS,
    "-y",
    "-f",
    "nut",
    "-i",
    "pipe:0",
    "-vf",
    `scale=in_color_matrix=${swsMatrix(o.color.space)}:in_range=${range}`,
    ...(o.jpeg
      ? ["-c:v", "mjpeg", "-q:v", "2", "-pix_fmt", "yuvj444p"]
      : ["-c:v", "png", "-pix_fmt", o.deep ? "rgb48be" : "rgb24"]),
    ...passthrough(o.caps),
    "-start_number",
    "1",
    "-f",
    "image2",
    o.output,
  ];
}
