/**
 * NUT container, just enough of it to carry one `rawvideo` stream through a pipe with every
 * frame's presentation timestamp intact (`-f rawvideo` would drop them, which breaks
 * variable-frame-rate input).
 *
 * - {@link NutDemuxer} / {@link nutDemuxStream}: incremental reader for what ffmpeg's NUT muxer
 *   writes (`ffmpeg ... -c:v rawvideo -pix_fmt yuv420p -f nut pipe:1`).
 * - {@link NutMuxer}: writer for one rawvideo stream that `ffmpeg -f nut -i pipe:0` reads.
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
import { FsrcnnError } from "../errors.ts";
import { gcd, type Rational } from "../rational.ts";

/** Malformed, corrupt, truncated or unsupported NUT data (or a muxer misuse). */
export class NutError extends FsrcnnError {}

// ---------------------------------------------------------------------------------------------
// Constants (nut.h)

/** The file id string, including its terminating NUL, that every NUT file starts with. */
const ID_STRING = new TextEncoder().encode("nut/multimedia container\0");

// Startcodes are 64-bit big-endian values whose first byte is 'N' (0x4E).
const MAIN_STARTCODE = 0x4E4D7A561F5F04ADn;
const STREAM_STARTCODE = 0x4E5311405BF2F9DBn;
const SYNCPOINT_STARTCODE = 0x4E4BE4ADEECA4569n;
const INDEX_STARTCODE = 0xDD672F23E64En + (0x4E58n << 48n);
const INFO_STARTCODE = 0xAB68B596BA78n + (0x4E49n << 48n);

const FLAG_KEY = 1;
const FLAG_EOR = 2;
const FLAG_CODED_PTS = 8;
const FLAG_STREAM_ID = 16;
const FLAG_SIZE_MSB = 32;
const FLAG_CHECKSUM = 64;
const FLAG_RESERVED = 128;
const FLAG_SM_DATA = 256;
const FLAG_HEADER_IDX = 1024;
const FLAG_MATCH_TIME = 2048;
const FLAG_CODED = 4096;
const FLAG_INVALID = 8192;

/** Main header flag (version 4): syncpoints carry an extra wallclock `transmit_ts`. */
const MAIN_FLAG_BROADCAST = 1;

/** The byte 'N' starts every startcode, so it can never be a frame code. */
const N = 0x4E;

/** Packets whose forward_ptr exceeds this carry an extra header checksum (spec and nutenc.c). */
const HEADER_CHECKSUM_THRESHOLD = 4096;

/** Largest non-frame packet we are willing to buffer (an index for a day of 60 fps is ~10 MB). */
const MAX_PACKET_SIZE = 256 * 1024 * 1024;

/** A frame header longer than this is treated as garbage instead of waiting for more input. */
const MAX_FRAME_HEADER = 4096;

/** Largest frame payload accepted (8K 16-bit 4:4:4 is ~400 MB); guards against absurd sizes. */
const MAX_FRAME_SIZE = 1 << 30;

// ---------------------------------------------------------------------------------------------
// CRC

/**
 * NUT's checksum: CRC-32 with generator polynomial 0x04C11DB7, initial value 0, MSB-first
 * (not bit-reflected), no final xor, stored big-endian. This is what libavformat computes with
 * `ff_crc04C11DB7_update` (an `AV_CRC_32_IEEE` table, which av_crc keeps byte-swapped and the
 * muxer writes little-endian, i.e. the true value big-endian). Because there is no final xor,
 * the CRC of a packet body followed by its stored checksum is 0.
 */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let j = 0; j < 8; j++) c = c & 0x80000000 ? (c << 1) ^ 0x04C11DB7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** Updates a NUT CRC-32 (see above) with `data`; start with `crc = 0`. */
export function nutCrc32(data: Uint8Array, crc = 0): number {
  let c = crc >>> 0;
  for (let i = 0; i < data.length; i++) {
    c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ data[i]) & 0xff]) >>> 0;
  }
  return c;
}

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

/** Options for {@link NutDemuxer}. */
export interface NutDemuxerOptions {
  /**
   * The exact byte size every frame must have (the caller knows it from width, height and
   * pixel format). A frame of another size is reported as corruption instead of being passed
   * on, which also catches damaged frame headers that carry no checksum.
   */
  frameSize?: number;
}

/** Pixel formats the muxer can label. */
export type NutPixFmt = "yuv420p" | "yuv420p10le";

/**
 * The rawvideo fourccs written by the muxer. They are what ffmpeg's own rawvideo encoder puts
 * in NUT (`avcodec_pix_fmt_to_codec_tag`), and ffmpeg's rawvideo decoder maps them back through
 * libavcodec/raw.c: `I420` → yuv420p, `Y3[11][10]` → yuv420p10le (the generic NUT raw YUV
 * scheme of doc/nut.texi: "Y3" = YUV, 11 = chroma shift 1 horizontally and vertically, 10 bits,
 * little-endian because the bytes are in this order).
 */
export const NUT_RAWVIDEO_FOURCC: Readonly<Record<NutPixFmt, Uint8Array>> = {
  yuv420p: new Uint8Array([0x49, 0x34, 0x32, 0x30]), // "I420"
  yuv420p10le: new Uint8Array([0x59, 0x33, 11, 10]), // "Y3" 11 10
};

/** Maps a rawvideo fourcc (as bytes) to one of our pixel formats, or undefined if unknown. */
export function pixFmtFromFourcc(fourcc: Uint8Array): NutPixFmt | undefined {
  const s = fourccToString(fourcc);
  if (s === "I420" || s === "IYUV") return "yuv420p";
  if (s === "Y3\\x0b\\x0a") return "yuv420p10le";
  return undefined;
}

/** Byte size of one frame of `pixFmt` at `width`×`height` as rawvideo packs it (no padding). */
export function rawFrameSize(width: number, height: number, pixFmt: NutPixFmt): number {
  const bytes = pixFmt === "yuv420p10le" ? 2 : 1;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  return (width * height + 2 * cw * ch) * bytes;
}

// ---------------------------------------------------------------------------------------------
// Byte reading

/** Thrown (one shared instance) when a parse attempt runs past the bytes received so far. */
class NeedMore extends Error {}
const NEED_MORE = new NeedMore("need more input");

/**
 * Reads NUT's variable-length fields from a contiguous buffer. `short` decides what running
 * off the end means: "wait for more input" while probing a frame header, or "malformed" inside
 * a packet whose full length is known.
 */
class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    private readonly short: () => Error,
    private readonly fail: (msg: string) => Error,
  ) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw this.short();
    return this.buf[this.pos++];
  }

  /** u(32), big-endian. */
  u32(): number {
    if (this.pos + 4 > this.buf.length) throw this.short();
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  bytes(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) throw this.short();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** v: 7 bits per byte, most significant first, high bit = "more follows". */
  v(what: string): number {
    let val = 0;
    for (;;) {
      const b = this.u8();
      val = val * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    if (!Number.isSafeInteger(val)) throw this.fail(`${what} is too large (${val})`);
    return val;
  }

  /** A v whose value is not needed (it may legitimately exceed 2^53, e.g. match_time_delta). */
  skipV(): void {
    while (this.u8() & 0x80) { /* continuation bytes */ }
  }

  /** s: signed, mapped onto v as 0, 1, -1, 2, -2, ... */
  s(what: string): number {
    const t = this.v(what) + 1;
    return t % 2 ? -(t - 1) / 2 : t / 2;
  }

  /** vb: a v length followed by that many bytes. */
  vb(what: string, max = MAX_PACKET_SIZE): Uint8Array {
    const len = this.v(`${what} length`);
    if (len > max) throw this.fail(`${what} length ${len} is too large`);
    return this.bytes(len);
  }
}

/**
 * A FIFO of received chunks. Nothing is concatenated on push; bytes are copied out once, either
 * into a small contiguous view for header parsing or straight into a frame's own buffer.
 */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  private offset = 0;
  /** Bytes available. */
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes (n <= length) without consuming them; a view when possible. */
  peek(n: number): Uint8Array {
    const first = this.chunks[this.head];
    if (first && first.length - this.offset >= n) {
      return first.subarray(this.offset, this.offset + n);
    }
    const out = new Uint8Array(n);
    let done = 0;
    let i = this.head;
    let off = this.offset;
    while (done < n) {
      const c = this.chunks[i];
      const take = Math.min(n - done, c.length - off);
      out.set(c.subarray(off, off + take), done);
      done += take;
      i++;
      off = 0;
    }
    return out;
  }

  /** Consumes `n` bytes, copying them into `dst` at `at` when given. */
  take(n: number, dst?: Uint8Array, at = 0): void {
    this.length -= n;
    while (n > 0) {
      const c = this.chunks[this.head];
      const take = Math.min(n, c.length - this.offset);
      if (dst) dst.set(c.subarray(this.offset, this.offset + take), at);
      at += take;
      n -= take;
      this.offset += take;
      if (this.offset === c.length) {
        this.chunks[this.head] = EMPTY; // drop the reference so the chunk can be collected
        this.head++;
        this.offset = 0;
      }
    }
    // Compact now and then so the array does not grow with every 1-byte chunk ever received.
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);

function fourccToString(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) {
    s += b >= 0x20 && b < 0x7f && b !== 0x5c
      ? String.fromCharCode(b)
      : `\\x${b.toString(16).padStart(2, "0")}`;
  }
  return s;
}

/** floor(val * from / to), exactly (ff_nut_reset_ts uses av_rescale_rnd with AV_ROUND_DOWN). */
function rescaleDown(val: number, from: Rational, to: Rational): number {
  if (from.num === to.num && from.den === to.den) return val;
  const n = BigInt(val) * BigInt(from.num) * BigInt(to.den);
  const d = BigInt(from.den) * BigInt(to.num);
  let q = n / d;
  if (n % d !== 0n && (n < 0n) !== (d < 0n)) q -= 1n;
  return Number(q);
}

/**
 * Full pts from its low `shift` bits: the value congruent to `lsb` closest to `lastPts`
 * (ff_lsb2full: the window is [last - mask/2, last + mask/2 + 1]).
 */
function lsbToFull(lastPts: number, lsb: number, shift: number): number {
  const m = 2 ** shift;
  const delta = lastPts - Math.floor((m - 1) / 2);
  return ((((lsb - delta) % m) + m) % m) + delta;
}

// ---------------------------------------------------------------------------------------------
// Demuxer

interface FrameCode {
  flags: number;
  streamId: number;
  sizeMul: number;
  sizeLsb: number;
  ptsDelta: number;
  reservedCount: number;
  headerIdx: number;
}

interface MainHeader {
  version: number;
  streamCount: number;
  timeBases: Rational[];
  frameCodes: FrameCode[];
  /** Elision headers; index 0 is the empty one. */
  elision: Uint8Array[];
  flags: number;
}

interface StreamState {
  info: NutStreamInfo;
  msbPtsShift: number;
  lastPts: number;
}

/** A frame whose header has been read and whose payload is being collected. */
interface PendingFrame {
  pts: number;
  key: boolean;
  eor: boolean;
  smData: boolean;
  /** Leading bytes taken from an elision header (usually empty). */
  prefix: Uint8Array;
  /** prefix.length bytes of room, then the coded bytes as they arrive. */
  buf: Uint8Array;
  filled: number;
}

type Stage = "id" | "packets" | "frame";

/**
 * Incremental NUT demuxer for a single video stream. Push chunks of any size as they come out
 * of a pipe; each call returns the events completed by that chunk, in order: one
 * `{ type: "stream" }` once the headers are read, then `{ type: "frame" }` per frame. Call
 * {@link end} at end of input to detect truncation.
 *
 * Memory: bytes are queued only until a packet or frame header is complete; a frame's payload
 * is copied exactly once, from the incoming chunks into its own buffer. So at most about one
 * frame plus one chunk is held.
 *
 * Every packet checksum (and header checksum, and frame-header checksum when present) is
 * verified; anything malformed throws {@link NutError} naming the byte offset. After an error
 * the demuxer stays failed.
 */
export class NutDemuxer {
  private readonly queue = new ByteQueue();
  /** Absolute file offset of the first queued byte. */
  private pos = 0;
  private stage: Stage = "id";
  private main: MainHeader | null = null;
  private stream: StreamState | null = null;
  private frame: PendingFrame | null = null;
  private failed: Error | null = null;
  private readonly frameSize: number | undefined;

  constructor(options: NutDemuxerOptions = {}) {
    this.frameSize = options.frameSize;
  }

  /** The stream description once the stream header has been read. */
  get info(): NutStreamInfo | null {
    return this.stream?.info ?? null;
  }

  /**
   * Feeds the next piece of input; returns the events it completed. The demuxer may keep a
   * reference to the tail of `chunk` until later pushes complete it, so do not reuse or modify
   * the chunk's memory afterwards (chunks from a `ReadableStream` are fresh anyway).
   */
  push(chunk: Uint8Array): NutEvent[] {
    if (this.failed) throw this.failed;
    const events: NutEvent[] = [];
    this.queue.push(chunk);
    try {
      this.drain(events);
    } catch (e) {
      this.failed = e instanceof NutError
        ? e
        : new NutError(`NUT: ${(e as Error).message}`, { cause: e });
      throw this.failed;
    }
    return events;
  }

  /** Signals end of input; throws if the data stopped in the middle of a packet or frame. */
  end(): NutEvent[] {
    if (this.failed) throw this.failed;
    let err: NutError | null = null;
    if (this.stage === "frame" && this.frame) {
      const f = this.frame;
      const want = f.buf.length - f.prefix.length;
      err = this.error(
        `input ends inside a frame (pts ${f.pts}): ${f.filled} of ${want} bytes`,
        this.pos,
      );
    } else if (this.stage === "id" || !this.main) {
      err = this.error("input ends before the NUT main header");
    } else if (this.queue.length > 0) {
      err = this.error(`input ends with ${this.queue.length} bytes of an incomplete packet`);
    } else if (!this.stream) {
      err = this.error("input ends before the NUT stream header");
    }
    if (err) {
      this.failed = err;
      throw err;
    }
    return [];
  }

  private error(msg: string, at = this.pos): NutError {
    return new NutError(`NUT: ${msg} (at byte ${at})`);
  }

  private drain(events: NutEvent[]): void {
    for (;;) {
      if (this.stage === "frame") {
        if (!this.fillFrame(events)) return;
        continue;
      }
      if (this.stage === "id") {
        if (this.queue.length < ID_STRING.length) return;
        const id = this.queue.peek(ID_STRING.length);
        if (!id.every((b, i) => b === ID_STRING[i])) {
          throw this.error("not a NUT stream (missing 'nut/multimedia container' id string)");
        }
        this.consume(ID_STRING.length);
        this.stage = "packets";
        continue;
      }
      if (this.queue.length === 0) return;
      const first = this.queue.peek(1)[0];
      const progressed = first === N ? this.readPacket(events) : this.readFrameHeader();
      if (!progressed) return;
    }
  }

  private consume(n: number, dst?: Uint8Array, at?: number): void {
    this.queue.take(n, dst, at);
    this.pos += n;
  }

  // --- startcode packets ---------------------------------------------------------------------

  /** Reads one startcode packet if it has fully arrived; returns false to wait for more. */
  private readPacket(events: NutEvent[]): boolean {
    const start = this.pos;
    // startcode (8) + forward_ptr (a v; 10 bytes covers any 64-bit value) + header checksum (4)
    const head = this.queue.peek(Math.min(this.queue.length, 22));
    const r = new Reader(head, () => NEED_MORE, (m) => this.error(m, start));
    let startcode: bigint;
    let forwardPtr: number;
    let headerLen: number;
    try {
      const hi = r.u32();
      const lo = r.u32();
      startcode = (BigInt(hi) << 32n) | BigInt(lo);
      if (!isKnownStartcode(startcode)) {
        throw this.error(
          `unknown startcode 0x${startcode.toString(16).padStart(16, "0")} ` +
            `(corrupt data or a frame code 0x4E)`,
          start,
        );
      }
      forwardPtr = r.v("forward_ptr");
      if (forwardPtr > HEADER_CHECKSUM_THRESHOLD) {
        const fpEnd = r.pos;
        const stored = r.u32();
        const crc = nutCrc32(head.subarray(0, fpEnd));
        if (crc !== stored) throw this.error(`${packetName(startcode)} header checksum mismatch`);
      }
      headerLen = r.pos;
    } catch (e) {
      if (e === NEED_MORE) {
        if (this.queue.length >= 22) throw this.error("malformed packet header", start);
        return false;
      }
      throw e;
    }
    if (forwardPtr < 4) throw this.error(`forward_ptr ${forwardPtr} is too small`, start);
    if (forwardPtr > MAX_PACKET_SIZE) {
      throw this.error(`${packetName(startcode)} of ${forwardPtr} bytes is implausibly large`);
    }
    if (this.queue.length < headerLen + forwardPtr) return false;

    const packet = this.queue.peek(headerLen + forwardPtr);
    const body = packet.subarray(headerLen, packet.length - 4);
    const stored = new DataView(packet.buffer, packet.byteOffset + packet.length - 4, 4)
      .getUint32(0);
    if (nutCrc32(body) !== stored) {
      throw this.error(`${packetName(startcode)} checksum mismatch`, start);
    }
    const br = new Reader(
      body,
      () => this.error(`${packetName(startcode)} is truncated or malformed`, start),
      (m) => this.error(`${packetName(startcode)}: ${m}`, start),
    );
    switch (startcode) {
      case MAIN_STARTCODE:
        if (!this.main) this.main = this.parseMainHeader(br, start);
        // A repeated main header (allowed for robustness) changes nothing; its CRC was checked.
        break;
      case STREAM_STARTCODE:
        if (!this.main) throw this.error("stream header before main header", start);
        if (!this.stream) {
          this.stream = this.parseStreamHeader(br, start);
          events.push({ type: "stream", info: this.stream.info });
        }
        break;
      case SYNCPOINT_STARTCODE:
        this.parseSyncpoint(br, start);
        break;
      case INFO_STARTCODE:
      case INDEX_STARTCODE:
        // Metadata and the seek index: not needed for sequential reading.
        if (!this.main) throw this.error(`${packetName(startcode)} before main header`, start);
        break;
    }
    this.consume(headerLen + forwardPtr);
    return true;
  }

  private parseMainHeader(r: Reader, at: number): MainHeader {
    const version = r.v("version");
    // libavformat reads versions 2 to 4; 3 is the stable one, 4 adds flags and side data.
    if (version < 2 || version > 4) throw this.error(`NUT version ${version} not supported`, at);
    if (version > 3) r.v("minor_version");
    const streamCount = r.v("stream_count");
    if (streamCount !== 1) {
      throw this.error(`expected exactly one stream, the file has ${streamCount}`, at);
    }
    r.v("max_distance");
    const tbCount = r.v("time_base_count");
    if (tbCount < 1 || tbCount > 1024) throw this.error(`time_base_count ${tbCount}`, at);
    const timeBases: Rational[] = [];
    for (let i = 0; i < tbCount; i++) {
      const num = r.v("time base numerator");
      const den = r.v("time base denominator");
      if (num <= 0 || den <= 0 || num >= 2 ** 31 || den >= 2 ** 31 || gcd(num, den) !== 1) {
        throw this.error(`invalid time base ${num}/${den}`, at);
      }
      timeBases.push({ num, den });
    }

    // The frame-code table: runs of codes sharing fields, each field defaulting to its value
    // in the previous run (except size_lsb and reserved_count, which reset to 0). Code 'N'
    // is always invalid and skipped without consuming a slot of the run.
    const frameCodes: FrameCode[] = new Array(256);
    let ptsDelta = 0;
    let sizeMul = 1;
    let streamId = 0;
    let headerIdx = 0;
    for (let i = 0; i < 256;) {
      const flags = r.v("frame code flags");
      const fields = r.v("frame code field count");
      if (fields > 0) ptsDelta = r.s("pts_delta");
      if (fields > 1) sizeMul = r.v("size_mul");
      if (fields > 2) streamId = r.v("stream_id");
      const sizeLsb = fields > 3 ? r.v("size_lsb") : 0;
      const reservedCount = fields > 4 ? r.v("reserved_count") : 0;
      const count = fields > 5 ? r.v("count") : sizeMul - sizeLsb;
      if (fields > 6) r.skipV(); // match_time_delta (s)
      if (fields > 7) headerIdx = r.v("header_idx");
      for (let k = 8; k < fields; k++) r.skipV();
      if (count <= 0 || count > 256 - (i <= N ? 1 : 0) - i) {
        throw this.error(`illegal frame code count ${count} at code ${i}`, at);
      }
      if (streamId >= streamCount) throw this.error(`frame code ${i}: stream ${streamId}`, at);
      for (let j = 0; j < count; j++, i++) {
        if (i === N) {
          frameCodes[i] = invalidCode();
          j--;
          continue;
        }
        frameCodes[i] = {
          flags,
          streamId,
          sizeMul,
          sizeLsb: sizeLsb + j,
          ptsDelta,
          reservedCount,
          headerIdx,
        };
      }
    }
    if (frameCodes[N] === undefined) frameCodes[N] = invalidCode();

    // Elision headers (bytes a frame may omit and the reader puts back) and, in version 4,
    // main flags; both optional, detected by bytes left before the checksum.
    const elision: Uint8Array[] = [EMPTY];
    if (r.remaining > 0) {
      const countMinus1 = r.v("header_count_minus1");
      if (countMinus1 >= 128) throw this.error(`header_count ${countMinus1 + 1}`, at);
      let total = 0;
      for (let i = 0; i < countMinus1; i++) {
        const len = r.v("elision header length");
        total += len;
        if (len === 0 || len >= 256 || total > 1024) {
          throw this.error(`invalid elision header ${i + 1} length ${len}`, at);
        }
        elision.push(r.bytes(len).slice());
      }
    }
    let flags = 0;
    if (version > 3 && r.remaining > 0) flags = r.v("main flags");
    // Anything left is reserved for future versions and ignored, as the spec requires.
    return { version, streamCount, timeBases, frameCodes, elision, flags };
  }

  private parseStreamHeader(r: Reader, at: number): StreamState {
    const main = this.main!;
    const id = r.v("stream_id");
    if (id >= main.streamCount) throw this.error(`stream header for stream ${id}`, at);
    const cls = r.v("stream_class");
    if (cls !== 0) throw this.error(`stream class ${cls} is not video`, at);
    const fourccBytes = r.vb("fourcc", 64).slice();
    const tbId = r.v("time_base_id");
    if (tbId >= main.timeBases.length) throw this.error(`time_base_id ${tbId}`, at);
    const msbPtsShift = r.v("msb_pts_shift");
    if (msbPtsShift >= 16) throw this.error(`msb_pts_shift ${msbPtsShift}`, at);
    r.v("max_pts_distance");
    r.v("decode_delay");
    r.v("stream_flags");
    r.vb("codec_specific_data");
    const width = r.v("width");
    const height = r.v("height");
    if (width <= 0 || height <= 0) throw this.error(`invalid size ${width}x${height}`, at);
    const sw = r.v("sample_width");
    const sh = r.v("sample_height");
    if ((sw === 0) !== (sh === 0)) throw this.error(`invalid aspect ratio ${sw}:${sh}`, at);
    r.v("colorspace_type");
    const info: NutStreamInfo = {
      width,
      height,
      fourcc: fourccToString(fourccBytes),
      fourccBytes,
      timeBase: { ...main.timeBases[tbId] },
      sampleAspect: sw ? { num: sw, den: sh } : null,
    };
    return { info, msbPtsShift, lastPts: 0 };
  }

  private parseSyncpoint(r: Reader, at: number): void {
    const main = this.main;
    if (!main) throw this.error("syncpoint before main header", at);
    // global_key_pts is a "t": pts * time_base_count + time base index.
    const t = r.v("global_key_pts");
    const tb = main.timeBases[t % main.timeBases.length];
    const pts = Math.floor(t / main.timeBases.length);
    const backPtrDiv16 = r.v("back_ptr_div16");
    if (at - 16 * backPtrDiv16 < 0) throw this.error("syncpoint back_ptr before file start", at);
    if (main.flags & MAIN_FLAG_BROADCAST) r.v("transmit_ts");
    // The spec resets every stream's last_pts to global_key_pts (in that stream's time base),
    // which is what the msb-less pts of the following frames are relative to.
    if (this.stream) {
      this.stream.lastPts = rescaleDown(pts, tb, this.stream.info.timeBase);
    }
  }

  // --- frames --------------------------------------------------------------------------------

  /** Parses a frame header if it has fully arrived; returns false to wait for more. */
  private readFrameHeader(): boolean {
    const at = this.pos;
    const main = this.main;
    const st = this.stream;
    if (!main || !st) {
      throw this.error(
        main ? "frame before stream header" : "unexpected data before the NUT main header",
        at,
      );
    }
    const avail = Math.min(this.queue.length, MAX_FRAME_HEADER);
    const buf = this.queue.peek(avail);
    const r = new Reader(buf, () => NEED_MORE, (m) => this.error(`frame header: ${m}`, at));
    let frame: PendingFrame;
    try {
      const code = r.u8();
      const fc = main.frameCodes[code];
      if (fc.flags & FLAG_INVALID) {
        throw this.error(`invalid frame code 0x${code.toString(16).padStart(2, "0")}`, at);
      }
      let flags = fc.flags;
      if (flags & FLAG_CODED) flags ^= r.v("coded_flags");
      const streamId = flags & FLAG_STREAM_ID ? r.v("stream_id") : fc.streamId;
      if (streamId >= main.streamCount) throw this.error(`frame for stream ${streamId}`, at);
      let pts: number;
      if (flags & FLAG_CODED_PTS) {
        const coded = r.v("coded_pts");
        const range = 2 ** st.msbPtsShift;
        pts = coded < range ? lsbToFull(st.lastPts, coded, st.msbPtsShift) : coded - range;
      } else {
        pts = st.lastPts + fc.ptsDelta;
      }
      if (!Number.isSafeInteger(pts)) throw this.error(`pts ${pts} out of range`, at);
      let size = fc.sizeLsb;
      if (flags & FLAG_SIZE_MSB) size += fc.sizeMul * r.v("data_size_msb");
      if (flags & FLAG_MATCH_TIME) r.skipV();
      const headerIdx = flags & FLAG_HEADER_IDX ? r.v("header_idx") : fc.headerIdx;
      const reserved = flags & FLAG_RESERVED ? r.v("reserved_count") : fc.reservedCount;
      for (let i = 0; i < reserved; i++) r.skipV();
      if (headerIdx >= main.elision.length) throw this.error(`header_idx ${headerIdx}`, at);
      // Like libavformat: elision only applies to frames of at most 4096 bytes.
      const prefix = size > 4096 ? EMPTY : main.elision[headerIdx];
      if (flags & FLAG_CHECKSUM) {
        // Covers the frame header from the frame code up to the checksum (nutenc.c starts the
        // CRC right before writing the frame code).
        const end = r.pos;
        const stored = r.u32();
        if (nutCrc32(buf.subarray(0, end)) !== stored) {
          throw this.error("frame header checksum mismatch", at);
        }
      }
      if (size < prefix.length) {
        throw this.error(`frame size ${size} shorter than its elided header`, at);
      }
      if (size > MAX_FRAME_SIZE) throw this.error(`frame size ${size} is implausibly large`, at);
      if (flags & FLAG_EOR && size !== 0) throw this.error("EOR frame with data", at);
      // Check the known frame size before allocating: a damaged size field (frame headers
      // often have no checksum) should fail here, not after buffering garbage.
      if (
        this.frameSize !== undefined && !(flags & (FLAG_EOR | FLAG_SM_DATA)) &&
        size !== this.frameSize
      ) {
        throw this.error(`frame at pts ${pts} has ${size} bytes, expected ${this.frameSize}`, at);
      }
      frame = {
        pts,
        key: (flags & FLAG_KEY) !== 0,
        eor: (flags & FLAG_EOR) !== 0,
        smData: (flags & FLAG_SM_DATA) !== 0,
        prefix,
        buf: new Uint8Array(size),
        filled: 0,
      };
      st.lastPts = pts;
    } catch (e) {
      if (e === NEED_MORE) {
        if (avail >= MAX_FRAME_HEADER) throw this.error("frame header too long", at);
        return false;
      }
      throw e;
    }
    this.consume(r.pos);
    this.frame = frame;
    this.stage = "frame";
    return true;
  }

  /** Copies queued bytes into the pending frame; emits it when complete. */
  private fillFrame(events: NutEvent[]): boolean {
    const f = this.frame!;
    const want = f.buf.length - f.prefix.length;
    const n = Math.min(want - f.filled, this.queue.length);
    if (n > 0) {
      this.consume(n, f.buf, f.prefix.length + f.filled);
      f.filled += n;
    }
    if (f.filled < want) return false;
    this.frame = null;
    this.stage = "packets";
    const data = this.finishFrame(f);
    if (f.eor) return true; // end-of-relevance marker, no picture
    if (this.frameSize !== undefined && data.length !== this.frameSize) {
      throw this.error(
        `frame at pts ${f.pts} has ${data.length} bytes, expected ${this.frameSize}`,
        this.pos - want,
      );
    }
    events.push({ type: "frame", pts: f.pts, key: f.key, data });
    return true;
  }

  /**
   * Strips side/meta data (version 4 FLAG_SM_DATA) and restores the elided header. Both sit at
   * the front, so the result is a view of the frame's buffer, not another copy.
   */
  private finishFrame(f: PendingFrame): Uint8Array {
    let smSize = 0;
    if (f.smData) {
      const coded = f.buf.subarray(f.prefix.length);
      const r = new Reader(
        coded,
        () => this.error("frame side data is truncated", this.pos),
        (m) => this.error(`frame side data: ${m}`, this.pos),
      );
      skipSmData(r);
      skipSmData(r);
      smSize = r.pos;
    }
    if (f.prefix.length === 0) return smSize ? f.buf.subarray(smSize) : f.buf;
    // Coded bytes were stored after prefix.length bytes of room; the side data (if any) came
    // first and is no longer needed, so the prefix goes right before the picture bytes.
    f.buf.set(f.prefix, smSize);
    return f.buf.subarray(smSize);
  }
}

/** Skips one sm_data block (count, then name/value pairs), as nutdec.c read_sm_data reads it. */
function skipSmData(r: Reader): void {
  const count = r.v("sm_data count");
  for (let i = 0; i < count; i++) {
    r.vb("sm_data name");
    const value = r.s("sm_data value");
    if (value === -1) r.vb("sm_data string");
    else if (value === -2) {
      r.vb("sm_data type");
      r.vb("sm_data binary");
    } else if (value === -3) r.skipV();
    else if (value === -4) r.skipV();
    else if (value < -4) r.skipV();
  }
}

function invalidCode(): FrameCode {
  return {
    flags: FLAG_INVALID,
    streamId: 0,
    sizeMul: 1,
    sizeLsb: 0,
    ptsDelta: 0,
    reservedCount: 0,
    headerIdx: 0,
  };
}

function isKnownStartcode(c: bigint): boolean {
  return c === MAIN_STARTCODE || c === STREAM_STARTCODE || c === SYNCPOINT_STARTCODE ||
    c === INDEX_STARTCODE || c === INFO_STARTCODE;
}

function packetName(c: bigint): string {
  switch (c) {
    case MAIN_STARTCODE:
      return "main header";
    case STREAM_STARTCODE:
      return "stream header";
    case SYNCPOINT_STARTCODE:
      return "syncpoint";
    case INDEX_STARTCODE:
      return "index";
    case INFO_STARTCODE:
      return "info packet";
  }
  return "packet";
}

/**
 * A `TransformStream` around {@link NutDemuxer}: pipe a NUT byte stream (e.g. ffmpeg's stdout)
 * through it to get {@link NutEvent}s. Errors (corruption, truncation) error the stream.
 */
export function nutDemuxStream(
  options: NutDemuxerOptions = {},
): TransformStream<Uint8Array, NutEvent> {
  const demuxer = new NutDemuxer(options);
  return new TransformStream<Uint8Array, NutEvent>({
    transform(chunk, controller) {
      for (const e of demuxer.push(chunk)) controller.enqueue(e);
    },
    flush(controller) {
      for (const e of demuxer.end()) controller.enqueue(e);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Muxer

/** Grows a byte array for building small packets. */
class Writer {
  private buf = new Uint8Array(64);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  u32(x: number): this {
    return this.u8((x >>> 24) & 0xff).u8((x >>> 16) & 0xff).u8((x >>> 8) & 0xff).u8(x & 0xff);
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** v, for a non-negative safe integer. */
  v(x: number): this {
    if (!Number.isSafeInteger(x) || x < 0) throw new NutError(`NUT: cannot code ${x} as v`);
    const digits: number[] = [x % 128];
    for (let y = Math.floor(x / 128); y > 0; y = Math.floor(y / 128)) digits.push(y % 128);
    for (let i = digits.length - 1; i > 0; i--) this.u8(0x80 | digits[i]);
    return this.u8(digits[0]);
  }

  /** s: 0, 1, -1, 2, -2, ... onto 0, 1, 2, 3, 4, ... */
  s(x: number): this {
    return this.v(x > 0 ? 2 * x - 1 : -2 * x);
  }

  vb(b: Uint8Array): this {
    return this.v(b.length).bytes(b);
  }

  /** A copy of the bytes written so far. */
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

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

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
