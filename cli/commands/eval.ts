/** `eval`: PSNR/SSIM of weights (or bicubic) on a folder of HR images. */
import { Command, Option } from "commander";
import {
  isShippedChoice,
  SHIPPED_CHOICES,
  type ShippedWeightsName,
  UsageError,
} from "../../mod.ts";
import {
  DEFAULT_DEGRADATIONS,
  type DegradationReport,
  evaluate,
  evaluateDegradations,
  evaluateFootage,
  footageDegradations,
  type FootageReport,
  parseFootageCodecs,
  parseFootageScalers,
} from "../../src/eval/mod.ts";
import { backendChoices, backendsHelp } from "../backends.ts";
import {
  degradationList,
  degradationsHelp,
  flagParser,
  nameList,
  parseBackend,
  positiveInt,
  positiveNumber,
  weightsValue,
  x264Crf,
} from "../flags.ts";
import { runCommand } from "../run.ts";

export function evalCommand(): Command {
  return new Command("eval")
    .description(
      "score weights on HR images (Y PSNR/SSIM, the super-resolution literature's protocol)",
    )
    .option("--data <dir>", "folder of HR images (e.g. ../shared/datasets/Set5)")
    .option(
      "--footage <dir>",
      "the real-footage yardstick: each clip shrunk ×½ into a ground truth, made low-resolution " +
        "by ffmpeg scalers and coded as video (x264, VP9), upscaled as upscale does, beside " +
        "ffmpeg lanczos and bicubic (e.g. ../shared/media/footage)",
    )
    .option(
      "--clips <names>",
      "with --footage: validation (the fixed validation clips the folder has; default), all, " +
        "or clip names (comma-separated, without extension)",
    )
    .option(
      "--seconds <s>",
      "with --footage: seconds from each clip's start (default 3)",
      positiveNumber("--seconds"),
    )
    .option(
      "--scalers <names>",
      "with --footage: ffmpeg scalers that make the LR (default bicubic,area,bilinear,neighbor)",
      flagParser(parseFootageScalers),
    )
    .option(
      "--compare <names>",
      "with --footage: shipped weights also run on every cell, each alone, to compare the " +
        "choice with (e.g. paper,video,video-compressed,video-aliased)",
      flagParser(parseShippedList),
    )
    .option(
      "--codecs <list>",
      "with --footage: codecs and CRFs the LR is coded with (default x264:18,x264:23,x264:28,vp9:33)",
      flagParser(parseFootageCodecs),
    )
    .option(
      "--weights <w>",
      "paper: models/fsrcnn_x<scale>.safetensors (default); video: for compressed video; " +
        "fast: the small FSRCNN-s network (x2); auto: chosen for each LR image as upscale chooses for an input; or a weights file",
      weightsValue("--weights"),
    )
    .addOption(
      new Option("--method <m>", "what to score; bicubic is the baseline").choices([
        "fsrcnn",
        "bicubic",
      ]).default("fsrcnn"),
    )
    .option(
      "--scale <n>",
      "upscaling factor (default: the weights', 2 for the shipped ones; bicubic needs it)",
      positiveInt("--scale"),
    )
    .option("--backend <name>", `${backendChoices()} (default: onnx)`, flagParser(parseBackend))
    .option(
      "--degradations [names]",
      `the realistic suite: LR made by ffmpeg scalers + x264, FSRCNN beside ffmpeg lanczos and ` +
        `bicubic (comma-separated names, listed below; default ${DEFAULT_DEGRADATIONS.join(",")})`,
      degradationList("--degradations"),
    )
    .option(
      "--crf <n>",
      "x264 CRF of the suite's codec round trip (default 23)",
      x264Crf("--crf"),
    )
    .addOption(
      new Option("--lr-codec <c>", "the suite's codec round trip").choices(["x264", "none"])
        .default("x264"),
    )
    .option(
      "--inter",
      "with --degradations: score a predicted (P/B) frame of a short clip panning over each " +
        "image, as most frames of a video are, not the picture coded alone",
    )
    .option("--json", "print the report as JSON")
    .option("--ffmpeg <path>", "ffmpeg binary")
    .addHelpText("after", backendsHelp("the fastest one that works here"))
    .addHelpText("after", degradationsHelp())
    .action((opts) =>
      runCommand(async () => {
        if ((opts.data === undefined) === (opts.footage === undefined)) {
          throw new UsageError("eval takes either --data DIR or --footage DIR");
        }
        if (opts.footage !== undefined) {
          const r = await evaluateFootage({
            footage: opts.footage,
            clips: opts.clips === undefined || opts.clips === "validation" || opts.clips === "all"
              ? opts.clips
              : nameList(String(opts.clips)),
            seconds: opts.seconds,
            scale: opts.scale,
            weights: opts.weights,
            degradations: opts.scalers || opts.codecs
              ? footageDegradations(opts.scalers, opts.codecs)
              : undefined,
            compare: opts.compare,
            backend: opts.backend,
            ffmpeg: opts.ffmpeg,
            onCell: (c) => console.error(`fsrcnn: ${formatFootageCell(c)}`),
          });
          console.log(opts.json ? JSON.stringify(r, null, 2) : formatFootage(r));
          return;
        }
        if (opts.degradations) {
          const names = opts.degradations === true ? undefined : opts.degradations;
          const r = await evaluateDegradations({
            data: opts.data,
            weights: opts.weights ?? { shipped: "paper" },
            scale: opts.scale,
            degradations: names,
            crf: opts.crf,
            codec: opts.lrCodec,
            inter: opts.inter,
            backend: opts.backend,
            ffmpeg: opts.ffmpeg,
          });
          console.log(opts.json ? JSON.stringify(r, null, 2) : formatDegradations(r));
          return;
        }
        const r = await evaluate(opts);
        if (opts.json) {
          console.log(JSON.stringify(r, null, 2));
          return;
        }
        const chose = r.chosen
          ? `, chose ${Object.entries(r.chosen).map(([name, n]) => `${name} ${n}`).join(", ")}`
          : "";
        const label = r.method === "bicubic" ? "bicubic" : `${r.weights} (${r.backend}${chose})`;
        console.log(`${label} on ${r.data}, x${r.scale}`);
        const width = Math.max(5, ...r.images.map((i) => i.name.length));
        console.log(`${"image".padEnd(width)}  PSNR (dB)  SSIM`);
        for (const i of r.images) {
          console.log(
            `${i.name.padEnd(width)}  ${i.psnr.toFixed(2).padStart(9)}  ${i.ssim.toFixed(4)}`,
          );
        }
        console.log(
          `${"mean".padEnd(width)}  ${r.meanPsnr.toFixed(2).padStart(9)}  ${r.meanSsim.toFixed(4)}`,
        );
      })
    );
}

/** The suite as a table: one row per degradation, Y-PSNR in dB. */
export function formatDegradations(r: DegradationReport): string {
  const lines = [
    `${r.weights} on ${r.data} (${r.images.length} images), x${r.scale}: Y-PSNR (dB), mean over images`,
  ];
  const width = Math.max(11, ...r.rows.map((row) => row.description.length));
  lines.push(`${"degradation".padEnd(width)}  FSRCNN  lanczos  bicubic  FSRCNN - lanczos`);
  const f = (v: number) => v.toFixed(2).padStart(6);
  const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
  for (const row of r.rows) {
    const p = row.psnr;
    lines.push(
      `${row.description.padEnd(width)}  ${f(p.fsrcnn)}  ${f(p.lanczos).padStart(7)}  ` +
        `${f(p.bicubic).padStart(7)}  ${signed(p.fsrcnn - p.lanczos).padStart(16)}`,
    );
  }
  lines.push(`mean gain over lanczos: ${signed(r.meanGainOverLanczos)} dB`);
  for (const row of r.rows) {
    if (!row.chosen) continue;
    const counts = Object.entries(row.chosen).map(([name, n]) => `${name} ${n}`);
    lines.push(`${row.degradation}: chose ${counts.join(", ")}`);
  }
  return lines.join("\n");
}

function formatFootageCell(c: FootageReport["cells"][number]): string {
  const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
  return `${c.clip}, ${c.description}: ${c.psnr.upscale.toFixed(2)} dB, lanczos ` +
    `${c.psnr.lanczos.toFixed(2)} (${signed(c.gain)}); ${c.weights}`;
}

/** The footage yardstick as a table: one row per clip × degradation, Y-PSNR in dB. */
export function formatFootage(r: FootageReport): string {
  const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)}`;
  const f = (v: number) => v.toFixed(2);
  const lines = [
    `upscale (${r.weights} weights) on ${r.footage}, x${r.scale}, first ${r.seconds} s of ` +
    `${r.clips.length} clips: Y-PSNR (dB), mean over frames`,
    "| clip | LR made by | upscale | lanczos | bicubic | upscale − lanczos | weights |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const c of r.cells) {
    const name = c.weights.split(":")[0];
    lines.push(
      `| ${c.clip} | ${c.description} | ${f(c.psnr.upscale)} | ${f(c.psnr.lanczos)} | ` +
        `${f(c.psnr.bicubic)} | ${signed(c.gain)} | ${name} |`,
    );
  }
  lines.push(`mean gain over lanczos: ${signed(r.meanGain)} dB`);
  lines.push(`worst cell: ${r.worst.clip}, ${r.worst.description}: ${signed(r.worst.gain)} dB`);
  for (const c of r.comparison ?? []) {
    lines.push(
      `${c.what}: mean ${signed(c.meanGain)} dB, worst cell ${signed(c.worstGain)} dB`,
    );
  }
  return lines.join("\n");
}

/** A comma-separated list of shipped weights' names (not `auto`). */
function parseShippedList(value: string): ShippedWeightsName[] {
  const names = nameList(value);
  for (const n of names) {
    if (n === "auto" || !isShippedChoice(n)) {
      throw new UsageError(
        `--compare: unknown weights ${n} (known: ${
          SHIPPED_CHOICES.filter((c) => c !== "auto").join(",")
        })`,
      );
    }
  }
  return names as ShippedWeightsName[];
}
