/**
 * The HR frame every degradation of the suite (and of video training pairs) starts from: the
 * image cropped (top-left) to a multiple of 2 × scale, so that the LR frame is a whole 4:2:0
 * frame, as BT.601 studio-range YCbCr with MATLAB's `rgb2ycbcr` (the Y that is scored) and
 * 2×2-averaged chroma. Greyscale images are taken as grey RGB, so their Y is studio range like
 * a video's.
 */
import type { Yuv420Frame } from "../media/ffmpeg/degrade.ts";
import type { Image8, Plane } from "../media/frame/pixels.ts";
import { chromaPlanes, lumaPlane } from "./color.ts";

/** The suite's HR frame of an image; see the module comment. */
export function hrFrame(image: Image8, scale: number): Yuv420Frame {
  const step = 2 * scale;
  const width = image.width - (image.width % step);
  const height = image.height - (image.height % step);
  if (width === 0 || height === 0) {
    throw new RangeError(`a ${image.width}x${image.height} image is too small for x${scale}`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (y * image.width + x) * image.channels;
      for (let c = 0; c < 3; c++) {
        rgb[(y * width + x) * 3 + c] = image.data[src + (image.channels === 3 ? c : 0)];
      }
    }
  }
  const cropped: Image8 = { width, height, channels: 3, data: rgb };
  const yPlane = Uint8Array.from(lumaPlane(cropped).data);
  const { cb, cr } = chromaPlanes(cropped);
  const half = (p: Plane) => {
    const out = new Uint8Array((width / 2) * (height / 2));
    for (let y = 0; y < height / 2; y++) {
      for (let x = 0; x < width / 2; x++) {
        const i = 2 * y * width + 2 * x;
        const sum = p.data[i] + p.data[i + 1] + p.data[i + width] + p.data[i + width + 1];
        out[y * (width / 2) + x] = Math.min(255, Math.max(0, Math.round(sum / 4)));
      }
    }
    return out;
  };
  return { width, height, y: yPlane, u: half(cb), v: half(cr) };
}
