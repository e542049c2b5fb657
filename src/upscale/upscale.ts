/**
 * Upscaling a video, a frame sequence or a still image into a video, a frame sequence or an
 * image, safely (see output.ts) and with progress; `src/jobs/upscale_file.ts` adds work folders.
 */
import { CancelledError, OptionError, UsageError } from "../core/errors.ts";
import { alphaBesidePicture, sourceHasAlpha } from "../media/ffmpeg/alpha.ts";
import { checkEncoderArgs } from "../media/ffmpeg/args.ts";
import { capabilities } from "../media/ffmpeg/capabilities.ts";
import { encoderSettings } from "../media/ffmpeg/encoder_settings.ts";
import { isStreamedInput, STANDARD_STREAM } from "../media/ffmpeg/input_name.ts";
import { tools as resolveTools } from "../media/ffmpeg/resolve.ts";
import { planNotices, planStreams, type StreamPlan } from "../media/ffmpeg/stream_plan.ts";
import { checkScale } from "../net/arch.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import { engineFor, resolveWeights, type RunWeights } from "./engine.ts";
import { inputKind, outputKind, outputMuxer } from "./kinds.ts";
import { prepareOutput, refuseWritingOverInputs } from "./output.ts";
import type { UpscaleNotice, UpscaleOptions, UpscaleSummary } from "./options.ts";
import type { MediaInfo } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { openInput } from "./input.ts";
import { measureInput, sampleSourceOf } from "./sample.ts";
import { keepsAlpha, upscalePictures, upscaleStill } from "./still.ts";
import { pictureTreatment, sizeChangeNotice } from "./treatment.ts";
import { upscaleVideo } from "./video.ts";

/** What a segmented run is given besides the options (see {@link SegmentedRun}). */
export interface SegmentedRunContext {
  tools: FfmpegTools;
  info: MediaInfo;
  started: number;
  /** What the output does differently from the source (see `onNotice`), told once. */
  notices?: UpscaleNotice[];
  /** The output's streams, planned for the video encoder that the segments use. */
  streams?: StreamPlan;
  /** The weights of a new plan (chosen for the input, and told through `onWeights`). */
  weights: () => Promise<RunWeights>;
}

/**
 * Makes a video in segments when that applies, or returns null when it is to be made in one
 * piece (then nothing was created). Supplied by the layer above (`src/jobs/`), which owns
 * work folders.
 */
export type SegmentedRun = (
  o: UpscaleOptions,
  ctx: SegmentedRunContext,
) => Promise<UpscaleSummary | null>;

/**
 * `upscaleFile` without work folders of its own: a long video goes to `segmented` when given,
 * else is made in one piece.
 */
export async function upscaleWith(
  o: UpscaleOptions,
  segmented?: SegmentedRun,
): Promise<UpscaleSummary> {
  const started = performance.now();
  // An unsupported scale is a usage error whatever the weights say.
  if (o.scale !== undefined) checkScale(o.scale);
  checkEncoderArgs(o.encoderArgs ?? []);
  const tools = await resolveTools(o.ffmpeg);
  const inKind = await inputKind(o.input, o.inputFormat);
  const outKind = await outputKind(o.output);
  if (o.format !== undefined && o.output !== STANDARD_STREAM) {
    throw new OptionError(
      "format",
      "is only for standard output (-): a file's extension picks its container",
    );
  }
  const muxer = outputMuxer(o.output, o.format);
  if (o.inputFormat !== undefined && o.input === STANDARD_STREAM) {
    throw new OptionError("inputFormat", "is for devices and URLs: standard input is probed");
  }
  if (o.inputFormat !== undefined && !(await capabilities(tools)).demuxers.has(o.inputFormat)) {
    throw new OptionError(
      "inputFormat",
      `must be an input format or device of this ffmpeg (got ${JSON.stringify(o.inputFormat)})`,
    );
  }
  if (o.format !== undefined && !(await capabilities(tools)).muxers.has(o.format)) {
    throw new OptionError(
      "format",
      `must be a muxer this ffmpeg has (got ${JSON.stringify(o.format)})`,
    );
  }
  if (inKind === "image" && outKind !== "image") {
    throw new UsageError(
      `${o.output}: a still image can only be upscaled into an image (.png, .jpg)`,
    );
  }
  if (inKind !== "image" && outKind === "image") {
    throw new UsageError(
      `${o.output}: a video or frame sequence needs a video or frame-sequence output, not a single image`,
    );
  }
  // Inspect the input fully before touching the output.
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const { info, source, mixedSizes } = await openInput(o, inKind, tools, cleanups);
    // Before anything is written, a segmented run's work folder included.
    await refuseWritingOverInputs(o.output, outKind, [{ path: o.input, kind: inKind }]);
    if (mixedSizes && outKind === "video") {
      const { first, other } = mixedSizes;
      throw new UsageError(
        `${other.path}: ${other.width}x${other.height}, unlike ${first.path} ` +
          `(${first.width}x${first.height}): a video has one picture size`,
      );
    }
    const alpha = sourceHasAlpha(info);
    let plan: StreamPlan | undefined;
    if (outKind === "video") {
      // Settled before the engine starts, so that an output ffmpeg cannot write (an encoder it
      // lacks, a codec the container cannot hold) fails at once.
      plan = planStreams({
        output: o.output,
        muxer,
        source: source?.kind === "video" ? info : undefined,
        videoEncoder: o.codec,
        alpha,
        encoders: (await capabilities(tools)).encoders,
        ffmpeg: tools.ffmpeg,
      });
    }
    // Chosen once, when first needed: a segmented run that continues an earlier one runs
    // the weights its plan recorded instead.
    let chosen: Promise<RunWeights> | undefined;
    const runWeights = () =>
      chosen ??= (async () => {
        const sample = sampleSourceOf(o.input, info, source);
        const caps = await capabilities(tools);
        const r = await resolveWeights(
          o,
          () => measureInput(tools, caps, sample, o.signal),
          info.video?.codec,
        );
        o.onWeights?.(r.choice);
        return r;
      })();
    const treatment = source && !mixedSizes
      ? await pictureTreatment(tools, {
        source,
        output: o.output,
        deinterlace: o.deinterlace,
        encoder: plan?.videoEncoder,
        pixFmt: o.pixFmt,
        signal: o.signal,
      })
      : undefined;
    const resized = source && !mixedSizes
      ? await sizeChangeNotice(tools, { source, output: o.output, signal: o.signal })
      : undefined;
    const notices = [
      ...(plan ? planNotices(plan, o.output) : []),
      ...treatment?.notices ?? [],
      ...(resized ? [resized] : []),
    ];
    if (!source && outKind === "image" && alpha && !keepsAlpha(o.output)) {
      notices.push({
        kind: "dropped",
        message: `${o.output}: not kept: the alpha channel (transparency) of ${o.input}; ` +
          "JPEG cannot hold one",
      });
    }
    // A stream cannot be cut into segments (that seeks in it), nor standard output resumed.
    const streamedInput = isStreamedInput(o.input, o.inputFormat);
    const oneStream = streamedInput || o.output === STANDARD_STREAM;
    if (oneStream && (o.segmentSeconds ?? 0) > 0) {
      o.onNotice?.({
        kind: "one-piece",
        message: `${streamedInput ? o.input : o.output}: a stream is made in one ` +
          "piece, not in segments",
      });
    }
    // VP8/VP9 alpha travels beside the picture, which the segments' NUT files lose.
    const alphaBeside = treatment?.alpha !== undefined && plan !== undefined &&
      alphaBesidePicture(plan.videoEncoder);
    if (alphaBeside && !oneStream && (o.segmentSeconds ?? 0) > 0) {
      o.onNotice?.({
        kind: "one-piece",
        message: `${o.output}: ${plan!.videoEncoder} with alpha is made in one piece, not in ` +
          "segments",
      });
    }
    // One picture per field makes more frames than the file has packets, which segments
    // are counted by: such a run is made in one piece.
    if (
      segmented && source?.kind === "video" && outKind === "video" && !oneStream &&
      !treatment?.deinterlace?.perField && !alphaBeside
    ) {
      // The plan's choice of encoder (the container's usual one) is the segments' too.
      const made = await segmented({ ...o, codec: plan?.videoEncoder }, {
        tools,
        info,
        started,
        notices,
        streams: plan,
        weights: runWeights,
      });
      if (made) return made;
    }
    const engine = await engineFor(o, runWeights, cleanups);
    const upscaler = new TiledUpscaler(engine, { tile: o.tile });
    const target = await prepareOutput(o.output, {
      kind: outKind,
      overwrite: o.overwrite ?? false,
      inputs: [{ path: o.input, kind: inKind }],
    });
    try {
      let frames = 1, width: number, height: number, partial: string | undefined;
      if (mixedSizes) {
        // Pictures of different sizes into pictures: each keeps its own.
        ({ frames, width, height } = await upscalePictures({
          tools,
          upscaler,
          files: mixedSizes.files,
          folder: target.temp,
          pattern: target.pattern!,
          signal: o.signal,
          onProgress: o.onProgress,
        }));
      } else if (!source) {
        for (const notice of notices) o.onNotice?.(notice);
        ({ width, height } = await upscaleStill({
          tools,
          upscaler,
          input: o.input,
          info,
          outputFile: target.temp,
          outputName: o.output,
          signal: o.signal,
        }));
      } else {
        for (const notice of notices) o.onNotice?.(notice);
        const perField = treatment?.deinterlace?.perField && source.expectedFrames !== undefined;
        const r = await upscaleVideo({
          tools,
          caps: await capabilities(tools),
          upscaler,
          batch: o.batch ?? 4,
          // One picture per field: twice the frames.
          source: perField ? { ...source, expectedFrames: 2 * source.expectedFrames! } : source,
          target,
          deinterlace: treatment?.deinterlace,
          turn: treatment?.turn,
          alpha: treatment?.alpha,
          plan,
          muxer,
          // A frame-sequence output has no plan: its frames are written as images.
          video: encoderSettings(o, plan?.videoEncoder),
          keepPartial: o.keepPartial ?? false,
          signal: o.signal,
          onProgress: o.onProgress,
        });
        ({ frames, width, height, partial } = r);
      }
      if (o.signal?.aborted) throw new CancelledError("interrupted");
      await target.commit();
      const seconds = (performance.now() - started) / 1000;
      return {
        input: o.input,
        output: o.output,
        kind: outKind,
        frames,
        seconds,
        fps: frames / seconds,
        width,
        height,
        backend: engine.info.backend,
        partial,
        leftovers: target.leftovers,
      };
    } catch (e) {
      await target.discard();
      if (o.signal?.aborted && !(e instanceof CancelledError)) {
        throw new CancelledError("interrupted");
      }
      throw e;
    }
  } finally {
    for (const c of cleanups) await c();
  }
}
