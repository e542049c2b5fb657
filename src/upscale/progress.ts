/** Progress of a running upscale, reported through a callback (the CLI draws it). */
export interface UpscaleProgress {
  /** Frames upscaled so far. */
  frames: number;
  /** Expected frame count, when the input says. */
  total?: number;
  /** Seconds since the frames started flowing. */
  seconds: number;
  /** Mean frames per second so far (`frames / seconds`; 0 at the start). */
  fps: number;
  /** Estimated seconds left, when `total` is known. */
  eta?: number;
  /** Segmented runs: frames that earlier runs had finished (counted in `frames`, not `fps`). */
  resumed?: number;
  /** Segmented runs: segments finished (earlier runs' included), and in all. */
  segments?: { done: number; total: number };
}

/** Counts frames and reports at most every `intervalMs`, plus once at the end. */
export class ProgressMeter {
  readonly #started = performance.now();
  #last = -Infinity;
  frames = 0;

  constructor(
    readonly total: number | undefined,
    readonly onProgress: ((p: UpscaleProgress) => void) | undefined,
    readonly intervalMs = 250,
  ) {}

  get seconds(): number {
    return (performance.now() - this.#started) / 1000;
  }

  snapshot(): UpscaleProgress {
    const seconds = this.seconds;
    const fps = seconds > 0 ? this.frames / seconds : 0;
    const eta = this.total !== undefined && fps > 0
      ? Math.max(0, (this.total - this.frames) / fps)
      : undefined;
    return { frames: this.frames, total: this.total, seconds, fps, eta };
  }

  add(n = 1): void {
    this.frames += n;
    const now = performance.now();
    if (this.onProgress && now - this.#last >= this.intervalMs) {
      this.#last = now;
      this.onProgress(this.snapshot());
    }
  }

  /** A pass-through stream that counts what flows by. */
  counter<T>(): TransformStream<T, T> {
    return new TransformStream<T, T>({
      transform: (item, controller) => {
        this.add();
        controller.enqueue(item);
      },
    });
  }
}
