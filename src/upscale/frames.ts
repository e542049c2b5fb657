/**
 * The frame stage of the pipeline: raw planar Y′CbCr frames (4:2:0, 4:2:2 or 4:4:4, with or
 * without alpha) in, frames `scale`× larger out. Luma goes through FSRCNN in batches (several
 * frames per engine call); chroma is upsampled bicubically, sited as the source says, and alpha
 * bicubically at full resolution (it is coverage, not picture: the network never sees it),
 * while the engine works on the luma.
 */
import { type FrameLayout, frameLayout, type PixelFormat } from "../media/frame/format.ts";
import type { Plane } from "../media/frame/pixels.ts";
import { floatToPlane, joinFrame, planeToFloat, splitFrame } from "../media/frame/planes.ts";
import { fullToStudio, studioToFull } from "../media/frame/luma_range.ts";
import { type ChromaSiting, planeSiting, upsamplePlane } from "../media/frame/resample.ts";
import type { TiledUpscaler } from "../net/tiling/tiled.ts";

/** One raw frame and its presentation timestamp (in the stream's time base). */
export interface VideoFrame {
  /** Presentation timestamp in the stream's time base; passed through unchanged. */
  pts: number;
  /**
   * The frame's bytes as ffmpeg's rawvideo writes them: planar Y′CbCr (Y, then U, then V, then
   * alpha in formats with alpha, rows packed) in one of the working formats (see frame/format.ts), one byte per sample for 8-bit
   * or little-endian 16-bit words for 10-bit.
   */
  data: Uint8Array;
}

/** What {@link frameStage} and {@link upscaleFrames} need to know about the frames. */
export interface FrameStageOptions {
  /** Runs the network on the luma planes; its engine's scale is the scale of the output. */
  upscaler: TiledUpscaler;
  /** Pixel format of the input frames, and of the output frames. */
  format: PixelFormat;
  /** Input frame width in pixels (luma). */
  width: number;
  /** Input frame height in pixels (luma). */
  height: number;
  /** Frames per engine call (more use the GPU better; each costs memory). */
  batch: number;
  /**
   * Where the source's chroma samples sit on its subsampled axes (ffmpeg's `chroma_location`);
   * kept in the output. Axes at full chroma resolution are co-sited with luma whatever this is.
   */
  siting: ChromaSiting;
  /**
   * The frames are full-range Y′CbCr (`yuvj…` or tagged `pc`): their luma goes through the
   * network in the studio range it was trained on and comes back (src/media/frame/luma_range.ts).
   * Default false: limited range, as most video.
   */
  fullRange?: boolean;
  /**
   * Batches in progress at once in {@link frameStage} (default 2): the next batch is prepared
   * while the engine runs the current one. 1 processes strictly one batch at a time.
   */
  inFlight?: number;
}

/**
 * Upscales a batch of frames of one size; returns the new frames in order, `scale`× wider and
 * taller, with the same timestamps and pixel format. Luma goes through the network, chroma (and
 * alpha) is upsampled bicubically meanwhile. `o.batch` is not used here: all of `frames` go to the
 * upscaler together.
 *
 * @param frames Frames of `o.width`×`o.height` in `o.format`.
 * @param o The frames' format and size, and the upscaler.
 * @param inLayout Byte layout of the input frames; computed from `o` when omitted.
 * @param outLayout Byte layout of the output frames; computed from `o` when omitted.
 * @returns One upscaled frame per input frame.
 * @throws {RangeError} A frame's byte length does not match the layout, or the size is invalid.
 *
 * @example Upscale one mid-grey 8-bit frame ×2
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEngine, loadWeights, TiledUpscaler } from "@fsrcnn/deno/engine";
 * import { upscaleFrames } from "@fsrcnn/deno";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * const grey = { pts: 0, data: new Uint8Array(64 * 48 * 1.5).fill(128) };
 * const [frame] = await upscaleFrames([grey], {
 *   upscaler: new TiledUpscaler(engine),
 *   format: {
 *     name: "yuv420p",
 *     bitDepth: 8,
 *     bytesPerSample: 1,
 *     maxValue: 255,
 *     chromaShiftX: 1,
 *     chromaShiftY: 1,
 *     alpha: false,
 *   },
 *   width: 64,
 *   height: 48,
 *   batch: 1,
 *   siting: "left",
 * });
 * assert.equal(frame.data.length, 128 * 96 * 1.5);
 * engine.dispose();
 * ```
 */
export async function upscaleFrames(
  frames: VideoFrame[],
  o: FrameStageOptions,
  inLayout: FrameLayout = frameLayout(o.format, o.width, o.height),
  outLayout: FrameLayout = frameLayout(
    o.format,
    o.width * o.upscaler.engine.config.scale,
    o.height * o.upscaler.engine.config.scale,
  ),
): Promise<VideoFrame[]> {
  const scale = o.upscaler.engine.config.scale;
  const depth = o.format.bitDepth;
  const planes = frames.map((f) => splitFrame(f.data, inLayout));
  const lumas: Plane[] = planes.map((p) => {
    const data = planeToFloat(p.y, depth);
    return {
      data: o.fullRange ? fullToStudio(data, depth) : data,
      width: o.width,
      height: o.height,
    };
  });
  const luma = o.upscaler.upscale(lumas);
  // Chroma on this thread while the engine (native threads or GPU) runs the luma, each plane
  // at its own resolution (4:2:0, 4:2:2 or 4:4:4).
  const siting = planeSiting(o.siting, o.format.chromaShiftX, o.format.chromaShiftY);
  const chroma = planes.map((p) => {
    const opts = {
      scale,
      dstWidth: outLayout.u.width,
      dstHeight: outLayout.u.height,
      siting,
      bitDepth: depth,
    };
    return {
      u: upsamplePlane(p.u, inLayout.u.width, inLayout.u.height, opts),
      v: upsamplePlane(p.v, inLayout.v.width, inLayout.v.height, opts),
      // Alpha samples sit where luma samples do: centred in their pixels, like a chroma plane
      // at full resolution.
      a: p.a && upsamplePlane(p.a, o.width, o.height, {
        ...opts,
        dstWidth: outLayout.width,
        dstHeight: outLayout.height,
        siting: planeSiting(o.siting, 0, 0),
      }),
    };
  });
  const ys = await luma;
  return frames.map((f, i) => ({
    pts: f.pts,
    data: joinFrame(
      {
        y: floatToPlane(o.fullRange ? studioToFull(ys[i].data, depth) : ys[i].data, depth),
        u: chroma[i].u,
        v: chroma[i].v,
        a: chroma[i].a,
      },
      outLayout,
    ),
  }));
}

/**
 * A TransformStream that upscales frames in batches of `batch` (see {@link upscaleFrames}); the
 * last batch may be shorter. Its queues hold one item each way, so a slow engine slows the
 * decoder instead of filling memory. The stage keeps a reference to each frame's bytes until its
 * batch has run, so the writer must not reuse a frame's buffer.
 *
 * @param o The frames' format and size, the upscaler and the batch size.
 * @returns A stream from input frames to upscaled frames, in order.
 * @throws {RangeError} (erroring the stream) A frame's byte length does not match `o`.
 *
 * @example Upscale a stream of raw frames
 * ```ts
 * import { createEngine, loadWeights, TiledUpscaler } from "@fsrcnn/deno/engine";
 * import { frameStage, type VideoFrame } from "@fsrcnn/deno";
 * const engine = await createEngine(await loadWeights("models/fsrcnn_x2.safetensors"));
 * const [width, height] = [640, 360];
 * const frames = ReadableStream.from<VideoFrame>(
 *   [0, 1, 2].map((pts) => ({ pts, data: new Uint8Array(width * height * 1.5).fill(128) })),
 * );
 * const stage = frameStage({
 *   upscaler: new TiledUpscaler(engine),
 *   format: {
 *     name: "yuv420p",
 *     bitDepth: 8,
 *     bytesPerSample: 1,
 *     maxValue: 255,
 *     chromaShiftX: 1,
 *     chromaShiftY: 1,
 *     alpha: false,
 *   },
 *   width,
 *   height,
 *   batch: 4,
 *   siting: "left",
 * });
 * for await (const frame of frames.pipeThrough(stage)) console.log(frame.pts, frame.data.length);
 * engine.dispose();
 * ```
 */
export function frameStage(o: FrameStageOptions): TransformStream<VideoFrame, VideoFrame> {
  const scale = o.upscaler.engine.config.scale;
  const inLayout = frameLayout(o.format, o.width, o.height);
  const outLayout = frameLayout(o.format, o.width * scale, o.height * scale);
  const depth = Math.max(1, o.inFlight ?? 2);
  let pending: VideoFrame[] = [];
  // Batches started but not yet passed on, oldest first: while the engine works on one, this
  // thread prepares the next (float conversion, upload) and finishes the last (chroma, join).
  const inFlight: Promise<VideoFrame[]>[] = [];
  const launch = () => {
    if (pending.length === 0) return;
    const batch = upscaleFrames(pending, o, inLayout, outLayout);
    batch.catch(() => {}); // reported when awaited below, in order
    inFlight.push(batch);
    pending = [];
  };
  const drain = async (controller: TransformStreamDefaultController<VideoFrame>, keep: number) => {
    while (inFlight.length > keep) {
      for (const f of await inFlight.shift()!) controller.enqueue(f);
    }
  };
  const flush = async (controller: TransformStreamDefaultController<VideoFrame>) => {
    launch();
    await drain(controller, 0);
  };
  return new TransformStream<VideoFrame, VideoFrame>(
    {
      async transform(frame, controller) {
        if (frame.data.length !== inLayout.frameBytes) {
          throw new RangeError(
            `frame of ${frame.data.length} bytes, expected ${inLayout.frameBytes}`,
          );
        }
        // Each frame from the demuxer owns its bytes, so holding it until the batch runs is safe.
        pending.push({ pts: frame.pts, data: frame.data });
        if (pending.length >= o.batch) {
          launch();
          await drain(controller, depth - 1);
        }
      },
      flush,
    },
    { highWaterMark: 1 },
    { highWaterMark: 1 },
  );
}
