/** The quality an encoder gets when the user names none. Pure. */

/**
 * CRF 18 (visually near-lossless) for the x264/x265 family, unless the user chose the rate
 * another way in `--encoder-args` (`-qp 0` for lossless, a bitrate, …): two rate controls
 * would fight. Other encoders get no `-crf` (their scales differ, or they have none).
 *
 * @param codec The ffmpeg encoder name.
 * @param extra The user's extra encoder arguments.
 */
export function defaultCrf(codec: string, extra: readonly string[]): number | undefined {
  if (!["libx264", "libx264rgb", "libx265"].includes(codec)) return undefined;
  const rateControl = /^-(qp|crf|b|b:v|q|q:v|qscale|qscale:v|cq|global_quality|x26[45]-params)$/;
  return extra.some((a) => rateControl.test(a)) ? undefined : 18;
}
