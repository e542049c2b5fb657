/**
 * ffmpeg command lines for the pipeline, as pure functions (table-tested): the decoder that
 * turns any input into raw YUV frames in NUT on stdout, and the encoder that takes our NUT
 * on stdin and writes the output, carrying over everything of the source but its pixels.
 */
import { OptionError } from "../../core/errors.ts";
import { type PixelFormat, pixFmtHasAlpha } from "../frame/format.ts";
import { encoderPixFmt } from "./alpha.ts";
import type { FfmpegCapabilities } from "./capabilities.ts";
import type { EncoderSettings } from "./encoder_settings.ts";
import type { ColorTags, MediaInfo } from "./probe.ts";
import type { KeptStream } from "./stream_plan.ts";
import {
  type FfmpegInput,
  fileInput,
  localName,
  outputName,
  STANDARD_STREAM,
} from "./input_name.ts";
import { MOV_MUXERS } from "./muxers.ts";
import { deinterlaceFilter, type FieldParity } from "./interlace.ts";
import { type PixelTurn, turnFilters } from "./rotate.ts";

/** Options shared by every invocation: quiet, never interactive. */
export const COMMON_ARGS = ["-nostdin", "-hide_banner", "-loglevel", "error"];

/** `-fps_mode passthrough` (`-vsync` before ffmpeg 5.1). */
export function passthrough(caps: Pick<FfmpegCapabilities, "fpsMode">): string[] {
  // Every frame exactly once with its own timestamp: no duplicates or drops for VFR input.
  return caps.fpsMode ? ["-fps_mode", "passthrough"] : ["-vsync", "passthrough"];
}

export interface DecodeArgsOptions {
  /**
   * Convert RGB sources to YUV with this matrix (limited range) instead of swscale's BT.601
   * default, matching the tags written on the output.
   */
  rgbMatrix?: string;
  /**
   * The source is full-range Y′CbCr (`yuvj…` or tagged `pc`): deliver its samples as they are
   * stored. Without this, ffmpeg squeezes them into the limited range on the way to `pixFmt`
   * (black 0 → 16, white 255 → 235) while the output keeps the full-range tag.
   */
  fullRange?: boolean;
  /** Input name for ffmpeg (already made safe: `file:` prefix or a concat list). */
  input: string;
  /** Options placed before `-i` (demuxer choice, frame rate of a sequence, …). */
  inputOptions?: string[];
  /**
   * Decode with this decoder instead of ffmpeg's choice: `libvpx-vp9` reads the alpha of VP9
   * that the native decoder drops (see alpha.ts).
   */
  decoder?: string;
  /** Working pixel format: yuv420p, yuva444p10le, … (also rgb24/rgb48le/gray… for stills). */
  pixFmt: string;
  /**
   * Keep frames as stored, unturned (the encoder re-applies the rotation as metadata, or
   * `turn` turns them).
   */
  noAutorotate?: boolean;
  /**
   * Make whole pictures of interlaced frames before anything else (see interlace.ts): one
   * per frame, or one per field (`perField`, twice the frame rate).
   */
  deinterlace?: { parity: FieldParity; perField: boolean };
  /** Turn the pictures clockwise by this many degrees, after `size` (see rotate.ts). */
  turn?: PixelTurn;
  /** Stop after this many frames (counted after `sample`'s selection). */
  frames?: number;
  /**
   * Decode only a sample: keyframes alone (when `keyframes`; the others are not even
   * decoded), at least `apartSeconds` apart, from the first `withinSeconds` of the input.
   */
  sample?: { keyframes: boolean; apartSeconds: number; withinSeconds: number };
  /**
   * Decode one segment: keep the source's own timestamps (`-copyts`) and, when `seek` is
   * given, start at the keyframe at or before that timestamp (seconds, absolute), keeping
   * every decoded frame (the caller picks the segment's frames by timestamp).
   */
  segment?: { seek?: string };
  /**
   * Keep the source's own timestamps (`-copyts`; a segment always does): frames carry the
   * timestamps the file stores, which place the video against the source's other streams.
   */
  sourceTimes?: boolean;
  /**
   * Scale every frame to this size: a video whose picture size changes midway is upscaled at
   * its first size (as ffmpeg itself does), whichever frame decoding starts from.
   */
  size?: { width: number; height: number };
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase">;
}

function videoFilter(
  o: Pick<
    DecodeArgsOptions,
    "sample" | "rgbMatrix" | "fullRange" | "size" | "deinterlace" | "turn"
  >,
): string[] {
  const apart = o.sample?.apartSeconds ?? 0;
  const filters = [
    // Fields are rows of the picture as stored: woven together before it is scaled or turned.
    ...(o.deinterlace ? [deinterlaceFilter(o.deinterlace.parity, o.deinterlace.perField)] : []),
    // The first frame, then each one at least `apart` after the last one kept (give or take a
    // millisecond: 1.2 − 0.8 is less than 0.4 in floating point).
    ...(apart > 0 ? [`select=isnan(prev_selected_t)+gte(t-prev_selected_t+0.001\\,${apart})`] : []),
    ...(o.size ? [`scale=${o.size.width}:${o.size.height}`] : []),
    ...turnFilters(o.turn ?? 0),
    ...(o.rgbMatrix ? [`scale=out_color_matrix=${o.rgbMatrix}:out_range=tv`] : []),
    ...(o.fullRange && !o.rgbMatrix ? ["scale=out_range=pc"] : []),
  ];
  return filters.length > 0 ? ["-vf", filters.join(",")] : [];
}

/** ffmpeg arguments that decode the first video stream to rawvideo-in-NUT on stdout. */
export function decodeArgs(o: DecodeArgsOptions): string[] {
  return [
    ...COMMON_ARGS,
    ...(o.noAutorotate ? ["-noautorotate"] : []),
    ...(o.segment || o.sourceTimes ? ["-copyts"] : []),
    ...(o.segment?.seek !== undefined
      ? ["-seek_timestamp", "1", "-ss", o.segment.seek, "-noaccurate_seek"]
      : []),
    ...(o.sample?.keyframes ? ["-skip_frame", "nokey"] : []),
    ...(o.sample ? ["-t", String(o.sample.withinSeconds)] : []),
    ...(o.inputOptions ?? []),
    ...(o.decoder ? ["-c:v", o.decoder] : []),
    "-i",
    o.input,
    "-map",
    "0:v:0",
    ...(o.frames !== undefined ? ["-frames:v", String(o.frames)] : []),
    ...videoFilter(o),
    "-c:v",
    "rawvideo",
    "-pix_fmt",
    o.pixFmt,
    ...passthrough(o.caps),
    // Keep the source's time base: otherwise ffmpeg snaps timestamps to a guessed frame rate.
    // Not for one picture per field: their times fall between the source's, in the filter's
    // time base (half the source's), which ffmpeg then keeps.
    ...(o.caps.encTimeBase && !o.deinterlace?.perField
      ? ["-enc_time_base:v", o.caps.encTimeBase]
      : []),
    "-f",
    "nut",
    "pipe:1",
  ];
}

/**
 * ffmpeg's own options that take no value (and their `-no…` forms). Every other option,
 * ffmpeg's or an encoder's or muxer's, takes the word after it as its value, whatever it is.
 */
const VALUELESS_OPTIONS = new Set([
  "accurate_seek",
  "an",
  "auto_conversion_filters",
  "autorotate",
  "autoscale",
  "benchmark",
  "benchmark_all",
  "bitexact",
  "copy_unknown",
  "copyinkf",
  "copyts",
  "debug_ts",
  "deinterlace",
  "dn",
  "dump",
  "find_stream_info",
  "fix_sub_duration",
  "force_fps",
  "hex",
  "hide_banner",
  "ignore_unknown",
  "intra",
  "n",
  "psnr",
  "qphist",
  "re",
  "recast_media",
  "report",
  "shortest",
  "sn",
  "start_at_zero",
  "stats",
  "stdin",
  "vn",
  "vstats",
  "xerror",
  "y",
  // Informational: ffmpeg prints and exits.
  "L",
  "version",
  "buildconf",
  "formats",
  "muxers",
  "demuxers",
  "devices",
  "codecs",
  "decoders",
  "encoders",
  "bsfs",
  "protocols",
  "filters",
  "pix_fmts",
  "layouts",
  "sample_fmts",
  "colors",
  "dispositions",
  "hwaccels",
]);

/**
 * Options that add inputs or outputs, pick the format, or read or write files of their own
 * (besides any whose name ends in `file`, `filename` or `_script`).
 */
const FILE_OPTIONS = new Set([
  "i",
  "y",
  "n",
  "f",
  "map",
  "attach",
  "dump_attachment",
  "filter_complex",
  "lavfi",
  "pass",
  "progress",
  "report",
  "vstats",
  "sdp_file",
  "passlogfile",
  "vstats_file",
]);

/** The name of an option word: `-c:v` → `c`, `-nostats` → `nostats`. */
function optionName(word: string): string {
  return word.slice(1).split(":")[0];
}

function takesNoValue(name: string): boolean {
  return VALUELESS_OPTIONS.has(name) ||
    (name.startsWith("no") && VALUELESS_OPTIONS.has(name.slice(2)));
}

/**
 * Checks extra encoder arguments the way ffmpeg reads them: each must be an option (`-name`)
 * or the value that follows one (every option but ffmpeg's few valueless ones takes the next
 * word, even one that starts with `-`). A word that is neither would be an output file ffmpeg
 * writes (`-tune film victim.mkv` replaces victim.mkv), so it is refused, and so are options
 * that add inputs or outputs or read or write files (`-i`, `-y`, `-f`, `-map`, `-passlogfile`,
 * …) and an option left without its value (it would take the next argument of ours).
 *
 * @throws {OptionError} For `encoderArgs`, naming the word at fault.
 */
export function checkEncoderArgs(args: readonly string[]): void {
  const refuse = (problem: string) => new OptionError("encoderArgs", problem);
  for (let i = 0; i < args.length; i++) {
    const word = args[i];
    if (!word.startsWith("-") || word === "-" || /^-\.?\d/.test(word)) {
      throw refuse(
        `holds ${JSON.stringify(word)}, which is neither an option nor an option's value`,
      );
    }
    const name = optionName(word);
    if (FILE_OPTIONS.has(name) || /(file|filename|_script)$/.test(name)) {
      throw refuse(
        `may not hold ${word}: it picks inputs, outputs, their format, or files ffmpeg reads or writes`,
      );
    }
    if (takesNoValue(name)) continue;
    if (i + 1 >= args.length) throw refuse(`ends with ${word}, which needs a value`);
    i++;
  }
}

interface EncodeArgsCommon {
  /** The output file (a local path; ffmpeg is given it as a `file:` name), or `-`. */
  output: string;
  /** Muxer (`-f`), chosen from the output's extension. */
  muxer: string;
  /** How the video is encoded; for a copy (`copyVideoFrom`), only `extra` is used. */
  video: EncoderSettings;
  /**
   * The source file (input #1): its chapters and global metadata are kept, and so are the
   * streams of `streams` (see stream_plan.ts), each with its tags and dispositions.
   */
  source?: {
    path: string;
    info: MediaInfo;
    streams: KeptStream[];
    /**
     * How ffmpeg reads the source when it is not the local file `path`: a streamed input,
     * served once (see live.ts).
     */
    served?: FfmpegInput;
    /**
     * Where a served source's chapters are read from when the video is moved (`videoStart`):
     * an FFMETADATA file (see chapters.ts), since a stream cannot be opened a second time.
     */
    chapters?: FfmpegInput;
  };
  /**
   * Seconds from the output's start to its first video frame (see ffmpeg/start.ts). ffmpeg
   * starts every input at 0, so without this the video would start with the earliest stream
   * and lose its offset to the audio. It may be negative (the video then starts first and the
   * muxer moves every stream later).
   */
  videoStart?: number;
  color?: ColorTags;
  /** The source's frame rate varies (see encodeArgs). */
  variableFrameRate?: boolean;
  /** Encode one frame only: the trial run that shows whether ffmpeg accepts the output. */
  trial?: boolean;
  caps: Pick<FfmpegCapabilities, "fpsMode" | "encTimeBase" | "defaultMode">;
}

/** The arguments of an encode: our NUT frames on stdin, in the format `frames`. */
interface EncodeFrames extends EncodeArgsCommon {
  /** The frames' format, which the encoded pixel format follows unless one is asked for. */
  frames: PixelFormat;
  copyVideoFrom?: undefined;
}

/**
 * The arguments of a copy: the video, already encoded, from `copyVideoFrom` (its ffmpeg input
 * options and name, e.g. a concat list of encoded segments), unchanged: of `video`, only
 * `extra` is used (muxer options in it still apply).
 */
interface CopyVideo extends EncodeArgsCommon {
  copyVideoFrom: FfmpegInput;
  frames?: undefined;
}

export type EncodeArgsOptions = EncodeFrames | CopyVideo;

/** Dispositions that both ffmpeg 4.1 and current ones can set with `-disposition`. */
const SETTABLE_DISPOSITIONS = new Set([
  "default",
  "dub",
  "original",
  "comment",
  "lyrics",
  "karaoke",
  "forced",
  "hearing_impaired",
  "visual_impaired",
  "clean_effects",
  "captions",
  "descriptions",
  "metadata",
  "dependent",
]);

/** A stream's dispositions as a `-disposition` value (`0` for none). */
export function dispositionValue(flags: readonly string[]): string {
  return flags.filter((f) => SETTABLE_DISPOSITIONS.has(f)).join("+") || "0";
}

/** Seconds as ffmpeg's duration syntax, to the microsecond it counts in. */
function seconds(s: number): string {
  return s.toFixed(6);
}

/** How far encodeArgs moves the video: `videoStart`, or 0 under half a microsecond. */
function movedBy(videoStart: number | undefined): number {
  return videoStart !== undefined && Math.abs(videoStart) >= 5e-7 ? videoStart : 0;
}

/**
 * Whether encodeArgs reads a source's chapters from a second input (a stream's: its
 * `source.chapters`): it has chapters and its video is moved by `videoStart`.
 */
export function chaptersMoved(
  chapters: readonly unknown[],
  videoStart: number | undefined,
): boolean {
  return chapters.length > 0 && movedBy(videoStart) !== 0;
}

/** ffmpeg arguments that encode rawvideo-in-NUT from stdin into `output`. */
export function encodeArgs(o: EncodeArgsOptions): string[] {
  const args = [...COMMON_ARGS, "-y"];
  const video = o.copyVideoFrom ?? { inputOptions: ["-f", "nut"], input: "pipe:0" };
  args.push(...video.inputOptions, "-i", video.input);
  const src = o.source;
  // The video is encoded from 0 on the frame-rate grid and moved to its start when muxed
  // (-output_ts_offset); the source's streams move back by as much, so they keep their place.
  const start = movedBy(o.videoStart);
  if (src) {
    if (start !== 0) args.push("-itsoffset", seconds(-start));
    args.push(...(src.served?.inputOptions ?? []), "-i", src.served?.input ?? localName(src.path));
  }
  // Chapters are copied with input #1's offset but not moved back by -output_ts_offset: they
  // come from a second, unshifted opening of the source, or for a stream (which cannot be
  // opened twice) from the FFMETADATA file of its chapters.
  const moved = src !== undefined && chaptersMoved(src.info.chapters, o.videoStart);
  const chaptersFrom = !moved ? undefined : src.served ? src.chapters : fileInput(src.path);
  const chapters = chaptersFrom ? "2" : "1";
  if (chaptersFrom) args.push(...chaptersFrom.inputOptions, "-i", chaptersFrom.input);
  args.push("-map", "0:v:0");
  const kept = src?.streams ?? [];
  for (const k of kept) args.push("-map", `1:${k.source.index}`);
  const mp4Family = MOV_MUXERS.has(o.muxer);
  // The pixel format the frames are encoded in (none for a copy).
  const pixFmt = o.frames && encoderPixFmt(o.video.codec, o.frames, o.video.pixFmt);
  if (src) {
    args.push("-map_metadata", "1", "-map_chapters", chapters);
    // Naming any stream's metadata turns ffmpeg's copying of the others off, so each is named.
    const video = src.info.video;
    const videoStream = src.info.streams.find((s) => s.index === video?.index);
    // MP4 keeps no track title; its handler name is where players look for one.
    const titleAsHandler = (out: number, tags: Record<string, string> | undefined) => {
      if (mp4Family && tags?.title && !tags.handler_name) {
        args.push(`-metadata:s:${out}`, `handler_name=${tags.title}`);
      }
    };
    if (video) args.push("-map_metadata:s:0", `1:s:${video.index}`);
    // A VP8/VP9 source's `alpha_mode` tag says its pictures have alpha: not so for an output
    // written without (the encoder sets it again where it writes alpha).
    const tags = videoStream?.tags ?? {};
    const alphaTag = Object.keys(tags).find((k) => k.toLowerCase() === "alpha_mode");
    if (alphaTag && pixFmt !== undefined && !pixFmtHasAlpha(pixFmt)) {
      args.push("-metadata:s:0", `${alphaTag}=`);
    }
    args.push("-disposition:0", dispositionValue(videoStream?.disposition ?? ["default"]));
    titleAsHandler(0, videoStream?.tags);
    kept.forEach((k, i) => {
      const out = i + 1;
      args.push(`-c:${out}`, k.encoder, `-map_metadata:s:${out}`, `1:s:${k.source.index}`);
      if (k.source.type !== "attachment") {
        args.push(`-disposition:${out}`, dispositionValue(k.source.disposition));
      }
      titleAsHandler(out, k.source.tags);
    });
    // Matroska's default (before ffmpeg 5) marks a track default when none of its kind is.
    if (o.caps.defaultMode && (o.muxer === "matroska" || o.muxer === "webm")) {
      args.push("-default_mode", "passthrough");
    }
  }
  const v = o.video;
  const extra = v.extra;
  if (pixFmt === undefined) args.push("-c:v", "copy");
  else {
    args.push("-c:v", v.codec);
    if (v.crf !== undefined) args.push("-crf", String(v.crf));
    // libvpx-vp9 and libaom-av1 cap a CRF at a default bitrate unless told there is none.
    if (
      v.crf !== undefined && ["libvpx-vp9", "libaom-av1"].includes(v.codec) &&
      !extra.some((a) => /^-(b|b:v)$/.test(a))
    ) {
      args.push("-b:v", "0");
    }
    if (v.preset !== undefined) args.push("-preset", v.preset);
    args.push("-pix_fmt", pixFmt);
  }
  // Stream copy takes these too: containers without colour fields (NUT) drop them on the way.
  const c = o.color ?? {};
  if (c.primaries) args.push("-color_primaries", c.primaries);
  if (c.transfer) args.push("-color_trc", c.transfer);
  if (c.space) args.push("-colorspace", c.space);
  if (c.range) args.push("-color_range", c.range);
  if (pixFmt !== undefined) {
    args.push(...passthrough(o.caps));
    // Variable frame rate: encode in the source's time base so that no timestamp is rounded.
    // Constant rate: let ffmpeg use 1/fps, which also gives every packet its duration (with the
    // source time base, ffmpeg 4.x leaves durations unset and the MP4 edit list drops the last
    // frame).
    if (o.variableFrameRate && o.caps.encTimeBase) {
      args.push("-enc_time_base:v", o.caps.encTimeBase);
    }
  }
  // MP4 writes its index after the media unless fragmented: a pipe cannot be gone back over.
  if (mp4Family && o.output === STANDARD_STREAM) {
    args.push("-movflags", "+frag_keyframe+empty_moov+default_base_moof");
  }
  args.push(...extra);
  if (start !== 0) args.push("-output_ts_offset", seconds(start));
  if (o.trial) args.push("-frames:v", "1", "-t", "0.001");
  args.push("-f", o.muxer, outputName(o.output));
  return args;
}

/** Degrees folded into [0, 360). */
export function normaliseRotation(deg: number): number {
  const r = Math.round(deg) % 360;
  return r < 0 ? r + 360 : r;
}

export interface ImageSequenceArgsOptions {
  /** Output pattern (a local path, e.g. `dir/%06d.png`), numbered from 1. */
  output: string;
  jpeg: boolean;
  /** Write 16-bit PNG (for sources deeper than 8 bits). */
  deep: boolean;
  /** Write PNG with alpha (the frames have an alpha plane). */
  alpha?: boolean;
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
  const pngPixFmt = o.alpha ? (o.deep ? "rgba64be" : "rgba") : (o.deep ? "rgb48be" : "rgb24");
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
      : ["-c:v", "png", "-pix_fmt", pngPixFmt]),
    ...passthrough(o.caps),
    "-start_number",
    "1",
    "-f",
    "image2",
    localName(o.output),
  ];
}
