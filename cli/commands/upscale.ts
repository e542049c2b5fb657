/** `upscale`: videos, frame sequences and images through FSRCNN. */
import { Command, Option } from "commander";
import {
  CancelledError,
  DEINTERLACE_MODES,
  isStreamedInput,
  parseBackend,
  type PlanSettingsOptions,
  upscaleFile,
  type UpscaleProgress,
  type UpscaleSummary,
  type WeightsChoice,
  workFolderFor,
} from "../../mod.ts";
import { backendChoices, backendsHelp } from "../backends.ts";
import { jobCommands } from "./jobs.ts";
import {
  flagParser,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  runCommand,
  weightsValue,
  withCancel,
} from "../run.ts";

/** Splits `--encoder-args` into separate arguments: whitespace-separated, quotes group. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2] ?? m[3]);
  }
  return out;
}

function formatTime(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`
    : `${m}:${String(r).padStart(2, "0")}`;
}

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

/** The `--verbose` line: which weights an input runs, and why. */
export function weightsLine(input: string, c: Pick<WeightsChoice, "reason">): string {
  return `fsrcnn: ${input}: ${c.reason}`;
}

/** One progress line: frames done/total, segments (of a segmented run), fps, ETA. */
export function progressLine(p: UpscaleProgress): string {
  const total = p.total ? `/${p.total} (${Math.floor((100 * p.frames) / p.total)}%)` : "";
  const eta = p.eta !== undefined ? ` ETA ${formatTime(p.eta)}` : "";
  const segs = p.segments
    ? ` segment ${Math.min(p.segments.done + 1, p.segments.total)}/${p.segments.total}` +
      (p.resumed ? ` (${p.resumed} frames done before)` : "")
    : "";
  return `frame ${p.frames}${total}${segs} ${p.fps.toFixed(1)} fps ${formatTime(p.seconds)}${eta}`;
}

/** The options that decide the output's pixels, shared by `upscale` and `upscale plan`. */
export function pixelOptions(command: Command): Command {
  return command
    .option(
      "--scale <n>",
      "upscaling factor: 2, 3 or 4 (default 2, or the weights')",
      positiveInt("--scale"),
    )
    .option(
      "--weights <w>",
      "auto: shipped weights chosen from the input's first pictures (default); paper: " +
        "models/fsrcnn_x<scale>.safetensors; video: for compressed video; fast: the small " +
        "FSRCNN-s network (x2), faster, softer pictures; or a weights file " +
        "(./auto for a file of that name)",
      weightsValue("--weights"),
    )
    .option("-v, --verbose", "say which weights are used and why")
    .option("--backend <name>", backendChoices(), flagParser(parseBackend), "auto")
    .option(
      "--tile <n>",
      "tile side in input pixels (default: from a memory budget)",
      positiveInt("--tile"),
    )
    .option("--batch <n>", "frames per inference call", positiveInt("--batch"))
    .option(
      "--codec <name>",
      "video encoder, any ffmpeg encoder (default: libvpx-vp9 for .webm, else libx264)",
    )
    .option(
      "--crf <n>",
      "encoder quality (CRF, 0 = lossless in x264/x265; default 18 x264/x265, 31 VP9, 30 AV1)",
      nonNegativeNumber("--crf"),
    )
    .option("--preset <name>", "encoder preset (e.g. medium, slow)")
    .option(
      "--pix-fmt <fmt>",
      "output pixel format (default: the source's depth and chroma family, 4:2:0/4:2:2/4:4:4)",
    )
    .option(
      "--encoder-args <args>",
      'extra ffmpeg output options and their values, e.g. "-tune film" (no files, inputs or outputs)',
    )
    .addOption(
      new Option(
        "--deinterlace <mode>",
        "interlaced video (field order, or idet when untagged): frame = one picture per frame, " +
          "field = one per field (twice the rate, one piece), off = leave the fields woven",
      ).choices(DEINTERLACE_MODES).default("frame"),
    )
    .option(
      "--segment-seconds <s>",
      "cut videos at keyframes into segments of about this long, resumable (default 120; 0: one piece)",
      nonNegativeNumber("--segment-seconds"),
    );
}

/**
 * `--max-pixels`: the limit on an input picture, given in megapixels (as the refusal states
 * it); the library counts pixels.
 */
export function maxPixelsOption(command: Command): Command {
  return command.option(
    "--max-pixels <megapixels>",
    "refuse input pictures (stills, frames) larger than this (default 100)",
    positiveNumber("--max-pixels"),
  );
}

/** The `maxPixels` library option from `--max-pixels`. */
export function maxPixelsOf(opts: { maxPixels?: number }): number | undefined {
  return opts.maxPixels === undefined ? undefined : Math.round(opts.maxPixels * 1e6);
}

/** What {@link pixelOptions} parses: the settings a plan fixes, with the encoder arguments as
 * one string. */
export type PixelFlags = Omit<PlanSettingsOptions, "encoderArgs"> & { encoderArgs?: string };

/** The flags of {@link pixelOptions} as `upscaleFile` and `planJob` take them. */
export function pixelSettings(f: PixelFlags) {
  return {
    scale: f.scale,
    weights: f.weights,
    backend: f.backend,
    tile: f.tile,
    batch: f.batch,
    codec: f.codec,
    crf: f.crf,
    preset: f.preset,
    pixFmt: f.pixFmt,
    encoderArgs: f.encoderArgs ? splitArgs(f.encoderArgs) : undefined,
    segmentSeconds: f.segmentSeconds,
    deinterlace: f.deinterlace,
  };
}

export function upscaleCommand(): Command {
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
          stop: isStreamedInput(input),
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
  for (const sub of jobCommands()) command.addCommand(sub.exitOverride());
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
