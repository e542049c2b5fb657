/**
 * Reading and writing the safetensors format (https://github.com/huggingface/safetensors):
 * an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
 * byte range, then the raw little-endian data. Only F32 and F16 are needed here.
 */
import { sizeOf } from "../arch.ts";

/** Element types we read and write: IEEE single and half precision. */
export type SafetensorsDtype = "F32" | "F16";

/** A decoded tensor: always widened to Float32 in memory. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

export interface SafetensorsContent {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/** Why a buffer is not a valid safetensors file; the caller adds the file name. */
export class SafetensorsFormatError extends Error {}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2 };
/** Headers beyond this are certainly not ours (a guard against reading garbage lengths). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Parses a safetensors buffer, checking every offset against the data it claims. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsContent {
  if (bytes.length < 8) {
    throw new SafetensorsFormatError("too short to be a safetensors file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > MAX_HEADER_BYTES || 8 + headerLen > bytes.length) {
    throw new SafetensorsFormatError(
      `header length ${headerLen} does not fit in a ${bytes.length}-byte file`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(
      bytes.subarray(8, 8 + headerLen),
    ));
  } catch {
    throw new SafetensorsFormatError("header is not valid JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new SafetensorsFormatError("header is not a JSON object");
  }
  const data = bytes.subarray(8 + headerLen);
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = parseMetadata(entry);
      continue;
    }
    tensors.set(name, decodeTensor(name, entry, data));
  }
  return { tensors, metadata };
}

function parseMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new SafetensorsFormatError("__metadata__ is not an object");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry)) {
    if (typeof v !== "string") {
      throw new SafetensorsFormatError(`metadata ${k} is not a string`);
    }
    out[k] = v;
  }
  return out;
}

function decodeTensor(
  name: string,
  entry: unknown,
  data: Uint8Array,
): NamedTensor {
  const e = entry as {
    dtype?: unknown;
    shape?: unknown;
    data_offsets?: unknown;
  };
  if (typeof e !== "object" || e === null) {
    throw new SafetensorsFormatError(`tensor ${name}: entry is not an object`);
  }
  if (e.dtype !== "F32" && e.dtype !== "F16") {
    throw new SafetensorsFormatError(
      `tensor ${name}: dtype ${JSON.stringify(e.dtype)} is not supported (F32 or F16)`,
    );
  }
  const shape = e.shape;
  if (
    !Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)
  ) {
    throw new SafetensorsFormatError(`tensor ${name}: invalid shape`);
  }
  const offsets = e.data_offsets;
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((n) => Number.isInteger(n) && n >= 0)
  ) {
    throw new SafetensorsFormatError(`tensor ${name}: invalid data_offsets`);
  }
  const [begin, end] = offsets as [number, number];
  const expected = sizeOf(shape) * BYTES[e.dtype];
  if (end - begin !== expected) {
    throw new SafetensorsFormatError(
      `tensor ${name}: ${
        end - begin
      } bytes for shape [${shape}] of ${e.dtype} (expected ${expected})`,
    );
  }
  if (end > data.length) {
    throw new SafetensorsFormatError(
      `tensor ${name}: data ends at byte ${end} but the file has ${data.length} (truncated?)`,
    );
  }
  const raw = data.subarray(begin, end);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(sizeOf(shape));
  if (e.dtype === "F32") {
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  } else {
    for (let i = 0; i < out.length; i++) {
      out[i] = halfToFloat(view.getUint16(2 * i, true));
    }
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      throw new SafetensorsFormatError(
        `tensor ${name}: contains NaN or infinity`,
      );
    }
  }
  return { shape: shape as number[], data: out };
}

/** Serialises tensors (in the given order) and string metadata to safetensors bytes. */
export function encodeSafetensors(
  tensors: Iterable<[string, NamedTensor]>,
  metadata: Record<string, string> = {},
  dtype: SafetensorsDtype = "F32",
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const parts: Array<[NamedTensor, number]> = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.data.length !== sizeOf(t.shape)) {
      throw new SafetensorsFormatError(
        `tensor ${name}: data length does not match its shape`,
      );
    }
    const n = t.data.length * BYTES[dtype];
    header[name] = {
      dtype,
      shape: t.shape,
      data_offsets: [offset, offset + n],
    };
    parts.push([t, offset]);
    offset += n;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  const base = 8 + json.length;
  for (const [t, off] of parts) {
    for (let i = 0; i < t.data.length; i++) {
      if (dtype === "F32") view.setFloat32(base + off + 4 * i, t.data[i], true);
      else view.setUint16(base + off + 2 * i, floatToHalf(t.data[i]), true);
    }
  }
  return out;
}

/** IEEE 754 binary16 → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** number → IEEE 754 binary16, rounding to nearest even. */
export function floatToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && (r & 1))) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (r & 1))) r++;
  return sign | r;
}
