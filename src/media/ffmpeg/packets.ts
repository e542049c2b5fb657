/**
 * The video stream's packets as ffprobe lists them: each one's presentation timestamp and
 * whether it is a keyframe or a packet the demuxer discards (an MP4 edit list hiding encoder
 * delay). A segmented run cuts the video at these keyframes and counts frames from them.
 */
import { InputError } from "../../core/errors.ts";
import { localName } from "./input_name.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** One packet of the video stream. */
export interface VideoPacket {
  /** Presentation timestamp in the stream's time base; null when the container has none. */
  pts: number | null;
  /** Starts a picture that decodes on its own (ffprobe's `K` flag). */
  key: boolean;
  /** Dropped by the demuxer and never shown (ffprobe's `D` flag). */
  discard: boolean;
}

/** Parses `ffprobe -show_entries packet=pts,flags -of csv=p=0` output, in file order. */
export function parsePacketCsv(text: string): VideoPacket[] {
  const packets: VideoPacket[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") continue;
    // Side data may add lines of its own; a packet line is "pts,flags", with an empty field
    // after it in some containers (MPEG-TS: "133200,K_,").
    const m = trimmed.match(/^(-?\d+|N\/A),([A-Z_]+),?$/);
    if (!m) continue;
    packets.push({
      pts: m[1] === "N/A" ? null : Number(m[1]),
      key: m[2].includes("K"),
      discard: m[2].includes("D"),
    });
  }
  return packets;
}

/**
 * Lists the packets of the first video stream (it reads the whole file, without decoding).
 *
 * @param tools ffprobe to run.
 * @param path A local media file.
 * @param stream The absolute index of the video stream (probe.ts' `VideoInfo.index`).
 * @param signal Stops ffprobe.
 * @throws {InputError} ffprobe cannot read the file.
 */
export async function probeVideoPackets(
  tools: FfmpegTools,
  path: string,
  stream: number,
  signal?: AbortSignal,
): Promise<VideoPacket[]> {
  const r = await runTool(tools.ffprobe, [
    "-v",
    "error",
    "-select_streams",
    String(stream),
    "-show_entries",
    "packet=pts,flags",
    "-of",
    "csv=p=0",
    localName(path),
  ], { signal });
  if (r.code !== 0) {
    throw new InputError(path, `cannot list its packets (${stderrTail(r.stderr, 1)})`);
  }
  return parsePacketCsv(new TextDecoder().decode(r.stdout));
}

/**
 * Counts the video packets of a file without decoding (ffprobe `-count_packets`): how a
 * finished segment or output is checked for completeness.
 *
 * @returns The packet count, or null when ffprobe cannot read the file.
 */
export async function countVideoPackets(
  tools: FfmpegTools,
  path: string,
  signal?: AbortSignal,
): Promise<number | null> {
  const r = await runTool(tools.ffprobe, [
    "-v",
    "error",
    "-count_packets",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=nb_read_packets",
    "-of",
    "csv=p=0",
    localName(path),
  ], { signal });
  if (r.code !== 0) return null;
  const n = Number(new TextDecoder().decode(r.stdout).trim().split(/[\n,]/)[0]);
  return Number.isSafeInteger(n) ? n : null;
}
