/** The quality an encoder gets when the user names none. Pure. */

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
