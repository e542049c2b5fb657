/**
 * The raw frame layouts the pipeline works in, and how a frame's bytes split into planes.
 *
 * ffmpeg decodes every source to `-f rawvideo` in a planar Y′CbCr format of one of three
 * chroma families, 4:2:0, 4:2:2 or 4:4:4 (the source's own, so that no chroma resolution is
 * lost), at one of two depths: 8-bit (one byte per sample) or 10-bit (codes 0..1023 in
 * little-endian 16-bit containers). 10 bits are enough to carry a 12- or 16-bit source through
 * the network without visible banding. Each has a `yuva` variant with a fourth plane, alpha,
 * at full (luma) resolution and the same depth, for sources with transparency whose output
 * can hold it.
 *
 * Pure: no I/O.
 */

/** ffmpeg `-pix_fmt` names of the working formats. */
export type WorkingPixFmt =
  | "yuv420p"
  | "yuv420p10le"
  | "yuv422p"
  | "yuv422p10le"
  | "yuv444p"
  | "yuv444p10le"
  | "yuva420p"
  | "yuva420p10le"
  | "yuva422p"
  | "yuva422p10le"
  | "yuva444p"
  | "yuva444p10le";

/** A planar Y′CbCr layout (with or without alpha), as ffmpeg's rawvideo writes it. */
export interface PixelFormat {
  /** The name to pass to ffmpeg's `-pix_fmt`. */
  readonly name: WorkingPixFmt;
  /** Significant bits per sample. */
  readonly bitDepth: 8 | 10;
  /** Bytes per stored sample: 1, or 2 for a little-endian 16-bit container. */
  readonly bytesPerSample: 1 | 2;
  /** The largest code value, 2^bitDepth − 1. */
  readonly maxValue: number;
  /** log2 of the horizontal chroma subsampling (1: chroma has half the columns, 0: all). */
  readonly chromaShiftX: 0 | 1;
  /** log2 of the vertical chroma subsampling (1: chroma has half the rows, 0: all). */
  readonly chromaShiftY: 0 | 1;
  /** A fourth plane, alpha, follows V: full resolution, same depth, full range. */
  readonly alpha: boolean;
}

/** 8-bit 4:2:0. */
export const YUV420P: PixelFormat = Object.freeze({
  name: "yuv420p",
  bitDepth: 8,
  bytesPerSample: 1,
  maxValue: 255,
  chromaShiftX: 1,
  chromaShiftY: 1,
  alpha: false,
});

/** 10-bit 4:2:0, samples stored as little-endian 16-bit words (high 6 bits zero). */
export const YUV420P10LE: PixelFormat = Object.freeze({
  name: "yuv420p10le",
  bitDepth: 10,
  bytesPerSample: 2,
  maxValue: 1023,
  chromaShiftX: 1,
  chromaShiftY: 1,
  alpha: false,
});

/** 8-bit 4:2:2: chroma has half the columns and every row. */
export const YUV422P: PixelFormat = Object.freeze({
  ...YUV420P,
  name: "yuv422p",
  chromaShiftY: 0,
});

/** 10-bit 4:2:2. */
export const YUV422P10LE: PixelFormat = Object.freeze({
  ...YUV420P10LE,
  name: "yuv422p10le",
  chromaShiftY: 0,
});

/** 8-bit 4:4:4: chroma at full resolution. */
export const YUV444P: PixelFormat = Object.freeze({
  ...YUV420P,
  name: "yuv444p",
  chromaShiftX: 0,
  chromaShiftY: 0,
});

/** 10-bit 4:4:4. */
export const YUV444P10LE: PixelFormat = Object.freeze({
  ...YUV420P10LE,
  name: "yuv444p10le",
  chromaShiftX: 0,
  chromaShiftY: 0,
});

/** The formats without alpha, each beside its variant with alpha. */
const ALPHA_VARIANTS: ReadonlyArray<readonly [PixelFormat, PixelFormat]> = [
  YUV420P,
  YUV420P10LE,
  YUV422P,
  YUV422P10LE,
  YUV444P,
  YUV444P10LE,
].map((
  f,
) => [
  f,
  Object.freeze({ ...f, name: f.name.replace(/^yuv/, "yuva") as WorkingPixFmt, alpha: true }),
]);

/** Every working format, by name. */
const WORKING_FORMATS: ReadonlyMap<string, PixelFormat> = new Map(
  ALPHA_VARIANTS.flat().map((f) => [f.name, f]),
);

/** `format` with an alpha plane (`alpha` true) or without one: yuv420p ↔ yuva420p, … */
export function withAlpha(format: PixelFormat, alpha = true): PixelFormat {
  const pair = ALPHA_VARIANTS.find(([plain, withA]) =>
    plain.name === format.name || withA.name === format.name
  );
  if (!pair) throw new RangeError(`not a working pixel format: ${format.name}`);
  return pair[alpha ? 1 : 0];
}

/** Looks up a working format by its ffmpeg name; throws RangeError for any other name. */
export function pixelFormat(name: string): PixelFormat {
  const f = WORKING_FORMATS.get(name);
  if (!f) {
    throw new RangeError(
      `not a working pixel format: ${name} (expected one of ${[...WORKING_FORMATS.keys()]})`,
    );
  }
  return f;
}

/** Where one plane lies in a frame's bytes. */
export interface PlaneLayout {
  /** Samples per row (rows are packed: no padding between them). */
  readonly width: number;
  /** Rows. */
  readonly height: number;
  /** Byte offset of the plane's first sample from the start of the frame. */
  readonly offset: number;
  /** Bytes the plane occupies: width · height · bytesPerSample. */
  readonly byteLength: number;
}

/** The byte layout of one raw frame: Y, then U (Cb), then V (Cr), then alpha if any, back to back. */
export interface FrameLayout {
  /** Pixel format of the frame. */
  readonly format: PixelFormat;
  /** Luma size in pixels. */
  readonly width: number;
  /** Luma height in pixels. */
  readonly height: number;
  /** Luma plane. */
  readonly y: PlaneLayout;
  /** Cb plane (⌈w/2⌉ × ⌈h/2⌉ for 4:2:0, ⌈w/2⌉ × h for 4:2:2, w × h for 4:4:4). */
  readonly u: PlaneLayout;
  /** Cr plane, the size of Cb. */
  readonly v: PlaneLayout;
  /** Alpha plane, the size of luma, in formats with alpha; null in the others. */
  readonly a: PlaneLayout | null;
  /** The same planes (three, or four with alpha) in storage order. */
  readonly planes: readonly PlaneLayout[];
  /** Total bytes of one frame: the sum of the planes' byte lengths. */
  readonly frameBytes: number;
}

function checkSize(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`frame ${what} must be a positive integer, got ${n}`);
  }
}

/**
 * The byte layout of a `width`×`height` frame in `format`.
 *
 * A subsampled chroma axis has ⌈n/2⌉ samples: for odd sizes ffmpeg gives the last chroma
 * column (row) to the lone last luma column (row) rather than dropping it, so 1×1 4:2:0 has
 * 1×1 chroma.
 */
export function frameLayout(
  format: PixelFormat | WorkingPixFmt,
  width: number,
  height: number,
): FrameLayout {
  const fmt = typeof format === "string" ? pixelFormat(format) : format;
  checkSize("width", width);
  checkSize("height", height);
  const bps = fmt.bytesPerSample;
  const cw = Math.ceil(width / (1 << fmt.chromaShiftX));
  const ch = Math.ceil(height / (1 << fmt.chromaShiftY));
  const y: PlaneLayout = { width, height, offset: 0, byteLength: width * height * bps };
  const u: PlaneLayout = { width: cw, height: ch, offset: y.byteLength, byteLength: cw * ch * bps };
  const v: PlaneLayout = {
    width: cw,
    height: ch,
    offset: u.offset + u.byteLength,
    byteLength: u.byteLength,
  };
  const a: PlaneLayout | null = fmt.alpha
    ? { width, height, offset: v.offset + v.byteLength, byteLength: y.byteLength }
    : null;
  const last = a ?? v;
  return {
    format: fmt,
    width,
    height,
    y,
    u,
    v,
    a,
    planes: a ? [y, u, v, a] : [y, u, v],
    frameBytes: last.offset + last.byteLength,
  };
}

/** Component depth of packed RGB(A) formats whose name gives more than 32 bits per pixel. */
const WIDE_PACKED_RGB: Readonly<Record<string, number>> = { 48: 16, 64: 16, 96: 32, 128: 32 };

/** 8-bit names that no pattern in sourceBitDepth covers (packed 4:2:2, palettes, 1-bit). */
const EIGHT_BIT_OTHERS: ReadonlySet<string> = new Set([
  "yuyv422",
  "yvyu422",
  "uyvy422",
  "uyyvyy411",
  "ayuv",
  "vuya",
  "vuyx",
  "uyva",
  "vyu444",
  "pal8",
  "rgb4_byte",
  "bgr4_byte",
  "monow",
  "monob",
]);

/**
 * Bits per component of an ffmpeg pixel format, from its name (`ffmpeg -pix_fmts`), or
 * undefined when the name is not recognised. Float formats report 16 (more than 10 bits of
 * precision is all that matters here). Only the depth is decoded, not the layout.
 */
export function sourceBitDepth(pixFmt: string): number | undefined {
  // Byte order ("le"/"be") and ffmpeg 8's "msb" (samples in the high bits) don't change depth.
  const n = pixFmt.trim().toLowerCase().replace(/(le|be)$/, "").replace(/msb$/, "");
  if (n === "") return undefined;
  let m: RegExpMatchArray | null;
  // Half and single floats: grayf32, gbrpf16, rgbaf32, yaf16, …
  if (/f(16|32)$/.test(n)) return 16;
  // Planar Y′CbCr / RGB / grey / bayer / XYZ: the trailing number is bits per component
  // (yuv420p10, yuva444p16, gbrap12, gray14, ya16, bayer_rggb16, xyz12). Without one, 8 bits.
  m = n.match(/^(?:yuvj?a?\d{3}p|gbra?p|gray|ya|bayer_[a-z]{4}|xyz)(\d*)$/);
  if (m) return m[1] === "" ? 8 : Number(m[1]);
  // Semi-planar with a 16-bit container: p010, p012, p016, p210, p216, p410, p412, p416.
  m = n.match(/^p[024](\d\d)$/);
  if (m) return Number(m[1]);
  // Packed 4:2:2 in 16-bit words: y210, y212, y216.
  m = n.match(/^y2(\d\d)$/);
  if (m) return Number(m[1]);
  // Packed 4:4:4 where the number is bits per pixel over three components: xv30, xv36, xv48.
  m = n.match(/^xv(\d\d)$/);
  if (m) return Number(m[1]) / 3;
  // Packed RGB(A) named by bits per pixel: rgb48 and bgra64 have 16-bit components, rgb96
  // and rgba128 32-bit ones; rgb24, rgb565, bgr444, rgb8, bgr4 at most 8 bits per component.
  m = n.match(/^[rgbax0]{3,4}(\d*)$/);
  if (m) return WIDE_PACKED_RGB[m[1]] ?? 8;
  if (n === "x2rgb10" || n === "x2bgr10" || n === "v30x" || n === "nv20") return 10;
  if (n === "ayuv64") return 16;
  // Remaining 8-bit names: nv12/nv16/nv21/nv24/nv42 (the number is the layout, not a depth),
  // packed 4:2:2 and 4:1:1, palettes and 1-bit formats.
  if (/^nv\d\d$/.test(n) || EIGHT_BIT_OTHERS.has(n)) return 8;
  return undefined;
}

/** The chroma family of a source: how its chroma is subsampled. */
export type ChromaFamily = "420" | "422" | "444";

/**
 * The chroma family of an ffmpeg Y′CbCr pixel format, from its name: `444` for 4:4:4 and
 * 4:4:0 (whose full horizontal resolution 4:2:2 would lose), `422` for 4:2:2, `420` for
 * everything else (4:2:0, 4:1:1, 4:1:0, RGB, grey, unknown names).
 */
export function chromaFamily(pixFmt: string): ChromaFamily {
  const n = pixFmt.trim().toLowerCase();
  // Planar: yuv444p, yuvj444p, yuva444p10le, yuv440p12le; semi-planar nv24/nv42 and p410/p416;
  // packed 4:4:4 (ayuv, vuya, vuyx, uyva, vyu444, xv30/36/48, v30x, ayuv64).
  if (
    /^yuvj?a?44[04]p/.test(n) || /^nv(24|42)$/.test(n) || /^p4\d\d/.test(n) ||
    /^(ayuv|vuya|vuyx|uyva|vyu444|xv\d\d|v30x|ayuv64)/.test(n)
  ) {
    return "444";
  }
  // Planar yuv422p*, semi-planar nv16/nv20/p210/p216, packed yuyv422/uyvy422/yvyu422/y210.
  if (
    /^yuvj?a?422p/.test(n) || /^nv(16|20)/.test(n) || /^p2\d\d/.test(n) || /422$|^y2\d\d/.test(n)
  ) {
    return "422";
  }
  return "420";
}

const FAMILY_FORMATS: Readonly<Record<ChromaFamily, readonly [PixelFormat, PixelFormat]>> = {
  "420": [YUV420P, YUV420P10LE],
  "422": [YUV422P, YUV422P10LE],
  "444": [YUV444P, YUV444P10LE],
};

/**
 * The working format for a source of the given ffmpeg pix_fmt: of its own chroma family
 * (see chromaFamily; RGB and grey sources are converted to 4:2:0), 10-bit for anything with
 * more than 8 bits per component (9-, 10-, 12-, 16-bit and float formats), else 8-bit, with
 * an alpha plane when `alpha` is true (the caller decides: the source has one and the output
 * keeps it). Unknown names (hardware surfaces such as `cuda`, ffprobe's "unknown") get 8-bit
 * 4:2:0: the common case, and the cheaper one.
 */
export function workingFormat(sourcePixFmt: string, alpha = false): PixelFormat {
  const depth = sourceBitDepth(sourcePixFmt);
  const [eight, ten] = FAMILY_FORMATS[chromaFamily(sourcePixFmt)];
  return withAlpha(depth !== undefined && depth > 8 ? ten : eight, alpha);
}

/**
 * Whether an ffmpeg pixel format carries an alpha channel, from its name: `yuva…`, `gbrap…`,
 * packed RGBA in any order, grey with alpha (`ya8`, `ya16le`). Palettes (`pal8`) may or may
 * not use theirs: not counted.
 */
export function pixFmtHasAlpha(pixFmt: string): boolean {
  return /^(yuva|gbrap|rgba|bgra|argb|abgr|ya\d|yaf)/.test(pixFmt.trim().toLowerCase());
}
