/**
 * The settings a plan fixes (see PixelSettings): the encoder, the weights asked for, the
 * segment length.
 */
import { OptionError } from "../core/errors.ts";
import { checkEncoderArgs } from "../media/ffmpeg/args.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { shippedWeightsFile } from "../net/weights/shipped.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { extensionOf } from "../upscale/kinds.ts";
import { encoderSettings } from "../media/ffmpeg/encoder_settings.ts";
import { resolveWeights, type RunWeights, shippedChoiceOf } from "../upscale/engine.ts";
import { checkScale } from "../net/arch.ts";
import type { UpscaleOptions } from "../upscale/options.ts";
import { planStreams } from "../media/ffmpeg/stream_plan.ts";
import { encoderRecord, type PixelSettings, weightsDigest } from "./manifest.ts";

/** Segment length when none is asked for: long enough that cutting costs little. */
export const DEFAULT_SEGMENT_SECONDS = 120;

/** The settings of {@link UpscaleOptions} that a plan fixes. */
export type PlanSettingsOptions = Pick<
  UpscaleOptions,
  | "scale"
  | "weights"
  | "backend"
  | "tile"
  | "batch"
  | "codec"
  | "crf"
  | "preset"
  | "pixFmt"
  | "encoderArgs"
  | "segmentSeconds"
  | "deinterlace"
>;

/**
 * The video encoder a plan records: the one asked for, else the usual one of the container
 * of `output` that this ffmpeg has (one that holds alpha for a source with `alpha`), as a
 * one-piece run picks it.
 */
export async function planVideoEncoder(
  tools: FfmpegTools,
  output: string,
  codec?: string,
  alpha = false,
): Promise<string> {
  return codec ?? planStreams({
    output,
    muxer: VIDEO_MUXERS[extensionOf(output)],
    alpha,
    encoders: (await capabilities(tools)).encoders,
    ffmpeg: tools.ffmpeg,
  }).videoEncoder;
}

/**
 * The weights asked for, as a plan records them (see PixelSettings.weights): a shipped
 * choice's name, or the digest of the weights given; and the scale they fix. Weights given
 * are loaded once, by `load`, and come back as `given` for the plan's videos to run.
 *
 * @throws {WeightsError} Given weights that cannot be loaded, or are for another scale.
 * @throws {UsageError} Weights given as data for another scale, an unsupported scale, or
 *   (an OptionError) shipped weights named for a scale they are not shipped for.
 */
export async function weightsRequest(
  o: Pick<PlanSettingsOptions, "scale" | "weights">,
  load: () => Promise<RunWeights> = () => resolveWeights(o),
): Promise<{ key: string; scale: number; given?: RunWeights }> {
  const shipped = shippedChoiceOf(o.weights);
  if (shipped !== null) {
    const scale = checkScale(o.scale ?? 2);
    if (shipped !== "auto") await shippedWeightsFile(shipped, scale);
    return { key: shipped, scale };
  }
  const given = await load();
  return { key: await weightsDigest(given.weights), scale: given.weights.config.scale, given };
}

/**
 * The pixel-changing settings of a run, resolved (defaults filled in; `codec` as
 * planVideoEncoder gives it).
 *
 * @throws {OptionError} `segmentSeconds` is negative or not a number, or `encoderArgs` holds a
 *   word that is not an option or its value, or an option that names files (see
 *   checkEncoderArgs).
 */
export function pixelSettings(
  o: PlanSettingsOptions,
  weights: { key: string; scale: number },
): PixelSettings {
  const seconds = o.segmentSeconds ?? DEFAULT_SEGMENT_SECONDS;
  if (!(seconds >= 0) || !Number.isFinite(seconds)) {
    throw new OptionError("segmentSeconds", `must be 0 or more (got ${o.segmentSeconds})`);
  }
  checkEncoderArgs(o.encoderArgs ?? []);
  return {
    scale: weights.scale,
    weights: weights.key,
    ...encoderRecord(encoderSettings(o)),
    segmentSeconds: seconds,
    deinterlace: o.deinterlace ?? "frame",
  };
}
