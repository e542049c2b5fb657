/**
 * The pixel types every part of the code shares: a plane's integer samples as they sit in a
 * frame, a plane with its size (float for the network and the metrics), and an 8-bit image as
 * it is read from a file. Types only.
 */

/** One plane's integer codes, row-major and packed: Uint8Array for 8-bit, Uint16Array above. */
export type Samples = Uint8Array | Uint16Array;

/**
 * A single-channel plane with its size: `width · height` values, row after row. Float32 values
 * by default: nominally in [0, 1] for the network, in 0..255 units for the quality metrics.
 */
export interface Plane<T extends ArrayLike<number> = Float32Array> {
  /** `width · height` values, row after row. */
  data: T;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** An 8-bit image as decoded from a file: greyscale, or interleaved RGB. */
export interface Image8 {
  width: number;
  height: number;
  /** 1 for greyscale files, 3 for everything else (RGB, interleaved). */
  channels: 1 | 3;
  data: Uint8Array;
}
