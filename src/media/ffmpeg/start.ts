/**
 * Where the upscaled video goes on the output's timeline, so that it keeps its offset to the
 * source's other streams. One-piece runs and segment joins both place it here.
 *
 * ffmpeg moves the source's streams by the source's start time (the earliest stream's first
 * timestamp) when it copies them, and the encoded video starts at 0: the video must be moved
 * to its first frame's timestamp less that start.
 *
 * Opus in Matroska/WebM needs more: ffmpeg's Matroska demuxer reports every Opus packet its
 * codec delay (pre-skip) early, and its muxer writes them back without adding it, so a copied
 * Opus track lands that much earlier against everything else (`ffmpeg -c copy` does the same).
 * The video is moved as much earlier, to stay in sync with the audio.
 */
import type { MediaInfo } from "./probe.ts";
import { localName } from "./input_name.ts";
import { runTool } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";
import type { KeptStream } from "./stream_plan.ts";

/**
 * The pre-skip (samples at 48 kHz) of an Opus stream from ffprobe's hexdump of its extradata
 * (an `OpusHead` header: pre-skip is the little-endian 16-bit field at byte 10), or null when
 * the dump is not an OpusHead.
 */
export function opusPreSkip(hexdump: string): number | null {
  const bytes: number[] = [];
  for (const line of hexdump.split("\n")) {
    // "00000000: 4f70 7573 4865 6164 0101 3801 80bb 0000  OpusHead..8....."
    const m = line.match(/^[0-9a-f]{8}:((?: [0-9a-f]{2,4})+)/i);
    if (!m) continue;
    for (const group of m[1].trim().split(" ")) {
      for (let i = 0; i < group.length; i += 2) bytes.push(parseInt(group.slice(i, i + 2), 16));
    }
  }
  const magic = String.fromCharCode(...bytes.slice(0, 8));
  if (magic !== "OpusHead" || bytes.length < 12) return null;
  return bytes[10] | (bytes[11] << 8);
}

/**
 * Seconds the video is moved earlier to stay in sync with a copied Opus track of a
 * Matroska/WebM source (see the module's notes): the first such track's pre-skip, rounded to
 * its time base as the demuxer rounds it; 0 when there is none. A streamed source is read
 * from its kept start, `streamStart`.
 */
export async function copiedOpusDelay(
  tools: FfmpegTools,
  info: Pick<MediaInfo, "path" | "formatName">,
  kept: readonly KeptStream[],
  signal?: AbortSignal,
  streamStart?: Uint8Array,
): Promise<number> {
  if (!/matroska|webm/.test(info.formatName)) return 0;
  const opus = kept.find((k) => k.source.codec === "opus" && k.encoder === "copy");
  if (!opus) return 0;
  const r = await runTool(tools.ffprobe, [
    ...["-v", "error", "-select_streams", String(opus.source.index)],
    ...["-show_entries", "stream=time_base,extradata", "-show_data", "-of", "json"],
    streamStart ? "pipe:0" : localName(info.path),
  ], { signal, stdin: streamStart });
  if (r.code !== 0) return 0;
  let stream;
  try {
    stream = JSON.parse(new TextDecoder().decode(r.stdout)).streams?.[0];
  } catch {
    return 0;
  }
  const preSkip = opusPreSkip(String(stream?.extradata ?? ""));
  const [num, den] = String(stream?.time_base ?? "").split("/").map(Number);
  if (!preSkip || !(num > 0) || !(den > 0)) return 0;
  return Math.round((preSkip * den) / (48000 * num)) * num / den;
}

/**
 * Seconds from the output's start to its first video frame: the frame's own timestamp
 * (`firstVideo`, seconds, as the source stores it) less the source's start and any Opus delay
 * (see copiedOpusDelay).
 */
export function videoStart(
  firstVideo: number,
  info: Pick<MediaInfo, "start">,
  opusDelay: number,
): number {
  return firstVideo - (info.start ?? 0) - opusDelay;
}
