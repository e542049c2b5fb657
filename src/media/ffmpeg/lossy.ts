/**
 * Which coded pictures went through a lossy transform codec, by ffprobe's codec name. Pictures
 * stored this way always carry the codec's traces, even where the blocking statistic cannot see
 * them (VP9's and AV1's large transforms and deblocking, HEVC's): they are never clean.
 */

/** ffprobe codec names of the lossy transform codecs that video and photographs come in. */
const LOSSY_CODECS: ReadonlySet<string> = new Set([
  "h264",
  "hevc",
  "vp8",
  "vp9",
  "av1",
  "mpeg4",
  "mpeg2video",
  "mpeg1video",
  "msmpeg4v2",
  "msmpeg4v3",
  "wmv1",
  "wmv2",
  "wmv3",
  "vc1",
  "h263",
  "flv1",
  "theora",
  "rv30",
  "rv40",
  "mjpeg",
  "webp",
]);

/** Whether pictures in this codec (ffprobe's name, e.g. `h264`) went through a lossy codec. */
export function isLossyCodec(codec: string | undefined): boolean {
  return codec !== undefined && LOSSY_CODECS.has(codec);
}
