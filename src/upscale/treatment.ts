/**
 * What is done to a video's pictures besides the upscale, decided once from the source and the
 * output, the same way for a one-piece run and for each segment of a segmented one: whether
 * they are deinterlaced, whether they are turned upright, whether their alpha is kept, and the
 * one-line notices that say so (and name an alpha channel the output loses).
 */
import { alphaFate } from "../media/ffmpeg/alpha.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import {
  type DeinterlaceMode,
  describeInterlacing,
  detectInterlacing,
  type FieldParity,
} from "../media/ffmpeg/interlace.ts";
import { probeSizeChanges, type SizeChanges } from "../media/ffmpeg/keyframe_sizes.ts";
import { isStreamedInput, STANDARD_STREAM } from "../media/ffmpeg/input_name.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { keepsDisplayMatrix, type PixelTurn, pixelTurn } from "../media/ffmpeg/rotate.ts";
import { extensionOf } from "./kinds.ts";
import type { UpscaleNotice } from "./options.ts";
import { keepsAlpha } from "./still.ts";
import type { FrameSource } from "./video.ts";

/** How a video's pictures are treated (see the module comment). */
export interface PictureTreatment {
  /** Deinterlace before the network, with this parity, one picture per frame or per field. */
  deinterlace?: { parity: FieldParity; perField: boolean };
  /** Turn the pictures clockwise by this much (the output cannot store the rotation). */
  turn: PixelTurn;
  /**
   * The source's alpha is kept (absent: it has none, or the output cannot hold it), decoded
   * by `decoder` when ffmpeg's own would drop it (see ffmpeg/alpha.ts).
   */
  alpha?: { decoder?: string };
  /** One line each, for `onNotice`. */
  notices: UpscaleNotice[];
}

/**
 * Decides the treatment of a video or frame-sequence source written to `output` (a video or
 * a frame sequence). Interlacing is looked for in videos only (see detectInterlacing), unless
 * `deinterlace` is `off`. Alpha is kept where `encoder` (for a video output) or the frames'
 * format (PNG, not JPEG) can hold it, and where the pixel format asked for has it.
 */
export async function pictureTreatment(
  tools: FfmpegTools,
  o: {
    source: FrameSource;
    output: string;
    deinterlace?: DeinterlaceMode;
    /** The video encoder of a video output; absent for a frame-sequence output. */
    encoder?: string;
    /** The pixel format asked of the encoder, if any. */
    pixFmt?: string;
    signal?: AbortSignal;
  },
): Promise<PictureTreatment> {
  const src = o.source;
  const v = src.info.video!;
  const notices: UpscaleNotice[] = [];
  const mode = o.deinterlace ?? "frame";
  let deinterlace: PictureTreatment["deinterlace"];
  if (src.kind === "video") {
    const found = await detectInterlacing(tools, {
      input: src.input,
      inputOptions: src.inputOptions,
      fieldOrder: v.fieldOrder,
      stdin: src.streamed?.start,
    }, o.signal);
    if (found) {
      const what = `${o.output}: ${src.path} is ${describeInterlacing(found)}: `;
      if (mode === "off") {
        notices.push({
          kind: "deinterlaced",
          message: `${what}left interlaced (deinterlacing off)`,
        });
      } else {
        deinterlace = { parity: found.parity, perField: mode === "field" };
        notices.push({
          kind: "deinterlaced",
          message: what + `deinterlaced (bwdif), one picture per ${mode}` +
            (mode === "field" ? " (twice the frame rate)" : ""),
        });
      }
    }
  }
  const toStdout = o.output === STANDARD_STREAM;
  const muxer = VIDEO_MUXERS[extensionOf(o.output)] ?? "image2";
  const turn = src.kind === "video" && v.rotation !== 0
    ? pixelTurn(keepsDisplayMatrix(muxer, o.output), v.rotation)
    : 0;
  if (turn !== 0) {
    const container = toStdout
      ? "standard output"
      : muxer === "image2"
      ? "pictures"
      : `.${extensionOf(o.output)}`;
    notices.push({
      kind: "turned",
      message: `${o.output}: ${container} cannot store the display rotation of ${src.path}: ` +
        `its pictures are turned ${turn}° clockwise, so that it plays upright`,
    });
  }
  const fate = alphaFate(src.info, {
    encoder: o.encoder,
    jpeg: !keepsAlpha(o.output),
    pixFmt: o.pixFmt,
    decoders: (await capabilities(tools)).decoders,
  });
  let alpha: PictureTreatment["alpha"];
  if (fate?.keep) alpha = fate.decoder ? { decoder: fate.decoder } : {};
  else if (fate) {
    notices.push({
      kind: "dropped",
      message: `${o.output}: not kept: the alpha channel (transparency) of ${src.path}; ` +
        fate.why,
    });
  }
  return { deinterlace, turn, alpha, notices };
}

/**
 * The sizes a video's pictures take, from the first: `64x48, then 48x32 at 2.00 s, 64x48 at
 * 4.00 s`, times counted from the first keyframe, the changes past the ones kept counted.
 */
export function describeSizeChanges(
  first: { width: number; height: number },
  found: SizeChanges,
): string {
  const at = (t: number | null) => t === null ? "" : ` at ${(t - (found.start ?? 0)).toFixed(2)} s`;
  const listed = found.changes.map((c) => `${c.width}x${c.height}${at(c.seconds)}`);
  const more = found.count - found.changes.length;
  return `${first.width}x${first.height}, then ${listed.join(", ")}` +
    (more > 0 ? `, and ${more} more change${more === 1 ? "" : "s"}` : "");
}

/**
 * The notice for a video whose picture size changes midway (every frame is scaled to the first
 * size, see decodeArgs' `size`), found before any frame is upscaled from the keyframes of a
 * file (see probeSizeChanges). Told once per run: a segmented run looks at planning time,
 * its segments never. Nothing is looked for in a stream (read once) or a frame sequence.
 */
export async function sizeChangeNotice(
  tools: FfmpegTools,
  o: { source: FrameSource; output: string; signal?: AbortSignal },
): Promise<UpscaleNotice | undefined> {
  const src = o.source;
  const v = src.info.video;
  if (src.kind !== "video" || src.streamed || isStreamedInput(src.path) || !v) return undefined;
  const first = { width: v.width, height: v.height };
  const found = await probeSizeChanges(tools, src.path, v.index, first, o.signal);
  if (!found || found.count === 0) return undefined;
  return {
    kind: "resized",
    message: `${o.output}: the picture size of ${src.path} changes ` +
      `(${describeSizeChanges(first, found)}): ` +
      "every frame is scaled to the first size before upscaling",
  };
}
