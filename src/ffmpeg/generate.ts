/** Synthetic media from ffmpeg's test sources, for benchmarks and demos. */
import { ToolError } from "../errors.ts";
import { COMMON_ARGS } from "./args.ts";
import { localName } from "./input_name.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

export interface TestClipOptions {
  width: number;
  height: number;
  frames: number;
  rate?: number;
  /** Add a 440 Hz sine audio track. */
  audio?: boolean;
}

/** Writes a testsrc2 clip (H.264, fast preset) to `path`. */
export async function makeTestClip(
  tools: FfmpegTools,
  path: string,
  o: TestClipOptions,
): Promise<void> {
  const rate = o.rate ?? 25;
  const args = [
    ...COMMON_ARGS,
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${o.width}x${o.height}:rate=${rate}`,
    ...(o.audio ? ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"] : []),
    "-frames:v",
    String(o.frames),
    "-c:v",
    "libx264",
    "-preset",
    "veryfast",
    "-pix_fmt",
    "yuv420p",
    ...(o.audio ? ["-c:a", "aac", "-shortest"] : []),
    localName(path),
  ];
  const r = await runTool(tools.ffmpeg, args);
  if (r.code !== 0) {
    throw new ToolError(`${path}: could not generate a test clip (${stderrTail(r.stderr)})`);
  }
}
