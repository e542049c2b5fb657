/**
 * One segment's frames out of a decoder that was started at (or before) the segment's
 * keyframe: frames before the segment are dropped, and the stream ends at the first frame of
 * the next segment, which stops the decoder there. Frames leave a decoder in presentation
 * order, so once one frame is past the end, every frame of the segment has been seen.
 */
import type { Rational } from "../core/rational.ts";

/** The frames `start <= pts < end` of a video (bounds in the source stream's time base). */
export interface FrameWindow {
  /** First timestamp of the window (a keyframe's), or null from the start of the video. */
  start: number | null;
  /** First timestamp after the window, or null to the end of the video. */
  end: number | null;
  /** The time base of `start` and `end`. */
  timeBase: Rational;
}

/**
 * The decoder began after the window's first frame (a seek that overshot), so the window
 * would miss frames: decode again from an earlier point.
 */
export class WindowMissedError extends Error {
  constructor(readonly firstPts: number) {
    super(`the first decoded frame (pts ${firstPts}) lies after the segment's start`);
  }
}

/** `t` from time base `from` to `to`, rounded to the nearest tick as ffmpeg rescales. */
export function rescale(t: number, from: Rational, to: Rational): number {
  const num = BigInt(t) * BigInt(from.num) * BigInt(to.den);
  const den = BigInt(from.den) * BigInt(to.num);
  const twice = (2n * num) / den;
  // Round half away from zero, as av_rescale_q does.
  const q = twice >= 0n ? (twice + 1n) / 2n : (twice - 1n) / 2n;
  return Number(q);
}

/** What the window saw. */
export interface WindowState {
  /** A frame at or past `end` arrived: the window is complete and the decoder was stopped. */
  reachedEnd: boolean;
  /** Frames let through. */
  frames: number;
}

/**
 * A stream stage that keeps the window's frames. Frames carry timestamps in `streamTb` (the
 * decoder's output time base); the bounds are converted to it. Errors with
 * {@link WindowMissedError} when the first frame at or after `start` is not at `start`.
 */
export function windowStage<T extends { pts: number }>(
  window: FrameWindow,
  streamTb: Rational,
): { stream: TransformStream<T, T>; state: WindowState } {
  const start = window.start === null ? null : rescale(window.start, window.timeBase, streamTb);
  const end = window.end === null ? null : rescale(window.end, window.timeBase, streamTb);
  const state: WindowState = { reachedEnd: false, frames: 0 };
  const stream = new TransformStream<T, T>({
    transform(frame, controller) {
      if (start !== null && frame.pts < start) return;
      if (end !== null && frame.pts >= end) {
        if (state.frames === 0 && start !== null) {
          controller.error(new WindowMissedError(frame.pts));
          return;
        }
        state.reachedEnd = true;
        controller.terminate();
        return;
      }
      if (state.frames === 0 && start !== null && frame.pts !== start) {
        controller.error(new WindowMissedError(frame.pts));
        return;
      }
      state.frames++;
      controller.enqueue(frame);
    },
  });
  return { stream, state };
}
