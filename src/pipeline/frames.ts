/**
 * The frame stage of the pipeline: raw YUV 4:2:0 frames in, frames `scale`× larger out. Luma
 * goes through FSRCNN in batches (several frames per engine call); chroma is upsampled
 * bicubically, sited as the source says, while the engine works on the luma.
 */
import { type FrameLayout, frameLayout, type PixelFormat } from "../frame/format.ts";
import { floatToPlane, joinFrame, planeToFloat, splitFrame } from "../frame/planes.ts";
import { type ChromaSiting, upsamplePlane } from "../frame/resample.ts";
import type { Plane as FloatPlane, TiledUpscaler } from "../model/tiled.ts";

/** One raw frame and its presentation timestamp (in the stream's time base). */
export interface VideoFrame {
  pts: number;
  data: Uint8Array;
}

export interface FrameStageOptions {
  upscaler: TiledUpscaler;
  format: PixelFormat;
  width: number;
  height: number;
  /** Frames per engine call (more use the GPU better; each costs memory). */
  batch: number;
  siting: ChromaSiting;
}

/** Upscales a batch of frames of one size; returns the new frames in order. */
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
  const lumas: FloatPlane[] = planes.map((p) => ({
    data: planeToFloat(p.y, depth),
    width: o.width,
    height: o.height,
  }));
  const luma = o.upscaler.upscale(lumas);
  // Chroma on this thread while the engine (native threads or GPU) runs the luma.
  const chroma = planes.map((p) => {
    const opts = {
      scale,
      dstWidth: outLayout.u.width,
      dstHeight: outLayout.u.height,
      siting: o.siting,
      bitDepth: depth,
    };
    return {
      u: upsamplePlane(p.u, inLayout.u.width, inLayout.u.height, opts),
      v: upsamplePlane(p.v, inLayout.v.width, inLayout.v.height, opts),
    };
  });
  const ys = await luma;
  return frames.map((f, i) => ({
    pts: f.pts,
    data: joinFrame(
      { y: floatToPlane(ys[i].data, depth) as Plane, u: chroma[i].u, v: chroma[i].v },
      outLayout,
    ),
  }));
}

type Plane = Uint8Array | Uint16Array;

/**
 * A TransformStream that upscales frames in batches of `batch`. Its queues hold one item
 * each way, so a slow engine slows the decoder instead of filling memory.
 */
export function frameStage(o: FrameStageOptions): TransformStream<VideoFrame, VideoFrame> {
  const scale = o.upscaler.engine.config.scale;
  const inLayout = frameLayout(o.format, o.width, o.height);
  const outLayout = frameLayout(o.format, o.width * scale, o.height * scale);
  let pending: VideoFrame[] = [];
  const flush = async (controller: TransformStreamDefaultController<VideoFrame>) => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    for (const f of await upscaleFrames(batch, o, inLayout, outLayout)) controller.enqueue(f);
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
        if (pending.length >= o.batch) await flush(controller);
      },
      flush,
    },
    { highWaterMark: 1 },
    { highWaterMark: 1 },
  );
}
