/** Synthetic media from ffmpeg's test sources, for tests, benchmarks and demos. */
import { ToolError } from "../../core/errors.ts";
import { COMMON_ARGS } from "./args.ts";
import { localName } from "./input_name.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** What {@link makeTestClip} puts in the clip; only the size and length are required. */
export interface TestClipOptions {
  width: number;
  height: number;
  frames: number;
  /** Frames per second (default 25). */
  rate?: number;
  /** Add a 440 Hz sine audio track (AAC). */
  audio?: boolean;
  /** Add a two-cue text subtitle track (mov_text). */
  subtitles?: boolean;
  /** Add two chapters. */
  chapters?: boolean;
  /** Variable frame rate: the gaps between frames grow. */
  vfr?: boolean;
  /** 10-bit 4:2:0 (yuv420p10le) instead of 8-bit. */
  tenBit?: boolean;
  /** Display rotation in degrees, stamped on the video stream. */
  rotate?: number;
  /** Tag the video BT.709 (primaries, transfer, matrix). */
  color709?: boolean;
  /** Container title. */
  title?: string;
  /** Video encoder (default libx264). */
  codec?: string;
  /** Frames from one keyframe to the next (default: the encoder's own). */
  gop?: number;
  /** Encoder preset (default: the encoder's own). */
  preset?: string;
  /** MP4 index at the front of the file. */
  faststart?: boolean;
}

/** Runs ffmpeg quietly; a failure is a ToolError naming `path`. */
async function ffmpeg(tools: FfmpegTools, path: string, args: string[]): Promise<void> {
  const r = await runTool(tools.ffmpeg, [...COMMON_ARGS, "-y", ...args]);
  if (r.code !== 0) {
    throw new ToolError(`${path}: could not generate a test clip (${stderrTail(r.stderr)})`);
  }
}

/**
 * Writes a testsrc2 clip to `path` with the streams and properties `o` asks for. Side files
 * (subtitle text, chapter list) live in a temporary folder that is removed before returning.
 */
export async function makeTestClip(
  tools: FfmpegTools,
  path: string,
  o: TestClipOptions,
): Promise<void> {
  const rate = o.rate ?? 25;
  const args = ["-f", "lavfi", "-i", `testsrc2=size=${o.width}x${o.height}:rate=${rate}`];
  const maps = ["-map", "0:v"];
  let n = 1;
  const side = o.subtitles || o.chapters
    ? await Deno.makeTempDir({ prefix: "fsrcnn-clip-" })
    : null;
  try {
    if (o.audio) {
      args.push("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000");
      maps.push("-map", `${n++}:a`);
    }
    /** Writes a side file and returns its ffmpeg input name. */
    const sideFile = async (name: string, text: string) => {
      await Deno.writeTextFile(`${side}/${name}`, text);
      return localName(`${side}/${name}`);
    };
    if (o.subtitles) {
      const srt =
        "1\n00:00:00,000 --> 00:00:00,400\nhello\n\n2\n00:00:00,400 --> 00:00:00,700\nworld\n";
      args.push("-i", await sideFile("subs.srt", srt));
      maps.push("-map", `${n++}:s`);
    }
    if (o.chapters) {
      const chapter = (start: number, end: number, title: string) =>
        `[CHAPTER]\nTIMEBASE=1/1000\nSTART=${start}\nEND=${end}\ntitle=${title}\n`;
      const meta = `;FFMETADATA1\n${chapter(0, 300, "One")}${chapter(300, 700, "Two")}`;
      args.push("-i", await sideFile("chapters.txt", meta));
      maps.push("-map_chapters", String(n++));
    }
    args.push(...maps, "-frames:v", String(o.frames));
    if (o.vfr) args.push("-vf", "setpts='(N+N*N/3)/25/TB'", "-vsync", "vfr");
    args.push("-c:v", o.codec ?? "libx264");
    if (o.preset) args.push("-preset", o.preset);
    if (o.gop) args.push("-g", String(o.gop));
    args.push("-pix_fmt", o.tenBit ? "yuv420p10le" : "yuv420p");
    if (o.audio) args.push("-c:a", "aac", "-shortest");
    if (o.subtitles) args.push("-c:s", "mov_text");
    if (o.color709) {
      args.push("-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709");
    }
    if (o.title) args.push("-metadata", `title=${o.title}`);
    if (o.faststart) args.push("-movflags", "+faststart");
    args.push(localName(path));
    await ffmpeg(tools, path, args);
  } finally {
    if (side) await Deno.remove(side, { recursive: true });
  }
  if (o.rotate) {
    // ffmpeg keeps a rotation only when copying streams, so stamp it on afterwards.
    const slash = path.lastIndexOf("/");
    const tmp = `${path.slice(0, slash + 1)}.rotating-${path.slice(slash + 1)}`;
    await ffmpeg(tools, path, [
      "-i",
      localName(path),
      "-map",
      "0",
      "-c",
      "copy",
      "-metadata:s:v:0",
      `rotate=${o.rotate}`,
      localName(tmp),
    ]);
    await Deno.rename(tmp, path);
  }
}
