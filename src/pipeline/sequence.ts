/**
 * Numbered frame files as ffmpeg's image2 muxer and demuxer name them: printf-style patterns
 * such as `frames/%06d.png`, and finding where an input pattern's frames start and end.
 */
import { InputError } from "../errors.ts";

/** The file name a printf-style pattern gives frame `n` (`%06d` → `000001`). */
export function frameName(pattern: string, n: number): string {
  return pattern.replace(/%(0?)(\d*)d/, (_, zero: string, width: string) => {
    const w = Number(width || 0);
    return zero ? String(n).padStart(w, "0") : String(n).padStart(w, " ");
  });
}

/** The path of frame `n` of a pattern whose file name (not its folders) holds the number. */
function patternPath(pattern: string, n: number): string {
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
