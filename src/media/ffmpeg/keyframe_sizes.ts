/**
 * Where a video's picture size changes. Codecs change it only at a keyframe (H.264 and HEVC at
 * an IDR picture with a new SPS, VP9 and AV1 at a key frame), so ffprobe decodes the keyframes
 * alone (`-skip_frame nokey`) and the size of each is compared with the one before: a cheap
 * pass over the file, read as a stream, keeping only the changes.
 */
import { CancelledError } from "../../core/errors.ts";
import { localName } from "./input_name.ts";
import { spawnTool } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** A keyframe whose size differs from the picture before it. */
export interface SizeChange {
  width: number;
  height: number;
  /** Its timestamp in seconds (ffprobe's best-effort timestamp); null when it has none. */
  seconds: number | null;
}

/** The size changes found, and the first keyframe's timestamp, to tell times from the start. */
export interface SizeChanges {
  /** The first changes, at most `keep` of them (see {@link SizeTracker}). */
  changes: SizeChange[];
  /** Every change, counted past `keep` too. */
  count: number;
  /** The first keyframe's timestamp in seconds, when it has one. */
  start: number | null;
}

/**
 * Follows ffprobe's `-of default` frame sections (`[FRAME]`, `key=value` lines, `[/FRAME]`)
 * line by line, in whatever order the fields come, and keeps the changes from `first` on.
 */
export class SizeTracker {
  #current: { width: number; height: number };
  #frame: Record<string, string> | null = null;
  #seen = false;
  readonly result: SizeChanges = { changes: [], count: 0, start: null };

  constructor(first: { width: number; height: number }, readonly keep = 3) {
    this.#current = { ...first };
  }

  /** Takes one line of output. */
  line(text: string): void {
    const line = text.trim();
    if (line === "[FRAME]") {
      this.#frame = {};
    } else if (line === "[/FRAME]") {
      if (this.#frame) this.#frameDone(this.#frame);
      this.#frame = null;
    } else if (this.#frame) {
      const eq = line.indexOf("=");
      // Side data sections nested in a frame have keys of their own; the frame's come first.
      if (eq > 0 && !(line.slice(0, eq) in this.#frame)) {
        this.#frame[line.slice(0, eq)] = line.slice(eq + 1);
      }
    }
  }

  #frameDone(f: Record<string, string>): void {
    const width = Number(f.width), height = Number(f.height);
    const t = Number(f.best_effort_timestamp_time);
    const seconds = f.best_effort_timestamp_time !== undefined && Number.isFinite(t) ? t : null;
    if (!this.#seen) {
      this.#seen = true;
      this.result.start = seconds;
    }
    if (!(width > 0 && height > 0)) return;
    if (width === this.#current.width && height === this.#current.height) return;
    this.#current = { width, height };
    this.result.count++;
    if (this.result.changes.length < this.keep) {
      this.result.changes.push({ width, height, seconds });
    }
  }
}

/**
 * Lists the picture size changes of a video stream from its first size (`first`, the size
 * every frame is scaled to). Memory stays bounded whatever the file's length.
 *
 * @param tools ffprobe to run.
 * @param path A local media file (not a stream: it is read here once more).
 * @param stream The absolute index of the video stream (probe.ts' `VideoInfo.index`).
 * @param first The size the stream starts with.
 * @returns The changes, or null when ffprobe could not read the keyframes (the run itself
 *   then reports what is wrong with the file).
 */
export async function probeSizeChanges(
  tools: FfmpegTools,
  path: string,
  stream: number,
  first: { width: number; height: number },
  signal?: AbortSignal,
): Promise<SizeChanges | null> {
  if (signal?.aborted) throw new CancelledError();
  const p = spawnTool(tools.ffprobe, [
    ...["-v", "error", "-skip_frame", "nokey", "-select_streams", String(stream)],
    ...["-show_entries", "frame=width,height,best_effort_timestamp_time", "-of", "default"],
    localName(path),
  ], { stdin: "null", stdout: "piped" });
  const stop = () => p.kill();
  signal?.addEventListener("abort", stop, { once: true });
  const tracker = new SizeTracker(first);
  try {
    let rest = "";
    for await (const chunk of p.child.stdout.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      // A line is a few dozen bytes: a longer one is not ffprobe's frame output.
      if (rest.length > 4096) rest = "";
      for (const line of lines) tracker.line(line);
    }
    tracker.line(rest);
    const { code } = await p.done;
    if (signal?.aborted) throw new CancelledError();
    return code === 0 ? tracker.result : null;
  } finally {
    signal?.removeEventListener("abort", stop);
    p.kill();
  }
}
