/** Small statistics for benchmark samples. */

/** The q-quantile (0..1) of samples, by linear interpolation. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return NaN;
  const s = [...samples].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** A distribution of timings (same unit as the samples). */
export interface Summary {
  /** The middle sample. */
  median: number;
  /** 10th percentile: the fast end of the spread. */
  p10: number;
  /** 90th percentile: the slow end of the spread. */
  p90: number;
  /** The fastest sample. */
  min: number;
  /** How many samples. */
  runs: number;
}

export function summarise(samples: readonly number[]): Summary {
  return {
    median: quantile(samples, 0.5),
    p10: quantile(samples, 0.1),
    p90: quantile(samples, 0.9),
    min: Math.min(...samples),
    runs: samples.length,
  };
}
