/**
 * Still images: decoded to RGB (or grey) by ffmpeg, converted to Y'CbCr in floating point,
 * luma through FSRCNN, chroma (and alpha) bicubic, back to RGB and encoded as PNG or JPEG.
 * 16-bit sources stay 16-bit when written as PNG.
 */
import { sourceBitDepth } from "../frame/format.ts";
import { upsamplePlaneFloat } from "../frame/resample.ts";
import { rgbToYCbCr, yCbCrToRgb } from "../frame/ycbcr.ts";
import { readImageRaw, writeImage } from "../ffmpeg/image.ts";
import type { MediaInfo } from "../ffmpeg/probe.ts";
import type { FfmpegTools } from "../ffmpeg/resolve.ts";
import type { TiledUpscaler } from "../model/tiled.ts";
import { extensionOf } from "./kinds.ts";

/** How a still is held in memory: channels and bytes per sample. */
interface StillLayout {
  channels: 1 | 2 | 3 | 4;
  deep: boolean;
  pixFmt: string;
}

function layoutOf(pixFmt: string, toJpeg: boolean): StillLayout {
  const grey = /^(gray|ya|monow|monob)/.test(pixFmt);
  // Palette images may carry transparency too; ffmpeg expands them to RGBA.
  const alpha = !toJpeg && /^(rgba|bgra|argb|abgr|ya|yuva|gbrap|pal8)/.test(pixFmt);
  const deep = !toJpeg && (sourceBitDepth(pixFmt) ?? 8) > 8;
  const channels = grey ? (alpha ? 2 : 1) : (alpha ? 4 : 3);
  const names: Record<number, [string, string]> = {
    1: ["gray", "gray16le"],
    2: ["ya8", "ya16le"],
    3: ["rgb24", "rgb48le"],
    4: ["rgba", "rgba64le"],
  };
  return { channels, deep, pixFmt: names[channels][deep ? 1 : 0] };
}

export interface StillJob {
  tools: FfmpegTools;
  upscaler: TiledUpscaler;
  input: string;
  info: MediaInfo;
  /** Temporary output file to write. */
  outputFile: string;
  /** The name the user gave (its extension picks PNG or JPEG). */
  outputName: string;
  signal?: AbortSignal;
}

/** Upscales one still image; returns the output size. */
export async function upscaleStill(job: StillJob): Promise<{ width: number; height: number }> {
  const v = job.info.video!;
  const toJpeg = ["jpg", "jpeg"].includes(extensionOf(job.outputName));
  const layout = layoutOf(v.pixFmt, toJpeg);
  const { width, height } = v;
  const n = width * height;
  const bytesPerSample = layout.deep ? 2 : 1;
  const raw = await readImageRaw(
    job.tools,
    job.input,
    layout.pixFmt,
    n * layout.channels * bytesPerSample,
    job.signal,
  );
  const samples = layout.deep
    ? new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
    : raw;
  const max = layout.deep ? 65535 : 255;
  const ch = layout.channels;
  const colour = ch >= 3;
  const colourCount = colour ? 3 : 1;
  // Split colour and alpha.
  const colourSamples = new (layout.deep ? Uint16Array : Uint8Array)(n * colourCount);
  const alpha = ch === 2 || ch === 4 ? new Float32Array(n) : null;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < colourCount; k++) colourSamples[i * colourCount + k] = samples[i * ch + k];
    if (alpha) alpha[i] = samples[i * ch + ch - 1] / max;
  }
  const s = job.upscaler.engine.config.scale;
  const ow = width * s, oh = height * s, on = ow * oh;
  const up = (p: Float32Array) =>
    upsamplePlaneFloat(p, width, height, { scale: s, siting: "center" });
  let outColour: Uint8Array | Uint16Array = layout.deep
    ? new Uint16Array(on * colourCount)
    : new Uint8Array(on * colourCount);
  if (colour) {
    const ycc = rgbToYCbCr(colourSamples, n, max);
    const luma = job.upscaler.upscale([{ data: ycc.y, width, height }]);
    const cb = up(ycc.cb), cr = up(ycc.cr);
    const [y] = await luma;
    yCbCrToRgb({ y: y.data, cb, cr }, outColour, max);
  } else {
    // Greyscale: the values themselves are the luma (as `eval` scores greyscale images).
    const grey = Float32Array.from(colourSamples, (x) => x / max);
    const [y] = await job.upscaler.upscale([{ data: grey, width, height }]);
    outColour = outColour.map((_, i) => Math.min(max, Math.max(0, Math.round(y.data[i] * max))));
  }
  const outAlpha = alpha ? up(alpha) : null;
  const out = layout.deep ? new Uint16Array(on * ch) : new Uint8Array(on * ch);
  for (let i = 0; i < on; i++) {
    for (let k = 0; k < colourCount; k++) out[i * ch + k] = outColour[i * colourCount + k];
    if (outAlpha) out[i * ch + ch - 1] = Math.min(max, Math.max(0, Math.round(outAlpha[i] * max)));
  }
  await writeImage(job.tools, {
    data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength),
    width: ow,
    height: oh,
    pixFmt: layout.pixFmt,
    codec: toJpeg ? "mjpeg" : "png",
    path: job.outputFile,
    signal: job.signal,
  });
  return { width: ow, height: oh };
}
