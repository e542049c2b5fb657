/**
 * NUT's byte-level fields, read and written: big-endian u32, the variable-length `v` and `s`
 * numbers and `vb` byte strings, plus the queue of received chunks the demuxer parses from.
 * Pure.
 */
import { MAX_PACKET_SIZE, NutError } from "./format.ts";

/**
 * Reads NUT's variable-length fields from a contiguous buffer. `short` decides what running
 * off the end means: "wait for more input" while probing a frame header, or "malformed" inside
 * a packet whose full length is known.
 */
export class Reader {
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
export class ByteQueue {
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

export const EMPTY = new Uint8Array(0);

/** Grows a byte array for building small packets. */
export class Writer {
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

/** The parts one after another, in one new buffer. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
