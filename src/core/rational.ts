/**
 * Exact ratios of integers, as containers and ffmpeg state time bases, frame rates and aspect
 * ratios: a frame rate such as 30000/1001 has no exact decimal form. Pure.
 */

/** A rational number, e.g. a time base or a frame rate. */
export interface Rational {
  num: number;
  den: number;
}

/** Greatest common divisor of two non-negative integers (gcd(a, 0) = a). */
export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * A frame rate in frames per second as a rational in lowest terms: exact for whole rates and
 * NTSC's x/1.001 rates (25 → 25/1, 30000/1001 → 30000/1001), else to a millionth of a frame
 * per second (29.97 → 2997/100).
 */
export function rateOf(fps: number): Rational {
  for (const den of [1, 1001, 1_000_000]) {
    const num = fps * den;
    if (Math.abs(num - Math.round(num)) < 1e-6) {
      const g = gcd(Math.round(num), den);
      return { num: Math.round(num) / g, den: den / g };
    }
  }
  return { num: Math.round(fps * 1_000_000), den: 1_000_000 };
}
