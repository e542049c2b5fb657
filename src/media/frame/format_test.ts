import assert from "node:assert/strict";
import {
  frameLayout,
  pixelFormat,
  sourceBitDepth,
  withAlpha,
  workingFormat,
  type WorkingPixFmt,
  YUV420P,
  YUV420P10LE,
} from "./format.ts";

Deno.test("pixel formats describe 8- and 10-bit 4:2:0", () => {
  assert.deepEqual(
    [YUV420P.bitDepth, YUV420P.bytesPerSample, YUV420P.maxValue],
    [8, 1, 255],
  );
  assert.deepEqual(
    [YUV420P10LE.bitDepth, YUV420P10LE.bytesPerSample, YUV420P10LE.maxValue],
    [10, 2, 1023],
  );
  for (const f of [YUV420P, YUV420P10LE]) {
    assert.equal(f.maxValue, 2 ** f.bitDepth - 1);
    assert.equal([f.chromaShiftX, f.chromaShiftY].join(), "1,1");
    assert.equal(pixelFormat(f.name), f);
  }
  assert.throws(() => pixelFormat("nv12"), RangeError);
});

Deno.test("frameLayout: plane sizes and offsets, odd sizes included", () => {
  // [format, width, height, chroma w, chroma h, y bytes, chroma bytes, frame bytes], by hand:
  // chroma is ceil(w/2) x ceil(h/2); 10-bit doubles every byte count.
  const table: [string, number, number, number, number, number, number, number][] = [
    ["yuv420p", 1, 1, 1, 1, 1, 1, 3],
    ["yuv420p", 2, 2, 1, 1, 4, 1, 6],
    ["yuv420p", 3, 5, 2, 3, 15, 6, 27],
    ["yuv420p", 4, 3, 2, 2, 12, 4, 20],
    ["yuv420p", 1920, 1080, 960, 540, 2073600, 518400, 3110400],
    ["yuv420p", 1921, 1081, 961, 541, 2076601, 519901, 3116403],
    ["yuv420p10le", 1, 1, 1, 1, 2, 2, 6],
    ["yuv420p10le", 2, 2, 1, 1, 8, 2, 12],
    ["yuv420p10le", 3, 5, 2, 3, 30, 12, 54],
    ["yuv420p10le", 4, 3, 2, 2, 24, 8, 40],
    ["yuv420p10le", 1920, 1080, 960, 540, 4147200, 1036800, 6220800],
    ["yuv420p10le", 1921, 1081, 961, 541, 4153202, 1039802, 6232806],
  ];
  for (const [name, w, h, cw, ch, yBytes, cBytes, total] of table) {
    const l = frameLayout(pixelFormat(name), w, h);
    const label = `${name} ${w}x${h}`;
    assert.deepEqual(
      l.y,
      { width: w, height: h, offset: 0, byteLength: yBytes },
      label,
    );
    assert.deepEqual(
      l.u,
      { width: cw, height: ch, offset: yBytes, byteLength: cBytes },
      label,
    );
    assert.deepEqual(
      l.v,
      { width: cw, height: ch, offset: yBytes + cBytes, byteLength: cBytes },
      label,
    );
    assert.equal(l.frameBytes, total, label);
    assert.equal(l.frameBytes, l.y.byteLength + l.u.byteLength + l.v.byteLength, label);
    assert.deepEqual(l.planes, [l.y, l.u, l.v], label);
    assert.deepEqual([l.width, l.height, l.format.name], [w, h, name], label);
    // The name works as well as the object.
    assert.deepEqual(frameLayout(name as "yuv420p", w, h), l, label);
  }
});

Deno.test("frameLayout rejects sizes that are not positive integers", () => {
  for (const [w, h] of [[0, 4], [4, 0], [-2, 2], [2.5, 2], [NaN, 2], [Infinity, 2]]) {
    assert.throws(() => frameLayout(YUV420P, w, h), RangeError, `${w}x${h}`);
  }
});

Deno.test("workingFormat: more than 8 bits per component goes to 10-bit", () => {
  const tenBit = [
    "yuv420p10le",
    "yuv420p10be",
    "yuv422p10le",
    "yuv444p12le",
    "yuv420p9le",
    "yuva444p16be",
    "yuv420p10msble",
    "p010le",
    "p016le",
    "p210le",
    "p412be",
    "gbrp10le",
    "gbrap12le",
    "gbrp16be",
    "gray10le",
    "gray12be",
    "ya16le",
    "rgb48le",
    "bgr48be",
    "rgba64le",
    "bgra64be",
    "ayuv64le",
    "x2rgb10le",
    "x2bgr10le",
    "y210le",
    "y212le",
    "xv30le",
    "xv36le",
    "v30xle",
    "nv20le",
    "xyz12le",
    "bayer_rggb16le",
    "grayf32le",
    "gbrpf32le",
    "rgbaf16le",
    "yaf32be",
  ];
  const eightBit = [
    "yuv420p",
    "yuvj420p",
    "yuv422p",
    "yuv444p",
    "yuva420p",
    "yuv410p",
    "nv12",
    "nv21",
    "nv16",
    "nv24",
    "gray",
    "ya8",
    "gbrp",
    "gbrap",
    "rgb24",
    "bgr24",
    "rgba",
    "argb",
    "bgr0",
    "rgb565le",
    "bgr444be",
    "rgb8",
    "bgr4_byte",
    "pal8",
    "monow",
    "yuyv422",
    "uyvy422",
    "uyyvyy411",
    "bayer_bggr8",
    "vuya",
    // Unknown or hardware formats: 8-bit.
    "unknown",
    "cuda",
    "vaapi",
    "",
    "definitely-not-a-format",
  ];
  for (const f of tenBit) assert.equal(workingFormat(f).bitDepth, 10, f);
  for (const f of eightBit) assert.equal(workingFormat(f).bitDepth, 8, f);
});

Deno.test("workingFormat keeps the source's chroma family; RGB, grey and unknown go to 4:2:0", () => {
  const table: [string, string][] = [
    ["yuv420p", "yuv420p"],
    ["yuvj420p", "yuv420p"],
    ["yuva420p", "yuv420p"],
    ["yuv420p10le", "yuv420p10le"],
    ["p010le", "yuv420p10le"],
    ["nv12", "yuv420p"],
    ["yuv411p", "yuv420p"],
    ["yuv410p", "yuv420p"],
    ["yuv422p", "yuv422p"],
    ["yuvj422p", "yuv422p"],
    ["yuva422p10le", "yuv422p10le"],
    ["yuv422p12be", "yuv422p10le"],
    ["yuyv422", "yuv422p"],
    ["uyvy422", "yuv422p"],
    ["nv16", "yuv422p"],
    ["nv20le", "yuv422p10le"],
    ["p210le", "yuv422p10le"],
    ["y210le", "yuv422p10le"],
    ["yuv444p", "yuv444p"],
    ["yuvj444p", "yuv444p"],
    ["yuva444p", "yuv444p"],
    ["yuv444p10le", "yuv444p10le"],
    ["yuva444p16be", "yuv444p10le"],
    ["yuv440p", "yuv444p"],
    ["nv24", "yuv444p"],
    ["nv42", "yuv444p"],
    ["p410le", "yuv444p10le"],
    ["vuya", "yuv444p"],
    ["xv30le", "yuv444p10le"],
    ["ayuv64le", "yuv444p10le"],
    ["rgb24", "yuv420p"],
    ["gbrp", "yuv420p"],
    ["gbrp10le", "yuv420p10le"],
    ["gray", "yuv420p"],
    ["unknown", "yuv420p"],
  ];
  for (const [source, working] of table) assert.equal(workingFormat(source).name, working, source);
});

Deno.test("frameLayout: plane geometry of every chroma family, odd sizes included", () => {
  const table: [WorkingPixFmt, number, number, [number, number], number][] = [
    // format, width, height, chroma size, frame bytes
    ["yuv420p", 64, 48, [32, 24], 64 * 48 + 2 * 32 * 24],
    ["yuv420p", 5, 3, [3, 2], 15 + 2 * 6],
    ["yuv422p", 64, 48, [32, 48], 64 * 48 + 2 * 32 * 48],
    ["yuv422p", 5, 3, [3, 3], 15 + 2 * 9],
    ["yuv444p", 64, 48, [64, 48], 3 * 64 * 48],
    ["yuv444p", 5, 3, [5, 3], 3 * 15],
    ["yuv420p10le", 5, 3, [3, 2], 2 * (15 + 2 * 6)],
    ["yuv422p10le", 5, 3, [3, 3], 2 * (15 + 2 * 9)],
    ["yuv444p10le", 1, 1, [1, 1], 2 * 3],
  ];
  for (const [name, w, h, [cw, ch], bytes] of table) {
    const l = frameLayout(name, w, h);
    const what = `${name} ${w}x${h}`;
    assert.deepEqual([l.u.width, l.u.height, l.v.width, l.v.height], [cw, ch, cw, ch], what);
    assert.equal(l.frameBytes, bytes, what);
    const bps = l.format.bytesPerSample;
    assert.deepEqual(
      [l.y.offset, l.u.offset, l.v.offset],
      [0, w * h * bps, (w * h + cw * ch) * bps],
      what,
    );
  }
});

Deno.test("sourceBitDepth reads the component depth from the name", () => {
  const table: [string, number | undefined][] = [
    ["yuv420p", 8],
    ["yuv420p10le", 10],
    ["yuv444p12be", 12],
    ["yuv420p9le", 9],
    ["p010le", 10],
    ["p016be", 16],
    ["rgb48le", 16],
    ["rgba64be", 16],
    ["xv36le", 12],
    ["y210le", 10],
    ["gray14le", 14],
    ["nv12", 8],
    ["rgb24", 8],
    ["cuda", undefined],
    ["unknown", undefined],
  ];
  for (const [name, depth] of table) assert.equal(sourceBitDepth(name), depth, name);
});

Deno.test("frameLayout: an alpha plane follows V at luma size and depth, odd sizes included", () => {
  const table: [WorkingPixFmt, number, number, [number, number], number][] = [
    // format, width, height, chroma size, frame bytes (the alpha plane is width × height)
    ["yuva420p", 64, 48, [32, 24], 2 * 64 * 48 + 2 * 32 * 24],
    ["yuva420p", 5, 3, [3, 2], 2 * 15 + 2 * 6],
    ["yuva422p", 5, 3, [3, 3], 2 * 15 + 2 * 9],
    ["yuva444p", 5, 3, [5, 3], 4 * 15],
    ["yuva420p10le", 5, 3, [3, 2], 2 * (2 * 15 + 2 * 6)],
    ["yuva422p10le", 64, 48, [32, 48], 2 * (2 * 64 * 48 + 2 * 32 * 48)],
    ["yuva444p10le", 1, 1, [1, 1], 2 * 4],
  ];
  for (const [name, w, h, [cw, ch], bytes] of table) {
    const l = frameLayout(name, w, h);
    const what = `${name} ${w}x${h}`;
    const bps = l.format.bytesPerSample;
    assert.ok(l.format.alpha, what);
    assert.deepEqual([l.u.width, l.u.height, l.v.width, l.v.height], [cw, ch, cw, ch], what);
    assert.deepEqual(
      l.a,
      { width: w, height: h, offset: (w * h + 2 * cw * ch) * bps, byteLength: w * h * bps },
      what,
    );
    assert.deepEqual(l.planes, [l.y, l.u, l.v, l.a], what);
    assert.equal(l.frameBytes, bytes, what);
    // Without alpha: the same first three planes, no fourth.
    const plain = frameLayout(withAlpha(l.format, false), w, h);
    assert.deepEqual([plain.y, plain.u, plain.v, plain.a], [l.y, l.u, l.v, null], what);
    assert.equal(plain.frameBytes, bytes - w * h * bps, what);
  }
});

Deno.test("withAlpha / workingFormat(…, alpha): the yuva twin of each working format", () => {
  const table: [string, string][] = [
    ["yuv420p", "yuva420p"],
    ["yuva420p", "yuva420p"],
    ["rgba", "yuva420p"],
    ["argb", "yuva420p"],
    ["rgba64be", "yuva420p10le"],
    ["yuva422p", "yuva422p"],
    ["yuv422p10le", "yuva422p10le"],
    ["yuva444p10le", "yuva444p10le"],
    ["yuva444p12le", "yuva444p10le"],
  ];
  for (const [source, working] of table) {
    const f = workingFormat(source, true);
    assert.equal(f.name, working, source);
    assert.equal(f, pixelFormat(working), source);
    assert.equal(withAlpha(f, false).name, working.replace("yuva", "yuv"), source);
    assert.equal(withAlpha(withAlpha(f, false)), f, source);
    assert.equal(workingFormat(source, false), withAlpha(f, false), source);
  }
});
