/** `upscaleFile`: the one call that upscales anything, long videos in resumable segments. */
import { upscaleWith } from "../upscale/upscale.ts";
import type { UpscaleOptions, UpscaleSummary } from "../upscale/options.ts";
import { upscaleInSegments } from "./local.ts";

/**
 * Upscales a video, frame sequence or still image into a video, frame sequence or image, `scale`×
 * wider and taller. The luma goes through FSRCNN; chroma is upsampled bicubically; a video keeps
 * its audio, subtitles, chapters, metadata, timestamps, colour tags and rotation. Unless told
 * which weights to use, it measures the input's first few pictures and chooses the shipped
 * weights that suit them (see {@link chooseWeights}). The input is checked fully before the
 * output is touched, the output is written under a temporary name and renamed when complete,
 * and nothing is left behind on failure or cancellation. `-` (standard input or output) and
 * network URLs are streams instead: read or written once, as they come, in bounded memory, and
 * in one piece; `stop` ends a streamed input and finishes the output with what came.
 *
 * @param o What to read and write, and how; see {@link UpscaleOptions}.
 * @returns What was written, and how fast.
 * @throws {UsageError} An unsupported scale, a scale that the weights or engine do not have, an
 *   image input with a video output (or the reverse), an output that would write into or over
 *   the input (the same file, frames named as the input's, frames into the input folder), a
 *   folder or pattern of pictures of different sizes into a video, an unusable `ffmpeg`; an
 *   {@link OptionError} for a non-positive `fps`, a `codec` that the ffmpeg lacks or whose
 *   video the output's container cannot hold (H.264 in WebM), a `tile` too small for the
 *   network, a `threads` count beyond reason, shipped `weights` named for a scale they are not
 *   shipped for, `encoderArgs` with a word that is neither an option nor its value or with an
 *   option that names files (`-i`, `-y`, `-f`, `-map`, `-passlogfile`, …), a `format` that is
 *   not a muxer of this ffmpeg or given for an output other than `-`.
 * @throws {InputError} The input is missing, unreadable (a URL that cannot be opened), not a
 *   media stream, has no video, or is corrupt or truncated
 *   (unless `keepPartial` keeps what was upscaled; its `keepableFrames` says how many it would).
 * @throws {WeightsError} The weights file is missing, corrupt, or for another scale.
 * @throws {OutputError} The output exists (without `overwrite`; its `exists` is then true), or
 *   its folder is missing or not writable.
 * @throws {WorkFolderError} A long video's work folder (see `segmentSeconds`) was made for
 *   another input or with other settings (unless `restart`).
 * @throws {ToolError} ffmpeg failed or could not start, refused the output in the trial run
 *   that precedes the first frame, or has none of the video encoders the container takes.
 * @throws {CancelledError} `signal` was aborted.
 *
 * @example Upscale ×2 into Matroska with progress, stopping cleanly on Ctrl-C
 * ```ts
 * import { upscaleFile } from "@fsrcnn/deno";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * const summary = await upscaleFile({
 *   input: "in.mp4",
 *   output: "out_x2.mkv",
 *   scale: 2,
 *   crf: 20,
 *   overwrite: true,
 *   signal: controller.signal,
 *   onProgress: (p) => console.log(`${p.frames} frames, ${p.fps.toFixed(1)} fps`),
 *   // e.g. "out_x2.webm: converting what WebM cannot hold as it is: #1 audio aac to opus (libopus)"
 *   onNotice: (n) => console.warn(n.message),
 * });
 * console.log(`${summary.width}x${summary.height} on ${summary.backend}`);
 * ```
 */
export function upscaleFile(o: UpscaleOptions): Promise<UpscaleSummary> {
  return upscaleWith(o, upscaleInSegments);
}
