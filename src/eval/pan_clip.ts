/**
 * Short clips that pan over a still image, so that stills can stand for video: a codec codes
 * most frames of a video from their neighbours (P and B frames), with artefacts of their own
 * (smeared detail, drifting edges) that a picture coded alone never shows. Each frame is the
 * same-size window of the image, moved by a whole number of HR pixels per frame; at ×2 an odd
 * step is a half-pixel step of the LR video, as a camera pans.
 */
import type { Yuv420Frame } from "../media/ffmpeg/degrade.ts";
import type { Image8 } from "../media/frame/pixels.ts";
import { hrFrame } from "./hr_frame.ts";

/** A pan: HR pixels per frame, right and down (negative: left and up). */
export interface PanMotion {
  dx: number;
  dy: number;
}

/** The pans that training pairs cycle through: slow and fast, every direction, and a still one. */
export const PAN_MOTIONS: readonly PanMotion[] = [
  { dx: 1, dy: 0 },
  { dx: 0, dy: -1 },
  { dx: 2, dy: 1 },
  { dx: -1, dy: 2 },
  { dx: 3, dy: -1 },
  { dx: 0, dy: 0 },
  { dx: -2, dy: -3 },
  { dx: 1, dy: 1 },
];

/** Frames of a pan clip: enough for x264 to code the later ones from the earlier ones. */
export const PAN_FRAMES = 6;

/**
 * The windows of a pan over a `width`×`height` image: their size (the image less the travel)
 * and each frame's top-left corner, so that every window lies inside the image. Null when the
 * travel leaves no room.
 */
export function panWindows(
  width: number,
  height: number,
  motion: PanMotion,
  frames: number,
): { width: number; height: number; corners: { x: number; y: number }[] } | null {
  const travelX = Math.abs(motion.dx) * (frames - 1), travelY = Math.abs(motion.dy) * (frames - 1);
  const w = width - travelX, h = height - travelY;
  if (w <= 0 || h <= 0) return null;
  // Start at the side the pan moves away from.
  const x0 = motion.dx < 0 ? travelX : 0, y0 = motion.dy < 0 ? travelY : 0;
  const corners = Array.from({ length: frames }, (_, t) => ({
    x: x0 + motion.dx * t,
    y: y0 + motion.dy * t,
  }));
  return { width: w, height: h, corners };
}

/** The window of `image` at (x, y), `width`×`height`. */
function crop(image: Image8, x: number, y: number, width: number, height: number): Image8 {
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * c;
    data.set(image.data.subarray(from, from + width * c), row * width * c);
  }
  return { width, height, channels: image.channels, data };
}

/**
 * The HR frames of a pan over `image` (each as the suite's {@link hrFrame} of its window), or
 * null when the image is too small for the pan at this scale.
 */
export function panClip(
  image: Image8,
  scale: number,
  motion: PanMotion,
  frames = PAN_FRAMES,
): Yuv420Frame[] | null {
  const windows = panWindows(image.width, image.height, motion, frames);
  if (!windows || windows.width < 2 * scale || windows.height < 2 * scale) return null;
  return windows.corners.map(({ x, y }) =>
    hrFrame(crop(image, x, y, windows.width, windows.height), scale)
  );
}
