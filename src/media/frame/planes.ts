/**
 * Splitting a raw frame into its Y, U and V planes (and alpha) and joining them back, and converting a
 * plane's integer codes to floats in [0, 1] for the network and back.
 *
 * Pure: no I/O. Assumes nothing about the alignment of the bytes it is given.
 */
import type { FrameLayout, PlaneLayout } from "./format.ts";
import type { Samples } from "./pixels.ts";

/** A frame's planes. Their sizes are those of the FrameLayout they came from. */
export interface FramePlanes<P extends Samples = Samples> {
  y: P;
  u: P;
  v: P;
  /** Alpha, in formats that have it (see PixelFormat.alpha). */
  a?: P;
}

/** The names of a layout's planes, in storage order. */
function planeNames(layout: FrameLayout): readonly ("y" | "u" | "v" | "a")[] {
  return layout.a ? ["y", "u", "v", "a"] : ["y", "u", "v"];
}

/** Applies `view` to each of the layout's planes. */
function mapPlanes(layout: FrameLayout, view: (p: PlaneLayout) => Samples): FramePlanes {
  const planes: FramePlanes = { y: view(layout.y), u: view(layout.u), v: view(layout.v) };
  if (layout.a) planes.a = view(layout.a);
  return planes;
}

/**
 * Whether this machine stores multi-byte numbers little-endian. yuv420p10le is little-endian
 * on disk; where the host agrees (every platform Deno ships for) a Uint16Array can simply view
 * the bytes, otherwise each sample goes through a DataView.
 */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function checkBitDepth(bitDepth: number): void {
  if (!Number.isInteger(bitDepth) || bitDepth < 1 || bitDepth > 16) {
    throw new RangeError(`bit depth must be an integer in 1..16, got ${bitDepth}`);
  }
}

/**
 * Views of the Y, U and V planes (and alpha) of one frame of `layout` in `bytes`, which must be exactly
 * `layout.frameBytes` long.
 *
 * For 8-bit the planes are subarrays of `bytes` (no copy): they change if `bytes` is reused,
 * so copy them (`.slice()`) if the buffer is about to be refilled. For 10-bit the planes are
 * Uint16Array views of the same memory when `bytes` starts at an even byte offset, which is
 * what a Uint16Array needs (every plane's offset within a frame is even); a buffer from a
 * stream reader can start anywhere, and then the frame is first copied once to aligned memory.
 */
export function splitFrame(bytes: Uint8Array, layout: FrameLayout): FramePlanes {
  if (bytes.length !== layout.frameBytes) {
    throw new RangeError(
      `frame of ${layout.width}x${layout.height} ${layout.format.name} is ` +
        `${layout.frameBytes} bytes, got ${bytes.length}`,
    );
  }
  if (layout.format.bytesPerSample === 1) {
    return mapPlanes(layout, (p) => bytes.subarray(p.offset, p.offset + p.byteLength));
  }
  if (!HOST_LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return mapPlanes(layout, (p) => {
      const out = new Uint16Array(p.width * p.height);
      for (let i = 0; i < out.length; i++) out[i] = view.getUint16(p.offset + 2 * i, true);
      return out;
    });
  }
  // slice() copies into a fresh ArrayBuffer, which starts 8-byte aligned.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return mapPlanes(
    layout,
    (p) => new Uint16Array(aligned.buffer, aligned.byteOffset + p.offset, p.width * p.height),
  );
}

/**
 * Writes the planes (three, or four with alpha) into one frame of `layout` (into `out` when given, which must be
 * `layout.frameBytes` long; a new buffer otherwise) and returns it. Planes must have the
 * layout's sizes and the sample type of its format; `out` may start at any byte offset.
 * Values are copied as they are: a 10-bit plane is expected to hold codes in 0..1023.
 */
export function joinFrame(planes: FramePlanes, layout: FrameLayout, out?: Uint8Array): Uint8Array {
  const dst = out ?? new Uint8Array(layout.frameBytes);
  if (dst.length !== layout.frameBytes) {
    throw new RangeError(`output buffer is ${dst.length} bytes, frame needs ${layout.frameBytes}`);
  }
  const wide = layout.format.bytesPerSample === 2;
  for (const name of planeNames(layout)) {
    const p = layout[name]!;
    const src = planes[name];
    const samples = p.width * p.height;
    if (src === undefined) throw new RangeError(`plane ${name} is missing`);
    if (src.length !== samples || (src instanceof Uint16Array) !== wide) {
      throw new RangeError(
        `plane ${name} must be a ${wide ? "Uint16Array" : "Uint8Array"} of ` +
          `${p.width}x${p.height} = ${samples} samples, got a ` +
          `${src.constructor.name} of ${src.length}`,
      );
    }
    if (!wide) {
      dst.set(src, p.offset);
    } else if (HOST_LITTLE_ENDIAN) {
      dst.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), p.offset);
    } else {
      const view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
      for (let i = 0; i < samples; i++) view.setUint16(p.offset + 2 * i, src[i], true);
    }
  }
  return dst;
}

/** code → code / (2^bits − 1) as float32, one table per bit depth, built on first use. */
const toFloatTables = new Map<number, Float32Array>();

function toFloatTable(bitDepth: number): Float32Array {
  let t = toFloatTables.get(bitDepth);
  if (!t) {
    const max = 2 ** bitDepth - 1;
    // Dividing (rather than multiplying by 1/max) gives the correctly rounded quotient, and a
    // table makes the per-pixel cost one load whatever the division costs.
    t = new Float32Array(max + 1);
    for (let c = 0; c <= max; c++) t[c] = c / max;
    toFloatTables.set(bitDepth, t);
  }
  return t;
}

/**
 * The plane's codes as floats in [0, 1]: code / (2^bitDepth − 1), so black and white of any
 * depth map to the same 0 and 1. Codes above the maximum (garbage in a 16-bit container's
 * upper bits) give values above 1. Writes into `out` when given (same length).
 */
export function planeToFloat(plane: Samples, bitDepth: number, out?: Float32Array): Float32Array {
  checkBitDepth(bitDepth);
  if (plane instanceof Uint8Array && bitDepth > 8) {
    throw new RangeError(`an 8-bit plane cannot hold ${bitDepth}-bit codes`);
  }
  const dst = out ?? new Float32Array(plane.length);
  if (dst.length !== plane.length) {
    throw new RangeError(`output has ${dst.length} samples, plane has ${plane.length}`);
  }
  const table = toFloatTable(bitDepth);
  const max = table.length - 1;
  for (let i = 0; i < plane.length; i++) {
    const c = plane[i];
    dst[i] = c <= max ? table[c] : c / max;
  }
  return dst;
}

/**
 * Floats back to integer codes: round(x · (2^bitDepth − 1)), rounding halves up
 * (⌊x·max + 0.5⌋), clamped to [0, max]; NaN gives 0. Any code c survives
 * floatToPlane(planeToFloat(c)) exactly: the float32 quotient c/max is within max·2⁻²⁴ of
 * c after scaling back, far from a rounding boundary.
 *
 * The result is a Uint8Array for depths up to 8 and a Uint16Array above, or `out` when given
 * (same length, matching type).
 */
export function floatToPlane(values: Float32Array, bitDepth: 8, out?: Uint8Array): Uint8Array;
export function floatToPlane(values: Float32Array, bitDepth: 10, out?: Uint16Array): Uint16Array;
export function floatToPlane(values: Float32Array, bitDepth: number, out?: Samples): Samples;
export function floatToPlane(values: Float32Array, bitDepth: number, out?: Samples): Samples {
  checkBitDepth(bitDepth);
  const wide = bitDepth > 8;
  const dst = out ?? (wide ? new Uint16Array(values.length) : new Uint8Array(values.length));
  if (dst.length !== values.length || (dst instanceof Uint16Array) !== wide) {
    throw new RangeError(
      `output must be a ${wide ? "Uint16Array" : "Uint8Array"} of ${values.length} samples`,
    );
  }
  const max = 2 ** bitDepth - 1;
  for (let i = 0; i < values.length; i++) {
    const r = values[i] * max + 0.5;
    // floor(r) is 0 for r < 1 and max for r ≥ max; NaN fails both tests and gives 0. In
    // between, r is positive, so truncation (| 0) is floor.
    dst[i] = r >= 1 ? (r < max ? r | 0 : max) : 0;
  }
  return dst;
}
