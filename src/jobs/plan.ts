/**
 * Cutting a video into segments at its own keyframes (pure; table-tested). A segment is every
 * frame whose presentation timestamp lies in `[start, end)`; segment boundaries are keyframe
 * timestamps, so each segment decodes on its own from its first keyframe, and the segments
 * together hold every frame exactly once.
 */
import type { VideoPacket } from "../media/ffmpeg/packets.ts";
import type { Rational } from "../core/rational.ts";

/** One segment of a video: the frames with `start <= pts < end`, in the stream's time base. */
export interface SegmentSpec {
  /** Position in the video, from 0. */
  index: number;
  /** Timestamp of the keyframe it starts at; null for the first segment (from the start). */
  start: number | null;
  /** Timestamp of the next segment's keyframe; null for the last segment (to the end). */
  end: number | null;
  /** Timestamp of its first frame in presentation order (places it on the joined timeline). */
  firstPts: number;
  /** Frames it holds. */
  frames: number;
}

/** How a video is cut: its segments, or one piece and why it cannot be cut. */
export interface SegmentPlan {
  segments: SegmentSpec[];
  /** Frames of the whole video (shown frames: packets the demuxer discards do not count). */
  frames: number;
  /** Set when the video stays one piece although it is long enough to cut, and why. */
  uncuttable?: string;
}

function onePiece(frames: number, firstPts: number, why?: string): SegmentPlan {
  return {
    segments: [{ index: 0, start: null, end: null, firstPts, frames }],
    frames,
    uncuttable: why,
  };
}

/**
 * Cuts a video into segments of about `seconds` each, at keyframes: a cut is made at the first
 * keyframe at least `seconds` after the current segment's start, unless less than half of
 * `seconds` would be left after it (so that no short segment trails at the end). A video
 * shorter than 1.5 × `seconds` stays one piece.
 *
 * It also stays one piece, with the reason in `uncuttable`, when its timestamps cannot be
 * trusted to place frames: a shown packet without a timestamp, two packets with the same one,
 * or a stream that does not start with a keyframe.
 *
 * @param packets The video stream's packets in file order (see probeVideoPackets).
 * @param timeBase The stream's time base.
 * @param seconds Target segment length; 0 or less keeps the video in one piece.
 */
export function planSegments(
  packets: readonly VideoPacket[],
  timeBase: Rational,
  seconds: number,
): SegmentPlan {
  const shown = packets.filter((p) => !p.discard);
  const frames = shown.length;
  if (frames === 0) return onePiece(0, 0, "it has no video packets");
  if (shown.some((p) => p.pts === null)) {
    return onePiece(frames, 0, "some video packets have no timestamp");
  }
  const pts = shown.map((p) => p.pts!).sort((a, b) => a - b);
  if (pts.some((t, i) => i > 0 && t === pts[i - 1])) {
    return onePiece(frames, pts[0], "two video packets share a timestamp");
  }
  if (seconds <= 0) return onePiece(frames, pts[0]);
  if (!shown[0].key) return onePiece(frames, pts[0], "the video does not start with a keyframe");
  const secondsOf = (ticks: number) => (ticks * timeBase.num) / timeBase.den;
  const first = pts[0], last = pts[pts.length - 1];
  const keys = [...new Set(shown.filter((p) => p.key).map((p) => p.pts!))].sort((a, b) => a - b);
  const starts: number[] = [first];
  for (const k of keys) {
    const current = starts[starts.length - 1];
    if (k <= current) continue;
    if (secondsOf(k - current) >= seconds && secondsOf(last - k) >= seconds / 2) starts.push(k);
  }
  const segments: SegmentSpec[] = [];
  let i = 0;
  for (let s = 0; s < starts.length; s++) {
    const end = s + 1 < starts.length ? starts[s + 1] : null;
    const from = i;
    while (i < pts.length && (end === null || pts[i] < end)) i++;
    segments.push({
      index: s,
      start: s === 0 ? null : starts[s],
      end,
      firstPts: pts[from],
      frames: i - from,
    });
  }
  return { segments, frames };
}

/**
 * Microseconds from `a` to `b` (timestamps in `timeBase`), each rounded to the microsecond the
 * way ffmpeg rounds stream start times: the concat demuxer places each segment by such
 * microsecond offsets, so summing these differences reproduces the source's timestamps
 * exactly whenever a tick is longer than a couple of microseconds.
 */
export function microsBetween(a: number, b: number, timeBase: Rational): number {
  const us = (t: number) => Math.round((t * timeBase.num * 1_000_000) / timeBase.den);
  return us(b) - us(a);
}

/**
 * Seconds to hand ffmpeg's `-ss` (with `-seek_timestamp`) to land on the keyframe at `pts`:
 * rounded up to the microsecond, so that rounding never lands on the keyframe before (which
 * would only cost decoding time) nor past the next one.
 */
export function seekSeconds(pts: number, timeBase: Rational): string {
  const us = Math.ceil((pts * timeBase.num * 1_000_000) / timeBase.den);
  const sign = us < 0 ? "-" : "";
  const abs = Math.abs(us);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, "0")}`;
}
