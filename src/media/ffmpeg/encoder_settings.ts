/**
 * The video encoder's settings (the options `codec`, `crf`, `preset`, `pixFmt` and
 * `encoderArgs`), in the one shape that every encode, trial and plan uses, with the
 * defaults applied once, here. Pure.
 */

/** Constant-quality defaults, each about where the encoder's makers recommend for HD. */
const DEFAULT_CRF: Readonly<Record<string, number>> = {
  libx264: 18,
  libx264rgb: 18,
  libx265: 18,
  "libvpx-vp9": 31,
  "libaom-av1": 30,
};

/**
 * A constant-quality default (CRF 18, visually near-lossless, for the x264/x265 family; 31 for
 * VP9, 30 for AV1), unless the user chose the rate another way in the extra encoder arguments
 * (`-qp 0` for lossless, a bitrate, …): two rate controls would fight. Other encoders get no
 * `-crf` (their scales differ, or they have none).
 *
 * @param codec The ffmpeg encoder name.
 * @param extra The user's extra encoder arguments.
 */
export function defaultCrf(codec: string, extra: readonly string[]): number | undefined {
  const crf = DEFAULT_CRF[codec];
  if (crf === undefined) return undefined;
  const rateControl = /^-(qp|crf|b|b:v|q|q:v|qscale|qscale:v|cq|global_quality|x26[45]-params)$/;
  return extra.some((a) => rateControl.test(a)) ? undefined : crf;
}

/** The encoder used when nothing chose one (an output that is not a video file). */
export const DEFAULT_VIDEO_ENCODER = "libx264";

/** How the video is encoded, defaults applied (see {@link encoderSettings}). */
export interface EncoderSettings {
  /** The ffmpeg encoder. */
  codec: string;
  /** `-crf`; absent: none (the encoder has no default, or the extra arguments set the rate). */
  crf?: number;
  /** `-preset`; absent: the encoder's own. */
  preset?: string;
  /**
   * The pixel format asked for (`-pix_fmt`); absent: the frames' own, with alpha when they
   * keep it (see encoderPixFmt).
   */
  pixFmt?: string;
  /** Extra arguments passed through to ffmpeg, each a separate argument. */
  extra: string[];
}

/** The encoder settings as asked for (the options of the same names). */
export interface EncoderRequest {
  codec?: string;
  crf?: number;
  preset?: string;
  pixFmt?: string;
  encoderArgs?: readonly string[];
}

/**
 * The settings that `asked` means: the encoder `codec` (the stream plan's choice, which
 * honours the one asked for), else the one asked for, else {@link DEFAULT_VIDEO_ENCODER}; the
 * encoder's default CRF unless one is asked for (see defaultCrf).
 */
export function encoderSettings(asked: EncoderRequest, codec?: string): EncoderSettings {
  const chosen = codec ?? asked.codec ?? DEFAULT_VIDEO_ENCODER;
  const extra = [...(asked.encoderArgs ?? [])];
  return {
    codec: chosen,
    crf: asked.crf ?? defaultCrf(chosen, extra),
    preset: asked.preset,
    pixFmt: asked.pixFmt,
    extra,
  };
}
