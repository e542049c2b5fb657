/**
 * The NUT muxer: one rawvideo stream, written so that `ffmpeg -f nut -i pipe:0` reads every
 * frame with its exact timestamp (see format.ts for the format and its sources). Pure: frames
 * in, bytes out.
 */
import { gcd, type Rational } from "../../core/rational.ts";
import { concat, Writer } from "./bytes.ts";
import { nutCrc32 } from "./crc.ts";
import {
  FLAG_CHECKSUM,
  FLAG_CODED_PTS,
  FLAG_INVALID,
  FLAG_KEY,
  FLAG_SIZE_MSB,
  HEADER_CHECKSUM_THRESHOLD,
  ID_STRING,
  INFO_STARTCODE,
  lsbToFull,
  MAIN_STARTCODE,
  NUT_RAWVIDEO_FOURCC,
  NutError,
  type NutPixFmt,
  rawFrameSize,
  STREAM_STARTCODE,
  SYNCPOINT_STARTCODE,
} from "./format.ts";

/** A complete packet: startcode, forward_ptr, [header checksum], body, body checksum. */
function packet(startcode: bigint, body: Uint8Array): Uint8Array {
  const forwardPtr = body.length + 4;
  const w = new Writer();
  w.u32(Number(startcode >> 32n)).u32(Number(startcode & 0xffffffffn)).v(forwardPtr);
  if (forwardPtr > HEADER_CHECKSUM_THRESHOLD) w.u32(nutCrc32(w.result()));
  w.bytes(body).u32(nutCrc32(body));
  return w.result();
}

/** Options for {@link NutMuxer}. */
export interface NutMuxerOptions {
  width: number;
  height: number;
  pixFmt: NutPixFmt;
  /** Time base of the pts passed to {@link NutMuxer.frame}; reduced to lowest terms. */
  timeBase: Rational;
  /**
   * Optional nominal frame rate, written as the stream's `r_frame_rate` info (ffmpeg shows it
   * as "tbr"). Leave it out for variable frame rate; timestamps never depend on it.
   */
  frameRate?: Rational;
  /** Sample (pixel) aspect ratio to declare; unknown (square to players) when absent. */
  sampleAspect?: Rational | null;
}

/** Bits of pts coded in a frame header relative to the preceding syncpoint (1-byte field). */
const MSB_PTS_SHIFT = 7;
/** forward_ptr distance limit written in the main header (the value ffmpeg's muxer uses). */
const MAX_DISTANCE = 32767;
/** The one valid frame code (any of 1..254 except 'N' would do). */
const FRAME_CODE = 1;
/** Its flags: keyframe, pts, size and a header checksum are all stated in every frame. */
const FRAME_FLAGS = FLAG_KEY | FLAG_CODED_PTS | FLAG_SIZE_MSB | FLAG_CHECKSUM;

/**
 * Writes a NUT stream with one rawvideo stream that ffmpeg reads with `-f nut -i pipe:0`.
 *
 * Layout choices, all plain spec features that libavformat's demuxer accepts:
 * - version 3, one time base, frame codes 1..254 (except 'N') all meaning "keyframe with coded
 *   pts, size and header checksum", 0 and 255 invalid (catches zeroed/damaged data);
 * - a syncpoint before every frame (all raw frames are keyframes, and a frame is usually
 *   larger than max_distance anyway), whose global_key_pts is the frame's pts, so the frame's
 *   coded pts is a single byte and any jump in timestamps (VFR) is exact;
 * - FLAG_CHECKSUM on every frame, which libavformat requires for frames over
 *   2 × max_distance bytes or with a pts jump over max_pts_distance.
 *
 * The payload is never copied: {@link frame} returns the small header and the caller's buffer.
 */
export class NutMuxer {
  /** Bytes per frame for the configured size and pixel format. */
  readonly frameSize: number;
  /** The time base actually written (the given one in lowest terms). */
  readonly timeBase: Rational;
  private readonly options: NutMuxerOptions;
  /** Bytes produced so far (positions are needed for syncpoint back pointers). */
  private pos = 0;
  private started = false;
  private lastPts = -1;
  private lastSyncpointPos = -1;

  constructor(options: NutMuxerOptions) {
    const { width, height, pixFmt, timeBase } = options;
    if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
      throw new NutError(`NUT muxer: invalid frame size ${width}x${height}`);
    }
    if (!Object.hasOwn(NUT_RAWVIDEO_FOURCC, pixFmt)) {
      throw new NutError(`NUT muxer: unsupported pixel format ${pixFmt}`);
    }
    const { num, den } = timeBase;
    if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || num < 1 || den < 1) {
      throw new NutError(`NUT muxer: invalid time base ${num}/${den}`);
    }
    const g = gcd(num, den);
    this.timeBase = { num: num / g, den: den / g };
    if (this.timeBase.num >= 2 ** 31 || this.timeBase.den >= 2 ** 31) {
      throw new NutError(`NUT muxer: time base ${num}/${den} does not fit 31 bits`);
    }
    const fr = options.frameRate;
    if (
      fr &&
      !(Number.isSafeInteger(fr.num) && Number.isSafeInteger(fr.den) && fr.num > 0 && fr.den > 0)
    ) {
      throw new NutError(`NUT muxer: invalid frame rate ${fr.num}/${fr.den}`);
    }
    this.options = options;
    this.frameSize = rawFrameSize(width, height, pixFmt);
  }

  /** The file id string and headers; must be written first, exactly once. */
  header(): Uint8Array {
    if (this.started) throw new NutError("NUT muxer: header() called twice");
    this.started = true;
    const { width, height, pixFmt, frameRate } = this.options;
    const sar = this.options.sampleAspect && this.options.sampleAspect.num > 0
      ? this.options.sampleAspect
      : null;
    const tb = this.timeBase;

    const main = new Writer()
      .v(3) // version
      .v(1) // stream_count
      .v(MAX_DISTANCE)
      .v(1) // time_base_count
      .v(tb.num).v(tb.den);
    // Frame-code table in three runs: code 0 invalid; codes 1..254 (the run skips 'N', which
    // the reader marks invalid by itself) with our flags; code 255 invalid.
    main.v(FLAG_INVALID).v(0); // 0 fields: count = size_mul - size_lsb = 1
    main.v(FRAME_FLAGS).v(6) // fields: pts_delta, size_mul, stream_id, size_lsb, reserved, count
      .s(0).v(1).v(0).v(0).v(0).v(253);
    main.v(FLAG_INVALID).v(0);
    main.v(0); // header_count_minus1: no elision headers

    const stream = new Writer()
      .v(0) // stream_id
      .v(0) // stream_class: video
      .vb(NUT_RAWVIDEO_FOURCC[pixFmt])
      .v(0) // time_base_id
      .v(MSB_PTS_SHIFT)
      .v(Math.max(1, Math.floor(tb.den / tb.num))) // max_pts_distance: ~1 s, as ffmpeg
      .v(0) // decode_delay
      .v(0) // stream_flags (not fixed fps)
      .v(0) // codec_specific_data: none
      .v(width).v(height)
      .v(sar ? sar.num : 0).v(sar ? sar.den : 0) // sample aspect (0:0 = unknown)
      .v(0); // colorspace_type unknown

    const parts = [
      ID_STRING,
      packet(MAIN_STARTCODE, main.result()),
      packet(STREAM_STARTCODE, stream.result()),
    ];
    if (frameRate) {
      const fr = new TextEncoder().encode(`${frameRate.num}/${frameRate.den}`);
      const info = new Writer()
        .v(1) // stream_id_plus1
        .s(0) // chapter_id
        .v(0) // chapter_start
        .v(0) // chapter_len
        .v(1) // count
        .vb(new TextEncoder().encode("r_frame_rate")).s(-1).vb(fr); // UTF-8 string value
      parts.push(packet(INFO_STARTCODE, info.result()));
    }
    const out = concat(parts);
    this.pos += out.length;
    return out;
  }

  /**
   * One frame: returns `[syncpoint + frame header, data]` (write both, in order). `pts` is in
   * {@link timeBase} units, a non-negative safe integer, strictly increasing. `data` must be
   * exactly {@link frameSize} bytes and is returned as is, not copied.
   */
  frame(pts: number, data: Uint8Array): Uint8Array[] {
    if (!this.started) throw new NutError("NUT muxer: frame() before header()");
    if (!Number.isSafeInteger(pts) || pts < 0) {
      throw new NutError(`NUT muxer: pts ${pts} must be a non-negative safe integer`);
    }
    if (pts <= this.lastPts) {
      throw new NutError(`NUT muxer: pts ${pts} does not increase (previous ${this.lastPts})`);
    }
    if (data.length !== this.frameSize) {
      throw new NutError(`NUT muxer: frame has ${data.length} bytes, expected ${this.frameSize}`);
    }
    // Syncpoint. back_ptr points (in 16-byte units, rounded so it lands within 15 bytes after
    // the target) to the syncpoint before the previous keyframe, as nutenc.c computes it from
    // its index; the first syncpoint points to itself.
    const spPos = this.pos;
    const backPtrDiv16 = this.lastSyncpointPos < 0
      ? 0
      : Math.floor((spPos - this.lastSyncpointPos) / 16);
    const sp = packet(SYNCPOINT_STARTCODE, new Writer().v(pts).v(backPtrDiv16).result());
    // After the syncpoint the reader's last_pts is `pts`, so its low bits identify it exactly.
    const w = new Writer().bytes(sp);
    const hdrStart = w.length;
    w.u8(FRAME_CODE).v(codedPts(pts, pts)).v(data.length);
    const hdr = w.result();
    w.u32(nutCrc32(hdr.subarray(hdrStart)));
    const head = w.result();
    this.lastSyncpointPos = spPos;
    this.lastPts = pts;
    this.pos += head.length + data.length;
    return [head, data];
  }

  /** Trailer bytes (none: no index is written, which readers treat as optional). */
  end(): Uint8Array {
    return new Uint8Array(0);
  }
}

/** coded_pts for `pts` given the reader's last_pts (the scheme of nutenc.c). */
function codedPts(pts: number, lastPts: number): number {
  const range = 2 ** MSB_PTS_SHIFT;
  const lsb = pts % range;
  return lsbToFull(lastPts, lsb, MSB_PTS_SHIFT) === pts ? lsb : pts + range;
}
