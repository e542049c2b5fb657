/** `upscale`: videos, frame sequences and images through FSRCNN. */
import { Command, Option } from "commander";
import {
  CancelledError,
  isStreamedInput,
  upscaleFile,
  type UpscaleSummary,
  workFolderFor,
} from "../../mod.ts";
import { backendsHelp } from "../backends.ts";
import {
  maxPixelsOf,
  maxPixelsOption,
  pixelOptions,
  pixelSettings,
  positiveInt,
  positiveNumber,
} from "../flags.ts";
import { progressLine, weightsLine } from "../lines.ts";
import { runCommand, withCancel } from "../run.ts";

/**
 * The closing line: for an image its new size and the time taken; for a video or sequence
 * also the frames and their rate.
 */
export function summaryLine(s: UpscaleSummary): string {
  const time = `in ${s.seconds.toFixed(1)} s`;
  if (s.kind === "image") return `${s.output}: ${s.width}x${s.height} ${time} (${s.backend})`;
  const segments = s.segments ? `, ${s.segments} segments` : "";
  return `${s.output}: ${s.frames} frame${s.frames === 1 ? "" : "s"} ${s.width}x${s.height} ` +
    `${time} (${s.fps.toFixed(2)} fps, ${s.backend}${segments})`;
}

/** Lines about temporaries that killed runs left beside the output. */
export function leftoverLines(s: UpscaleSummary): string[] {
  return [
    ...s.leftovers.removed.map((l) =>
      `fsrcnn: removed ${l.path}, left by an earlier run that was killed (process ${l.pid})`
    ),
    ...s.leftovers.kept.map((l) =>
      `fsrcnn: note: ${l.path} was left by process ${l.pid}; remove it unless that run is still going`
    ),
  ];
}

/**
 * `upscale` with `subcommands` under it (`upscale plan`, `segment`, …: the job commands, which
 * share its output options).
 */
export function upscaleCommand(subcommands: readonly Command[] = []): Command {
  const command = new Command("upscale")
    .description("upscale a video, a frame sequence (pattern or folder) or an image")
    .argument(
      "<input>",
      "video file, image, frame pattern (frames/%06d.png), folder of images, - (standard " +
        "input) or a URL (http(s)://, rtmp(s)://, srt://, udp://, rtp://, rtsp://, tcp://)",
    )
    .argument(
      "<output>",
      "video file, image (.png/.jpg), frame pattern, folder or - (standard output)",
    );
  maxPixelsOption(pixelOptions(command))
    .option("--fps <rate>", "frame rate of frame-sequence inputs", positiveNumber("--fps"))
    .option(
      "--format <muxer>",
      "container of standard output (-), an ffmpeg muxer (default matroska)",
    )
    .option(
      "--input-format <name>",
      "read the input with this ffmpeg input format or device (ffmpeg's -f before -i: v4l2, " +
        "lavfi, x11grab, …), as a stream",
    )
    .option("-y, --overwrite", "replace an existing output")
    .option("--keep-partial", "keep what was made when the input is truncated or corrupt")
    .option("--restart", "discard the output's work folder of an earlier run and start over")
    .option("--keep-work", "keep the work folder (segments) after the output is written")
    .addOption(
      new Option("--threads <n>", "CPU threads for the onnx backend").argParser(
        positiveInt("--threads"),
      ),
    )
    .option("--ffmpeg <path>", "ffmpeg binary (default: $FFMPEG_PATH, PATH, then the embedded one)")
    .option("-q, --quiet", "no progress or summary")
    .addHelpText("after", backendsHelp("the fastest one that works here"))
    .action((input: string, output: string, opts) =>
      runCommand(() =>
        withCancel(async (signal, stop) => {
          const live = !opts.quiet && Deno.stderr.isTerminal();
          let noted = false;
          const enc = new TextEncoder();
          const summary = await upscaleFile({
            input,
            output,
            ...pixelSettings(opts),
            fps: opts.fps,
            maxPixels: maxPixelsOf(opts),
            overwrite: opts.overwrite,
            keepPartial: opts.keepPartial,
            restart: opts.restart,
            keepWork: opts.keepWork,
            threads: opts.threads,
            ffmpeg: opts.ffmpeg,
            format: opts.format,
            inputFormat: opts.inputFormat,
            signal,
            stop,
            // Before the first frame, so never in the middle of a progress line.
            onNotice: (n) => console.error(`fsrcnn: ${n.message}`),
            onWeights: opts.verbose ? (c) => console.error(weightsLine(input, c)) : undefined,
            onProgress: opts.quiet ? undefined : (p) => {
              if (p.resumed && !noted) {
                noted = true;
                console.error(
                  `${output}: continuing: ${p.segments!.done} of ${p.segments!.total} segments ` +
                    `(${p.resumed} of ${p.total} frames) were done by an earlier run`,
                );
              }
              if (live) Deno.stderr.writeSync(enc.encode(`\r\x1b[K${progressLine(p)}`));
            },
          }).catch((e) => {
            throw keptSegments(e, output);
          });
          if (live) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
          if (summary.partial) {
            console.error(
              `fsrcnn: warning: ${summary.input}: ${summary.partial}; kept ${summary.frames} frames`,
            );
          }
          if (!opts.quiet) {
            for (const line of leftoverLines(summary)) console.error(line);
            console.error(summaryLine(summary));
          }
        }, {
          // Ctrl-C ends a stream, and the output is finished with what came; twice cancels.
          stop: isStreamedInput(input, opts.inputFormat),
          onStop: () =>
            console.error(
              `${Deno.stderr.isTerminal() ? "\r\x1b[K" : ""}fsrcnn: ${input}: stopped; ` +
                `finishing ${output} with what came (Ctrl-C again cancels)`,
            ),
        })
      )
    );
  // `upscale plan … --scale 3`: the flags after a subcommand's name are the subcommand's.
  command.enablePositionalOptions();
  for (const sub of subcommands) command.addCommand(sub.exitOverride());
  return command;
}

function isFolder(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

/** An interrupted segmented run says where its finished segments are, and how to go on. */
function keptSegments(e: unknown, output: string): unknown {
  if (e instanceof CancelledError && isFolder(workFolderFor(output))) {
    return new CancelledError(
      `interrupted; finished segments are kept in ${
        workFolderFor(output)
      }: run the same command to continue`,
    );
  }
  return e;
}
