/**
 * NUT container, just enough of it to carry one `rawvideo` stream through a pipe with every
 * frame's presentation timestamp intact (`-f rawvideo` would drop them, which breaks
 * variable-frame-rate input):
 *
 * - demux.ts (`NutDemuxer`, `nutDemuxStream`): incremental reader for what ffmpeg's NUT
 *   muxer writes (`ffmpeg ... -c:v rawvideo -pix_fmt yuv420p -f nut pipe:1`);
 * - mux.ts (`NutMuxer`): writer for one rawvideo stream that `ffmpeg -f nut -i pipe:0` reads;
 * - this file: the format's constants and the types both share; crc.ts: its checksum;
 *   bytes.ts: its variable-length fields.
 *
 * The layout follows the NUT specification (svn://svn.mplayerhq.hu/nut, docs/nut.txt) and,
 * where the two differ in detail, what libavformat's nutdec.c / nutenc.c / nut.c actually do.
 *
 * Timestamps are plain `number`s in the stream's time base. Every value that feeds a timestamp
 * is checked to be a safe integer (|pts| < 2^53), which covers any real video; a stream that
 * needs more is rejected with an error rather than silently rounded.
 *
 * Pure code: no processes, no I/O.
 */
import { FsrcnnError } from "../../core/errors.ts";
import { frameLayout, type WorkingPixFmt } from "../frame/format.ts";
import type { Rational } from "../../core/rational.ts";

/** Malformed, corrupt, truncated or unsupported NUT data (or a muxer misuse). */
export class NutError extends FsrcnnError {}

// ---------------------------------------------------------------------------------------------
// Constants (nut.h)

/** The file id string, including its terminating NUL, that every NUT file starts with. */
export const ID_STRING = new TextEncoder().encode("nut/multimedia container\0");

// Startcodes are 64-bit big-endian values whose first byte is 'N' (0x4E).
export const MAIN_STARTCODE = 0x4E4D7A561F5F04ADn;
export const STREAM_STARTCODE = 0x4E5311405BF2F9DBn;
export const SYNCPOINT_STARTCODE = 0x4E4BE4ADEECA4569n;
export const INDEX_STARTCODE = 0xDD672F23E64En + (0x4E58n << 48n);
export const INFO_STARTCODE = 0xAB68B596BA78n + (0x4E49n << 48n);

export const FLAG_KEY = 1;
export const FLAG_EOR = 2;
export const FLAG_CODED_PTS = 8;
export const FLAG_STREAM_ID = 16;
export const FLAG_SIZE_MSB = 32;
export const FLAG_CHECKSUM = 64;
export const FLAG_RESERVED = 128;
export const FLAG_SM_DATA = 256;
export const FLAG_HEADER_IDX = 1024;
export const FLAG_MATCH_TIME = 2048;
export const FLAG_CODED = 4096;
export const FLAG_INVALID = 8192;

/** Main header flag (version 4): syncpoints carry an extra wallclock `transmit_ts`. */
export const MAIN_FLAG_BROADCAST = 1;

/** The byte 'N' starts every startcode, so it can never be a frame code. */
export const N = 0x4E;

/** Packets whose forward_ptr exceeds this carry an extra header checksum (spec and nutenc.c). */
export const HEADER_CHECKSUM_THRESHOLD = 4096;

/** Largest non-frame packet we are willing to buffer (an index for a day of 60 fps is ~10 MB). */
export const MAX_PACKET_SIZE = 256 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Public types

/** What the stream header says about the (single) video stream. */
export interface NutStreamInfo {
  width: number;
  height: number;
  /**
   * The codec fourcc as text: printable ASCII kept, anything else as `\xNN`
   * (`"I420"` for yuv420p, `"Y3\x0b\x0a"` for yuv420p10le).
   */
  fourcc: string;
  /** The fourcc's raw bytes as stored. */
  fourccBytes: Uint8Array;
  /** The stream's time base: a frame's pts times this is its time in seconds. */
  timeBase: Rational;
  /** Sample (pixel) aspect ratio, or null when the file leaves it unknown (0:0). */
  sampleAspect: Rational | null;
}

/** The stream header has been read; always the first event. */
export interface NutStreamEvent {
  type: "stream";
  info: NutStreamInfo;
}

/** One frame, in file order. */
export interface NutFrameEvent {
  type: "frame";
  /** Presentation timestamp in `info.timeBase` units (a safe integer). */
  pts: number;
  /** Whether the frame is a keyframe (always true for rawvideo). */
  key: boolean;
  /** The frame's bytes: a fresh buffer owned by the receiver. */
  data: Uint8Array;
}

/** What the demuxer emits. */
export type NutEvent = NutStreamEvent | NutFrameEvent;

/** Pixel formats the muxer can label: the pipeline's working formats. */
export type NutPixFmt = WorkingPixFmt;

/**
 * The rawvideo fourccs written by the muxer. They are what ffmpeg's own rawvideo encoder puts
 * in NUT (`avcodec_pix_fmt_to_codec_tag`), and ffmpeg's rawvideo decoder maps them back through
 * libavcodec/raw.c: `I420` → yuv420p, `Y42B` → yuv422p, `444P` → yuv444p, and for 10 bits the
 * generic NUT raw YUV scheme of doc/nut.texi: "Y3" = YUV, then the chroma shifts (11: 4:2:0,
 * 10: 4:2:2, 0: 4:4:4), then 10 bits, little-endian because the bytes are in this order.
 * With alpha the same scheme starts "Y4" (YUVA) at either depth, as ffmpeg 4.1 and 5.1 both
 * write and read them.
 */
export const NUT_RAWVIDEO_FOURCC: Readonly<Record<NutPixFmt, Uint8Array>> = {
  yuv420p: new Uint8Array([0x49, 0x34, 0x32, 0x30]), // "I420"
  yuv420p10le: new Uint8Array([0x59, 0x33, 11, 10]), // "Y3" 11 10
  yuv422p: new Uint8Array([0x59, 0x34, 0x32, 0x42]), // "Y42B"
  yuv422p10le: new Uint8Array([0x59, 0x33, 10, 10]), // "Y3" 10 10
  yuv444p: new Uint8Array([0x34, 0x34, 0x34, 0x50]), // "444P"
  yuv444p10le: new Uint8Array([0x59, 0x33, 0, 10]), // "Y3" 0 10
  yuva420p: new Uint8Array([0x59, 0x34, 11, 8]), // "Y4" 11 8
  yuva420p10le: new Uint8Array([0x59, 0x34, 11, 10]), // "Y4" 11 10
  yuva422p: new Uint8Array([0x59, 0x34, 10, 8]), // "Y4" 10 8
  yuva422p10le: new Uint8Array([0x59, 0x34, 10, 10]), // "Y4" 10 10
  yuva444p: new Uint8Array([0x59, 0x34, 0, 8]), // "Y4" 0 8
  yuva444p10le: new Uint8Array([0x59, 0x34, 0, 10]), // "Y4" 0 10
};

/** Maps a rawvideo fourcc (as bytes) to one of our pixel formats, or undefined if unknown. */
export function pixFmtFromFourcc(fourcc: Uint8Array): NutPixFmt | undefined {
  const s = fourccToString(fourcc);
  if (s === "IYUV") return "yuv420p";
  for (const [name, tag] of Object.entries(NUT_RAWVIDEO_FOURCC)) {
    if (fourccToString(tag) === s) return name as NutPixFmt;
  }
  return undefined;
}

/** Byte size of one frame of `pixFmt` at `width`×`height` as rawvideo packs it (no padding). */
export function rawFrameSize(width: number, height: number, pixFmt: NutPixFmt): number {
  return frameLayout(pixFmt, width, height).frameBytes;
}

/** A fourcc as text: printable ASCII kept, anything else (and `\\`) as `\\xNN`. */
export function fourccToString(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    s += b >= 0x20 && b < 0x7f && b !== 0x5c
      ? String.fromCharCode(b)
      : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return s;
}

/**
 * Full pts from its low `shift` bits: the value congruent to `lsb` closest to `lastPts`
 * (ff_lsb2full: the window is [last - mask/2, last + mask/2 + 1]).
 */
export function lsbToFull(lastPts: number, lsb: number, shift: number): number {
  const m = 2 ** shift;
  const delta = lastPts - Math.floor((m - 1) / 2);
  return ((((lsb - delta) % m) + m) % m) + delta;
}
