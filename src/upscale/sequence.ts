/**
 * Numbered frame files as ffmpeg's image2 muxer and demuxer name them: printf-style patterns
 * such as `frames/%06d.png`, and finding where an input pattern's frames start and end.
 */
import { InputError } from "../core/errors.ts";

/**
 * The file name a printf-style pattern gives frame `n` (`%06d` → `000001`). ffmpeg pads with
 * zeros whatever the flags say: `%6d` and `%006d` name the same files as `%06d`.
 */
export function frameName(pattern: string, n: number): string {
  return pattern.replace(/%(\d*)d/, (_, width: string) => String(n).padStart(Number(width), "0"));
}

/** A frame file-name pattern in parts: `f_%04d.png` is `f_`, 4 digits at least, `.png`. */
export interface NamePattern {
  prefix: string;
  width: number;
  suffix: string;
}

/** The parts of a frame file-name pattern (a name without folders), or null for a plain name. */
export function parseNamePattern(name: string): NamePattern | null {
  const m = /%(\d*)d/.exec(name);
  if (!m) return null;
  return {
    prefix: name.slice(0, m.index),
    width: Number(m[1]),
    suffix: name.slice(m.index + m[0].length),
  };
}

/** Whether ffmpeg names some frame number (0 or more) `name` with this pattern. */
export function matchesNamePattern(name: string, p: NamePattern): boolean {
  if (!name.startsWith(p.prefix) || !name.endsWith(p.suffix)) return false;
  const digits = name.slice(p.prefix.length, name.length - p.suffix.length);
  if (!/^\d+$/.test(digits)) return false;
  // Exactly `width` digits (leading zeros allowed), or more without a leading zero.
  const least = Math.max(p.width, 1);
  return digits.length === least || (digits.length > least && digits[0] !== "0");
}

/** The path of frame `n` of a pattern whose file name (not its folders) holds the number. */
export function patternPath(pattern: string, n: number): string {
  const slash = pattern.lastIndexOf("/");
  return pattern.slice(0, slash + 1) + frameName(pattern.slice(slash + 1), n);
}

/** Where a pattern's frames are: the first file, its number, and how many follow without a gap. */
export interface PatternFrames {
  path: string;
  start: number;
  count: number;
}

/**
 * The first frame file of an image2 pattern and how many follow it without a gap; the first
 * number may be 0 to 4, as ffmpeg's image2 demuxer tries.
 *
 * @throws {InputError} No frame file matches.
 */
export async function firstOfPattern(pattern: string): Promise<PatternFrames> {
  for (let start = 0; start <= 4; start++) {
    const first = patternPath(pattern, start);
    try {
      await Deno.stat(first);
    } catch {
      continue;
    }
    let count = 1;
    for (;; count++) {
      try {
        await Deno.stat(patternPath(pattern, start + count));
      } catch {
        break;
      }
    }
    return { path: first, start, count };
  }
  throw new InputError(pattern, "no frames match this pattern (numbers starting at 0 to 4)");
}
