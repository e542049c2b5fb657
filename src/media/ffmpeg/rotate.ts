/**
 * Writing a display rotation onto a finished file. ffmpeg (at least up to 5.x) drops the
 * rotation when it encodes, even when asked with `-metadata rotate=`; it only honours it when
 * copying streams. So the pipeline encodes unrotated and then stamps the rotation on with a
 * quick stream copy (no re-encoding: audio and video packets are untouched).
 */
import { ToolError } from "../../core/errors.ts";
import { COMMON_ARGS, normaliseRotation } from "./args.ts";
import type { FfmpegCapabilities } from "./capabilities.ts";
import { localName, STANDARD_STREAM } from "./input_name.ts";
import { MOV_MUXERS } from "./muxers.ts";
import { runTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** Muxers that can store a display matrix. */
const ROTATABLE_MUXERS: ReadonlySet<string> = MOV_MUXERS;

/**
 * Whether `output`, written by `muxer`, keeps a display rotation: the muxer stores a display
 * matrix, and the output is a file that it can be stamped on once finished (applyRotation).
 * Standard output is never finished where it can be reopened.
 */
export function keepsDisplayMatrix(muxer: string, output: string): boolean {
  return ROTATABLE_MUXERS.has(muxer) && output !== STANDARD_STREAM;
}

/** Clockwise quarter turns of the pixels, in degrees. */
export type PixelTurn = 0 | 90 | 180 | 270;

/**
 * How far to turn the pixels of a video with display rotation `rotation` (as probe.ts
 * reports it: counter-clockwise degrees) so that it plays upright: none where the output
 * keeps the rotation as a display matrix (`keepsMatrix`, see keepsDisplayMatrix), else
 * clockwise by as much as the matrix turns it, which is what ffmpeg's own autorotation does
 * when it re-encodes. Rotations that are not quarter turns round to the nearest.
 */
export function pixelTurn(keepsMatrix: boolean, rotation: number): PixelTurn {
  if (keepsMatrix) return 0;
  const quarter = Math.round(normaliseRotation(-rotation) / 90) % 4;
  return (quarter * 90) as PixelTurn;
}

/** The ffmpeg filters that turn pictures clockwise by `turn` (as ffmpeg's autorotation). */
export function turnFilters(turn: PixelTurn): string[] {
  switch (turn) {
    case 90:
      return ["transpose=clock"];
    case 180:
      return ["hflip", "vflip"];
    case 270:
      return ["transpose=cclock"];
    default:
      return [];
  }
}

/**
 * ffmpeg arguments that copy `input` to `output` with the display rotation set; `rotation` is
 * as probe.ts reports it (av_display_rotation_get). Both `-display_rotation` and the legacy
 * `rotate` tag (through ffmpeg's stream-copy override, which stores the matrix with the
 * tag negated, and get() negates back) take that same number.
 */
export function rotateArgs(
  input: string,
  output: string,
  muxer: string,
  rotation: number,
  caps: Pick<FfmpegCapabilities, "displayRotation">,
): string[] {
  const angle = normaliseRotation(rotation);
  return [
    ...COMMON_ARGS,
    "-y",
    ...(caps.displayRotation ? ["-display_rotation:v:0", String(angle)] : []),
    "-i",
    input,
    "-map",
    "0",
    "-c",
    "copy",
    "-map_metadata",
    "0",
    "-map_chapters",
    "0",
    ...(caps.displayRotation ? [] : ["-metadata:s:v:0", `rotate=${angle}`]),
    "-f",
    muxer,
    output,
  ];
}

/** Rewrites `file` in place with the rotation applied (via a sibling temporary file). */
export async function applyRotation(
  tools: FfmpegTools,
  caps: Pick<FfmpegCapabilities, "displayRotation">,
  file: string,
  muxer: string,
  rotation: number,
  signal?: AbortSignal,
): Promise<void> {
  const slash = file.lastIndexOf("/");
  const tmp = `${file.slice(0, slash + 1)}.rot-${file.slice(slash + 1)}`;
  try {
    const r = await runTool(
      tools.ffmpeg,
      rotateArgs(localName(file), localName(tmp), muxer, rotation, caps),
      { signal },
    );
    if (r.code !== 0) {
      throw new ToolError(`${file}: could not set the rotation (${stderrTail(r.stderr)})`);
    }
    await Deno.rename(tmp, file);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
