/**
 * Still images: decoded to RGB (or grey) by ffmpeg, converted to Y'CbCr in floating point,
 * luma through FSRCNN, chroma (and alpha) bicubic, back to RGB and encoded as PNG or JPEG.
 * 16-bit sources stay 16-bit when written as PNG.
 */
import { pixFmtHasAlpha, sourceBitDepth } from "../media/frame/format.ts";
import { pickChannels, putChannels } from "../media/frame/interleaved.ts";
import type { Samples } from "../media/frame/pixels.ts";
import { floatToPlane, planeToFloat } from "../media/frame/planes.ts";
import { fullToStudio, studioToFull } from "../media/frame/luma_range.ts";
import { upsamplePlaneFloat } from "../media/frame/resample.ts";
import { rgbToYCbCr, yCbCrToRgb } from "../media/frame/ycbcr.ts";
import { readImageRaw, startImageWriter } from "../media/ffmpeg/image.ts";
import { type MediaInfo, probe } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import type { TiledUpscaler } from "../net/tiling/tiled.ts";
import { extensionOf } from "./kinds.ts";
import { ProgressMeter, type UpscaleProgress } from "./progress.ts";
import { frameName } from "./sequence.ts";

/** How a still is held in memory: channels and bytes per sample. */
interface StillLayout {
  channels: 1 | 2 | 3 | 4;
  deep: boolean;
  pixFmt: string;
}

/** Whether an image output can hold an alpha channel: PNG can, JPEG cannot. */
export function keepsAlpha(output: string): boolean {
  return !["jpg", "jpeg"].includes(extensionOf(output));
}

function layoutOf(pixFmt: string, toJpeg: boolean): StillLayout {
  const grey = /^(gray|ya|monow|monob)/.test(pixFmt);
  // Palette images may carry transparency too; ffmpeg expands them to RGBA.
  const alpha = !toJpeg && (pixFmtHasAlpha(pixFmt) || pixFmt === "pal8");
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

/**
 * LR pixels per band. Measured on a 4000x3000 PNG ×2 (onnx, 2 cores): peak RSS 2.07 GB and
 * 100 s whole; in bands of 2^20 pixels 1.24 GB, 2^18 0.80 GB in 36 s, 2^16 0.47 GB but 63 s
 * (the context rows, computed twice, outweigh the band).
 */
const BAND_PIXELS = 1 << 18;

/**
 * Upscales one still image; returns the output size. The decoded input is held whole (its
 * samples as decoded); everything else is made and written a band of rows at a time, each
 * band computed with enough rows of context above and below (the network's receptive field,
 * the bicubic taps) that its pixels equal those of the whole picture done at once.
 */
export async function upscaleStill(job: StillJob): Promise<{ width: number; height: number }> {
  const v = job.info.video!;
  const toJpeg = !keepsAlpha(job.outputName);
  const layout = layoutOf(v.pixFmt, toJpeg);
  const { width, height } = v;
  const bytesPerSample = layout.deep ? 2 : 1;
  const raw = await readImageRaw(
    job.tools,
    job.input,
    layout.pixFmt,
    width * height * layout.channels * bytesPerSample,
    job.signal,
  );
  const samples = layout.deep
    ? new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
    : raw;
  const s = job.upscaler.engine.config.scale;
  const ch = layout.channels;
  const ow = width * s, oh = height * s;
  const writer = startImageWriter(job.tools, {
    width: ow,
    height: oh,
    pixFmt: layout.pixFmt,
    codec: toJpeg ? "mjpeg" : "png",
    path: job.outputFile,
    signal: job.signal,
  });
  try {
    // Bicubic reads 2 rows each side; the network, its receptive-field radius.
    const margin = Math.max(job.upscaler.context, 3);
    // At least 8 margins high, so that the rows computed twice cost at most a quarter more.
    const rows = Math.max(8 * margin, Math.ceil(BAND_PIXELS / width));
    for (let r0 = 0; r0 < height; r0 += rows) {
      job.signal?.throwIfAborted();
      const r1 = Math.min(height, r0 + rows);
      const e0 = Math.max(0, r0 - margin), e1 = Math.min(height, r1 + margin);
      const band = samples.subarray(e0 * width * ch, e1 * width * ch);
      const out = await upscaleBand(job.upscaler, layout, band, width, e1 - e0);
      const kept = out.subarray((r0 - e0) * s * ow * ch, (r1 - e0) * s * ow * ch);
      await writer.write(new Uint8Array(kept.buffer, kept.byteOffset, kept.byteLength));
    }
    await writer.finish();
  } catch (e) {
    writer.kill();
    throw e;
  }
  return { width: ow, height: oh };
}

/**
 * Upscales interleaved samples of `width` x `height` pixels: Y'CbCr in floating point, luma
 * through the network, chroma (and alpha) bicubic, back to interleaved samples.
 */
async function upscaleBand(
  upscaler: TiledUpscaler,
  layout: StillLayout,
  samples: Samples,
  width: number,
  height: number,
): Promise<Samples> {
  const n = width * height;
  // Samples are 8 or 16 bits wide, full scale: codes ↔ [0, 1] as for a frame's planes.
  const bits = layout.deep ? 16 : 8;
  const ch = layout.channels;
  const colour = ch >= 3;
  const colourCount = colour ? 3 : 1;
  const hasAlpha = ch === 2 || ch === 4;
  const colourSamples = pickChannels(samples, ch, 0, colourCount);
  const alpha = hasAlpha ? planeToFloat(pickChannels(samples, ch, ch - 1), bits) : null;
  const s = upscaler.engine.config.scale;
  const ow = width * s, oh = height * s, on = ow * oh;
  const up = (p: Float32Array) =>
    upsamplePlaneFloat(p, width, height, { scale: s, siting: "center" });
  let outColour: Samples;
  if (colour) {
    const max = 2 ** bits - 1;
    const ycc = rgbToYCbCr(colourSamples, n, max);
    const luma = upscaler.upscale([{ data: ycc.y, width, height }]);
    const cb = up(ycc.cb), cr = up(ycc.cr);
    const [y] = await luma;
    outColour = layout.deep ? new Uint16Array(on * colourCount) : new Uint8Array(on * colourCount);
    yCbCrToRgb({ y: y.data, cb, cr }, outColour, max);
  } else {
    // Greyscale: full-range values, through the network as the studio-range luma a grey RGB
    // picture has (black 16, white 235), and back.
    const grey = fullToStudio(planeToFloat(colourSamples, bits), bits);
    const [y] = await upscaler.upscale([{ data: grey, width, height }]);
    outColour = floatToPlane(studioToFull(y.data, bits), bits);
  }
  const out = layout.deep ? new Uint16Array(on * ch) : new Uint8Array(on * ch);
  putChannels(out, ch, 0, outColour, colourCount);
  if (alpha) putChannels(out, ch, ch - 1, floatToPlane(up(alpha), bits));
  return out;
}

export interface PicturesJob {
  tools: FfmpegTools;
  upscaler: TiledUpscaler;
  /** The pictures, in order. */
  files: string[];
  /** The folder to write into, and the file-name pattern of its frames (numbered from 1). */
  folder: string;
  pattern: string;
  signal?: AbortSignal;
  onProgress?: (p: UpscaleProgress) => void;
}

/**
 * Upscales pictures of different sizes one by one, each at its own size, into numbered image
 * files (a frame sequence holds one size only). Returns the size of the first.
 */
export async function upscalePictures(
  job: PicturesJob,
): Promise<{ frames: number; width: number; height: number }> {
  const meter = new ProgressMeter(job.files.length, job.onProgress);
  let first: { width: number; height: number } | undefined;
  for (const [i, input] of job.files.entries()) {
    const info = await probe(job.tools, input, { signal: job.signal });
    const name = frameName(job.pattern, i + 1);
    const size = await upscaleStill({
      tools: job.tools,
      upscaler: job.upscaler,
      input,
      info,
      outputFile: `${job.folder}/${name}`,
      outputName: name,
      signal: job.signal,
    });
    first ??= size;
    meter.add();
  }
  job.onProgress?.(meter.snapshot());
  return { frames: job.files.length, ...first! };
}
