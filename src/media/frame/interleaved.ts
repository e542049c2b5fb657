/**
 * Interleaved pixels (RGB, RGBA, grey + alpha, as ffmpeg's packed formats hold them) taken
 * apart into channels and put back together. Pure; samples are copied as they are.
 */
import type { Samples } from "./pixels.ts";

function check(samples: Samples, channels: number, first: number, count: number): number {
  if (!Number.isInteger(channels) || channels < 1 || samples.length % channels !== 0) {
    throw new RangeError(`${samples.length} samples are not whole pixels of ${channels} channels`);
  }
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 1) {
    throw new RangeError(`channels ${first}..${first + count - 1} are not a channel range`);
  }
  if (first + count > channels) {
    throw new RangeError(`channels ${first}..${first + count - 1} of ${channels}`);
  }
  return samples.length / channels;
}

/**
 * Channels `first` … `first + count − 1` of every pixel, still interleaved, in a new array of
 * the same type: `pickChannels(rgba, 4, 0, 3)` is the RGB, `pickChannels(rgba, 4, 3)` the alpha
 * plane.
 */
export function pickChannels<S extends Samples>(
  samples: S,
  channels: number,
  first: number,
  count = 1,
): S {
  const pixels = check(samples, channels, first, count);
  const out = new (samples.constructor as { new (n: number): S })(pixels * count);
  for (let i = 0; i < pixels; i++) {
    for (let k = 0; k < count; k++) out[i * count + k] = samples[i * channels + first + k];
  }
  return out;
}

/**
 * Writes `src` (pixels of `count` interleaved channels) into channels `first` … `first + count
 * − 1` of every pixel of `dst` (`channels` per pixel); the inverse of {@link pickChannels}.
 */
export function putChannels(
  dst: Samples,
  channels: number,
  first: number,
  src: Samples,
  count = 1,
): void {
  const pixels = check(dst, channels, first, count);
  if (src.length !== pixels * count) {
    throw new RangeError(`${src.length} samples for ${pixels} pixels of ${count} channels`);
  }
  for (let i = 0; i < pixels; i++) {
    for (let k = 0; k < count; k++) dst[i * channels + first + k] = src[i * count + k];
  }
}
