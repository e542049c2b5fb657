/**
 * What ffmpeg can do with an alpha plane (transparency) in video: which encoders write one and
 * in which pixel format, which containers' usual encoders do, and which decoder reads a
 * source's alpha when ffmpeg's own decoder would drop it.
 *
 * Pure: no I/O (what this ffmpeg has is passed in).
 */
import { type PixelFormat, pixFmtHasAlpha } from "../frame/format.ts";
import type { MediaInfo } from "./probe.ts";

/**
 * Encoders that write alpha, and the pixel format each is given for a working format with
 * alpha. VP8 and VP9 code alpha as a second 8-bit 4:2:0 picture; ProRes holds it only in its
 * 4444 profiles (which prores_ks picks for `yuva444p10le`); FFV1 takes every working format;
 * QuickTime Animation and PNG are RGB.
 */
const ALPHA_ENCODERS: Readonly<Record<string, (f: PixelFormat) => string>> = {
  "libvpx-vp9": () => "yuva420p",
  libvpx: () => "yuva420p",
  prores_ks: () => "yuva444p10le",
  ffv1: (f) => f.name,
  qtrle: () => "argb",
  png: (f) => f.bitDepth > 8 ? "rgba64be" : "rgba",
};

/**
 * Encoders of a container (by muxer name) that can hold alpha, in order of preference: the
 * choice when the source has alpha and no encoder was asked for. ProRes 4444 is what editors
 * exchange in QuickTime; FFV1 keeps every chroma family and depth in Matroska and NUT (it is
 * lossless, so large); WebM's usual VP9 holds alpha itself.
 */
export const ALPHA_ENCODERS_OF: Readonly<Record<string, readonly string[]>> = {
  webm: ["libvpx-vp9", "libvpx"],
  mov: ["prores_ks"],
  matroska: ["ffv1"],
  nut: ["ffv1"],
};

/** The pixel format `encoder` writes alpha in, for `format` (with alpha); undefined if none. */
export function alphaPixFmt(encoder: string, format: PixelFormat): string | undefined {
  return ALPHA_ENCODERS[encoder]?.(format);
}

/**
 * The pixel format given to `encoder` for frames in `format`: the one asked for, else the
 * encoder's alpha format when the frames have alpha (see alphaPixFmt), else the format's own.
 */
export function encoderPixFmt(encoder: string, format: PixelFormat, asked?: string): string {
  return asked ?? (format.alpha ? alphaPixFmt(encoder, format) : undefined) ?? format.name;
}

/**
 * Whether `encoder` stores alpha beside the picture rather than in it: VP8 and VP9 alpha
 * travels as Matroska block additions, which a NUT file (a segment) does not keep.
 */
export function alphaBesidePicture(encoder: string): boolean {
  return encoder === "libvpx" || encoder === "libvpx-vp9";
}

/**
 * The decoder that reads the alpha of a VP8 or VP9 source flagged `alpha_mode` (its alpha is
 * in block additions that ffmpeg's native decoders ignore); undefined for other sources.
 */
export function alphaDecoder(codec: string, tags: Record<string, string>): string | undefined {
  if ((tags.alpha_mode ?? tags.ALPHA_MODE) !== "1") return undefined;
  return codec === "vp9" ? "libvpx-vp9" : codec === "vp8" ? "libvpx" : undefined;
}

/** The tags of a source's video stream. */
function videoTags(info: Pick<MediaInfo, "video" | "streams">): Record<string, string> {
  return info.streams.find((s) => s.index === info.video?.index)?.tags ?? {};
}

/**
 * Whether a source's pictures carry alpha: in their pixel format (ProRes 4444's
 * `yuva444p10le`, PNG's `rgba`, QuickTime Animation's `argb`, …), or VP8/VP9 flagged
 * `alpha_mode` (whose pixel format says nothing of it).
 */
export function sourceHasAlpha(info: Pick<MediaInfo, "video" | "streams">): boolean {
  const tags = videoTags(info);
  return !!info.video &&
    (pixFmtHasAlpha(info.video.pixFmt) || (tags.alpha_mode ?? tags.ALPHA_MODE) === "1");
}

/** What happens to a source's alpha: kept (read with `decoder` when set), or dropped and why. */
export type AlphaFate =
  | { keep: true; decoder?: string }
  | { keep: false; why: string };

/** What decides the fate of a source's alpha (see alphaFate). */
export interface AlphaOutput {
  /** The video encoder; absent for a frame-sequence output. */
  encoder?: string;
  /** A frame-sequence output writes JPEG. */
  jpeg?: boolean;
  /** The pixel format asked of the encoder, if any. */
  pixFmt?: string;
  /** The decoders this ffmpeg has. */
  decoders: ReadonlySet<string>;
}

/**
 * Decides whether a source's alpha is kept (null: it has none): the output must be pictures
 * that are not JPEG, or a video whose encoder (or the pixel format asked for) holds alpha, and
 * a VP8/VP9 source needs the libvpx decoder. `why` completes "not kept: the alpha channel of
 * …; ".
 */
export function alphaFate(
  info: Pick<MediaInfo, "video" | "streams">,
  o: AlphaOutput,
): AlphaFate | null {
  if (!sourceHasAlpha(info)) return null;
  if (o.encoder === undefined) {
    if (o.jpeg) return { keep: false, why: "JPEG cannot hold one" };
  } else if (o.pixFmt !== undefined) {
    if (!pixFmtHasAlpha(o.pixFmt)) {
      return { keep: false, why: `the pixel format ${o.pixFmt} has none` };
    }
  } else if (!(o.encoder in ALPHA_ENCODERS)) {
    return { keep: false, why: `${o.encoder} cannot hold one` };
  }
  const decoder = alphaDecoder(info.video!.codec, videoTags(info));
  if (decoder && !o.decoders.has(decoder)) {
    return { keep: false, why: `this ffmpeg has no ${decoder} decoder to read it` };
  }
  return decoder ? { keep: true, decoder } : { keep: true };
}
