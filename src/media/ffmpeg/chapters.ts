/**
 * Chapters as an FFMETADATA text, for an encode that cannot take them from a second opening of
 * its source (a stream is read once): their times moved as ffmpeg moves a source's chapters
 * when it reads the source without `-copyts`, and every value escaped as the format asks.
 */
import { makeTaggedTempDir } from "../../core/leftovers.ts";
import { type FfmpegInput, localName } from "./input_name.ts";

/** A chapter as ffprobe reports it: times in its own time base, and its tags. */
export interface Chapter {
  /** The chapter's time base, e.g. `1/1000` or `1/1000000000`. */
  timeBase: string;
  start: number;
  end: number;
  tags: Record<string, string>;
}

/** `=`, `;`, `#`, `\` and line breaks, backslash-escaped (ffmpeg's ffmetadata syntax). */
export function escapeFfmetadata(value: string): string {
  return value.replace(/[=;#\\\n]/g, (c) => `\\${c}`).replace(/\r/g, "");
}

/** Microseconds (ffmpeg's time base) of `ticks` in time base `timeBase` ("num/den"), rounded. */
function microseconds(ticks: number, timeBase: string): number {
  const [num, den] = timeBase.split("/").map(Number);
  return Math.round((ticks * num * 1_000_000) / den);
}

/**
 * The FFMETADATA text of `chapters` moved `shift` seconds earlier (the source's start, which
 * ffmpeg moves every stream by): as ffmpeg copies chapters, one that ends before the new zero is
 * dropped and one that starts before it starts at zero. Times are in microseconds.
 */
export function ffmetadataChapters(chapters: readonly Chapter[], shift: number): string {
  const by = Math.round(shift * 1_000_000);
  const lines = [";FFMETADATA1"];
  for (const c of chapters) {
    const start = microseconds(c.start, c.timeBase) - by;
    const end = microseconds(c.end, c.timeBase) - by;
    if (end < 0) continue;
    lines.push("[CHAPTER]", "TIMEBASE=1/1000000", `START=${Math.max(0, start)}`, `END=${end}`);
    for (const [k, v] of Object.entries(c.tags)) {
      lines.push(`${escapeFfmetadata(k)}=${escapeFfmetadata(v)}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** An FFMETADATA file of chapters as an ffmpeg input. */
export interface ChaptersInput extends FfmpegInput {
  /** Removes the file (idempotent). */
  close(): Promise<void>;
}

/**
 * `chapters` (moved `shift` seconds earlier, see ffmetadataChapters) written to a private
 * temporary file that ffmpeg reads as an input of its own.
 */
export async function chaptersInput(
  chapters: readonly Chapter[],
  shift: number,
): Promise<ChaptersInput> {
  const dir = await makeTaggedTempDir("fsrcnn-chapters-");
  const path = `${dir}/chapters.txt`;
  let closed: Promise<void> | null = null;
  const close = () => closed ??= Deno.remove(dir, { recursive: true }).catch(() => {});
  try {
    await Deno.writeTextFile(path, ffmetadataChapters(chapters, shift));
  } catch (e) {
    await close();
    throw e;
  }
  return { input: localName(path), inputOptions: ["-f", "ffmetadata"], close };
}
