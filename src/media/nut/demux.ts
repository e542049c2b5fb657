/**
 * The NUT demuxer: an incremental reader for the single rawvideo stream ffmpeg's NUT muxer
 * writes (see format.ts for the format and its sources). Pure: bytes in, events out.
 */
import { gcd, type Rational } from "../../core/rational.ts";
import { ByteQueue, EMPTY, Reader } from "./bytes.ts";
import { nutCrc32 } from "./crc.ts";
import {
  FLAG_CHECKSUM,
  FLAG_CODED,
  FLAG_CODED_PTS,
  FLAG_EOR,
  FLAG_HEADER_IDX,
  FLAG_INVALID,
  FLAG_KEY,
  FLAG_MATCH_TIME,
  FLAG_RESERVED,
  FLAG_SIZE_MSB,
  FLAG_SM_DATA,
  FLAG_STREAM_ID,
  fourccToString,
  HEADER_CHECKSUM_THRESHOLD,
  ID_STRING,
  INDEX_STARTCODE,
  INFO_STARTCODE,
  lsbToFull,
  MAIN_FLAG_BROADCAST,
  MAIN_STARTCODE,
  MAX_PACKET_SIZE,
  N,
  NutError,
  type NutEvent,
  type NutStreamInfo,
  STREAM_STARTCODE,
  SYNCPOINT_STARTCODE,
} from "./format.ts";

/** A frame header longer than this is treated as garbage instead of waiting for more input. */
const MAX_FRAME_HEADER = 4096;

/** Largest frame payload accepted (8K 16-bit 4:4:4 is ~400 MB); guards against absurd sizes. */
const MAX_FRAME_SIZE = 1 << 30;

/** Options for {@link NutDemuxer}. */
export interface NutDemuxerOptions {
  /**
   * The exact byte size every frame must have (the caller knows it from width, height and
   * pixel format). A frame of another size is reported as corruption instead of being passed
   * on, which also catches damaged frame headers that carry no checksum.
   */
  frameSize?: number;
}

/** Thrown (one shared instance) when a parse attempt runs past the bytes received so far. */
class NeedMore extends Error {}
const NEED_MORE = new NeedMore("need more input");

/** floor(val * from / to), exactly (ff_nut_reset_ts uses av_rescale_rnd with AV_ROUND_DOWN). */
function rescaleDown(val: number, from: Rational, to: Rational): number {
  if (from.num === to.num && from.den === to.den) return val;
  const n = BigInt(val) * BigInt(from.num) * BigInt(to.den);
  const d = BigInt(from.den) * BigInt(to.num);
  let q = n / d;
  if (n % d !== 0n && (n < 0n) !== (d < 0n)) q -= 1n;
  return Number(q);
}

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
