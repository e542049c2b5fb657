/**
 * A trial encode: two tiny frames through the chosen encoder into NUT, then joined with the
 * source's other streams into the output's container, as a segmented run will do with the real
 * frames. It takes a fraction of a second and finds at planning time what would otherwise fail
 * at the join, hours later: an encoder that is missing or refuses the settings, or a stream the
 * container cannot hold.
 */
import { makeTaggedTempDir } from "../../core/leftovers.ts";
import { COMMON_ARGS, type VideoEncoding } from "./args.ts";
import { type FfmpegInput, localName } from "./input_name.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/**
 * Encodes a trial clip with `video` into NUT, then runs `join` on it.
 *
 * @param join The join's ffmpeg arguments for a video input (`-i NAME`) and an output name.
 * @returns null when both steps work, else ffmpeg's complaint (one line).
 */
export async function trialEncode(
  tools: FfmpegTools,
  video: VideoEncoding,
  join: (videoInput: FfmpegInput, output: string) => string[],
  signal?: AbortSignal,
): Promise<string | null> {
  const dir = await makeTaggedTempDir("fsrcnn-trial-");
  try {
    const nut = `${dir}/trial.nut`;
    const encode = await runTool(tools.ffmpeg, [
      ...COMMON_ARGS,
      ...["-f", "lavfi", "-i", "color=c=gray:size=64x64:rate=25", "-frames:v", "2"],
      "-c:v",
      video.codec,
      ...(video.crf !== undefined ? ["-crf", String(video.crf)] : []),
      ...(video.preset !== undefined ? ["-preset", video.preset] : []),
      ...["-pix_fmt", video.pixFmt, ...(video.extra ?? []), "-f", "nut", localName(nut)],
    ], { signal });
    if (encode.code !== 0) return stderrTail(encode.stderr, 3) || `exit ${encode.code}`;
    const copy = await runTool(
      tools.ffmpeg,
      join({ inputOptions: ["-f", "nut"], input: localName(nut) }, `${dir}/trial.out`),
      { signal },
    );
    if (copy.code !== 0) return stderrTail(copy.stderr, 3) || `exit ${copy.code}`;
    return null;
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
