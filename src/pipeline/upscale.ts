/**
 * `upscaleFile`: one call that upscales a video, a frame sequence or a still image into a
 * video, a frame sequence or an image, safely (see output.ts) and with progress.
 */
import { CancelledError, OptionError, UsageError } from "../errors.ts";
import { alphaBesidePicture, sourceHasAlpha } from "../ffmpeg/alpha.ts";
import { checkEncoderArgs } from "../ffmpeg/args.ts";
import { capabilities } from "../ffmpeg/capabilities.ts";
import { defaultCrf } from "../ffmpeg/crf.ts";
import { isStreamedInput, STANDARD_STREAM } from "../ffmpeg/input_name.ts";
import { tools as resolveTools } from "../ffmpeg/resolve.ts";
import { planNotices, planStreams, type StreamPlan } from "../ffmpeg/stream_plan.ts";
import { checkScale } from "../model/config.ts";
import { TiledUpscaler } from "../model/tiled.ts";
import { engineFor, resolveWeights, type RunWeights } from "./engine.ts";
import { inputKind, outputKind, outputMuxer } from "./kinds.ts";
import { prepareOutput, refuseWritingOverInputs } from "./output.ts";
import type { UpscaleOptions, UpscaleSummary } from "./options.ts";
import { openInput } from "./input.ts";
import { measureInput, sampleSourceOf } from "./sample.ts";
import { upscaleInSegments } from "../segments/local.ts";
import { keepsAlpha, upscalePictures, upscaleStill } from "./still.ts";
import { pictureTreatment, sizeChangeNotice } from "./treatment.ts";
import { upscaleVideo } from "./video.ts";

/**
 * Upscales a video, frame sequence or still image into a video, frame sequence or image, `scale`×
 * wider and taller. The luma goes through FSRCNN; chroma is upsampled bicubically; a video keeps
 * its audio, subtitles, chapters, metadata, timestamps, colour tags and rotation. Unless told
 * which weights to use, it measures the input's first few pictures and chooses the shipped
 * weights that suit them (see {@link chooseWeights}). The input is checked fully before the
 * output is touched, the output is written under a temporary name and renamed when complete,
 * and nothing is left behind on failure or cancellation. `-` (standard input or output) and
 * network URLs are streams instead: read or written once, as they come, in bounded memory, and
 * in one piece; `stop` ends a streamed input and finishes the output with what came.
 *
 * @param o What to read and write, and how; see {@link UpscaleOptions}.
 * @returns What was written, and how fast.
 * @throws {UsageError} An unsupported scale, a scale that the weights or engine do not have, an
 *   image input with a video output (or the reverse), an output that would write into or over
 *   the input (the same file, frames named as the input's, frames into the input folder), a
 *   folder or pattern of pictures of different sizes into a video, an unusable `ffmpeg`; an
 *   {@link OptionError} for a non-positive `fps`, a `codec` that the ffmpeg lacks or whose
 *   video the output's container cannot hold (H.264 in WebM), a `tile` too small for the
 *   network, a `threads` count beyond reason, shipped `weights` named for a scale they are not
 *   shipped for, `encoderArgs` with a word that is neither an option nor its value or with an
 *   option that names files (`-i`, `-y`, `-f`, `-map`, `-passlogfile`, …), a `format` that is
 *   not a muxer of this ffmpeg or given for an output other than `-`.
 * @throws {InputError} The input is missing, unreadable (a URL that cannot be opened), not a
 *   media stream, has no video, or is corrupt or truncated
 *   (unless `keepPartial` keeps what was upscaled; its `keepableFrames` says how many it would).
 * @throws {WeightsError} The weights file is missing, corrupt, or for another scale.
 * @throws {OutputError} The output exists (without `overwrite`; its `exists` is then true), or
 *   its folder is missing or not writable.
 * @throws {WorkFolderError} A long video's work folder (see `segmentSeconds`) was made for
 *   another input or with other settings (unless `restart`).
 * @throws {ToolError} ffmpeg failed or could not start, refused the output in the trial run
 *   that precedes the first frame, or has none of the video encoders the container takes.
 * @throws {CancelledError} `signal` was aborted.
 *
 * @example Upscale ×2 into Matroska with progress, stopping cleanly on Ctrl-C
 * ```ts
 * import { upscaleFile } from "@fsrcnn/deno";
 * const controller = new AbortController();
 * Deno.addSignalListener("SIGINT", () => controller.abort());
 * const summary = await upscaleFile({
 *   input: "in.mp4",
 *   output: "out_x2.mkv",
 *   scale: 2,
 *   crf: 20,
 *   overwrite: true,
 *   signal: controller.signal,
 *   onProgress: (p) => console.log(`${p.frames} frames, ${p.fps.toFixed(1)} fps`),
 *   // e.g. "out_x2.webm: converting what WebM cannot hold as it is: #1 audio aac to opus (libopus)"
 *   onNotice: (n) => console.warn(n.message),
 * });
 * console.log(`${summary.width}x${summary.height} on ${summary.backend}`);
 * ```
 */
export async function upscaleFile(o: UpscaleOptions): Promise<UpscaleSummary> {
  const started = performance.now();
  // An unsupported scale is a usage error whatever the weights say.
  if (o.scale !== undefined) checkScale(o.scale);
  checkEncoderArgs(o.encoderArgs ?? []);
  const tools = await resolveTools(o.ffmpeg);
  const inKind = await inputKind(o.input);
  const outKind = await outputKind(o.output);
  if (o.format !== undefined && o.output !== STANDARD_STREAM) {
    throw new OptionError(
      "format",
      "is only for standard output (-): a file's extension picks its container",
    );
  }
  const muxer = outputMuxer(o.output, o.format);
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
    const oneStream = isStreamedInput(o.input) || o.output === STANDARD_STREAM;
    if (oneStream && (o.segmentSeconds ?? 0) > 0) {
      o.onNotice?.({
        kind: "one-piece",
        message: `${isStreamedInput(o.input) ? o.input : o.output}: a stream is made in one ` +
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
      source?.kind === "video" && outKind === "video" && !oneStream &&
      !treatment?.deinterlace?.perField && !alphaBeside
    ) {
      // The plan's choice of encoder (the container's usual one) is the segments' too.
      const segmented = await upscaleInSegments({ ...o, codec: plan?.videoEncoder }, {
        tools,
        info,
        started,
        notices,
        weights: runWeights,
      });
      if (segmented) return segmented;
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
        // A frame-sequence output has no plan: its frames are written as images.
        const codec = plan?.videoEncoder ?? "libx264";
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
          video: {
            codec,
            crf: o.crf ?? defaultCrf(codec, o.encoderArgs ?? []),
            preset: o.preset,
            pixFmt: o.pixFmt,
            extra: o.encoderArgs,
          },
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
