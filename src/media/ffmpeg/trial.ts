/**
 * The trial encode: the encoder's own command line run on one blank frame, so that whatever
 * ffmpeg will refuse (an encoder it lacks, an option or a pixel format the encoder does not
 * take, a stream the muxer will not write) is refused before any frame is upscaled, or, for a
 * segmented job, at planning time rather than at the join, hours later. ffmpeg on its own only
 * opens the encoder and writes the output's header once the first frame is there.
 */
import { CancelledError } from "../../core/errors.ts";
import { runTool, stderrTail } from "./process.ts";
import { type EncoderStream, startEncoder } from "./stream.ts";

/** What ffmpeg said when it failed (its last lines), or its exit status. */
function complaint(r: { code: number; stderr: string }): string {
  return stderrTail(r.stderr) || `exit status ${r.code}`;
}

/**
 * Runs `args` (an encode from NUT on standard input, as encodeArgs builds it with `trial`) on
 * one blank frame of `stream`.
 *
 * @param frame The frame's byte size (see frameLayout) and timestamp.
 * @returns null when ffmpeg accepts it, else ffmpeg's complaint (one line).
 * @throws {CancelledError} `signal` was aborted.
 */
export async function trialEncode(
  ffmpeg: string,
  args: string[],
  stream: EncoderStream,
  frame: { bytes: number; pts: number },
  signal?: AbortSignal,
): Promise<string | null> {
  signal?.throwIfAborted();
  // Standard output is left alone: a trial that writes to pipe:1 writes into nothing.
  const trial = startEncoder(ffmpeg, args, stream, "trial");
  const onAbort = () => trial.kill();
  signal?.addEventListener("abort", onAbort);
  try {
    const writer = trial.frames.getWriter();
    try {
      await writer.write({ pts: frame.pts, data: new Uint8Array(frame.bytes) });
      await writer.close();
    } catch {
      // The reason is on ffmpeg's stderr, which its exit reports.
    }
    const exit = await trial.exit;
    if (signal?.aborted) throw new CancelledError("interrupted");
    if (exit.signal) throw new CancelledError();
    return exit.code === 0 ? null : complaint(exit);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    trial.kill();
  }
}

/**
 * Runs one more ffmpeg command of a trial (a join of what trialEncode wrote, say).
 *
 * @returns null when it works, else ffmpeg's complaint (one line).
 */
export async function trialStep(
  ffmpeg: string,
  args: string[],
  signal?: AbortSignal,
): Promise<string | null> {
  const r = await runTool(ffmpeg, args, { signal });
  return r.code === 0 ? null : complaint(r);
}
