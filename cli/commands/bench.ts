/** `bench`: frames per second per backend, input size, scale and batch. */
import { Command, Option } from "commander";
import {
  BENCH_DEFAULTS as d,
  benchmark,
  formatBenchTableFoot,
  formatBenchTableHead,
  formatBenchTableRow,
  plotBenchSvg,
} from "../../src/bench/mod.ts";
import { backendChoices, backendsHelp, neverAuto } from "../backends.ts";
import {
  flagParser,
  listOf,
  parseBenchBackend,
  parseSizes,
  positiveInt,
  positiveNumber,
} from "../flags.ts";
import { runCommand, withCancel } from "../run.ts";
import { NETWORK_NAMES, parseNetwork } from "../../src/net/mod.ts";

/** A comma-separated list option whose help shows its default as the user would type it. */
function listOption<T>(flags: string, help: string, parse: (s: string) => T, init: T[]): Option {
  return new Option(flags, help).argParser(listOf(parse)).default(init, init.join(","));
}

export function benchCommand(): Command {
  return new Command("bench")
    .description("measure FSRCNN speed (model alone and/or whole pipeline) and its MACs")
    .addOption(
      new Option("--mode <mode>", "what to time").choices(["model", "e2e", "both"]).default(d.mode),
    )
    .addOption(
      new Option("--sizes <list>", "LR input sizes").argParser(flagParser(parseSizes)).default(
        d.sizes,
        d.sizes.map(([w, h]) => `${w}x${h}`).join(","),
      ),
    )
    .addOption(
      listOption("--scales <list>", "upscaling factors", positiveInt("--scales"), [...d.scales]),
    )
    .addOption(
      listOption(
        "--backends <list>",
        `${backendChoices()}, or all`,
        flagParser(parseBenchBackend),
        [...d.backends],
      ),
    )
    .addOption(
      listOption("--batch <list>", "frames per call", positiveInt("--batch"), [...d.batches]),
    )
    .option("--tile <n>", "tile side in input pixels", positiveInt("--tile"))
    .option(
      "--seconds <s>",
      "timed seconds per cell (after warm-up)",
      positiveNumber("--seconds"),
      d.seconds,
    )
    .option(
      "--frames <n>",
      "frames of generated media per e2e run",
      positiveInt("--frames"),
      d.e2eFrames,
    )
    .option(
      "--network <list>",
      `networks to time side by side, with fresh weights: ${NETWORK_NAMES.join(", ")} ` +
        "(default fsrcnn; fsrcnn-s is the small, fast one)",
      listOf(flagParser(parseNetwork)),
    )
    .option("--weights <file>", "weights to time instead (the file names its network)")
    .option("--threads <n>", "CPU threads for onnx", positiveInt("--threads"))
    .option("--json <file>", "write every cell as JSON")
    .option("--plot <file>", "write an SVG chart of fps by size")
    .option("--ffmpeg <path>", "ffmpeg binary")
    .addHelpText(
      "after",
      backendsHelp("the one upscale would use here", [
        "all",
        `every one available here but ${neverAuto().join(", ")}`,
      ]) +
        "\nA WebGPU backend on a software adapter (lavapipe, llvmpipe, SwiftShader) is timed only" +
        "\nwhen named; all skips it.",
    )
    .action((opts) =>
      runCommand(() =>
        withCancel(async (signal) => {
          const report = await benchmark({
            mode: opts.mode,
            sizes: opts.sizes,
            scales: opts.scales,
            backends: opts.backends,
            batches: opts.batch,
            tile: opts.tile,
            seconds: opts.seconds,
            e2eFrames: opts.frames,
            weights: opts.weights,
            networks: opts.network,
            threads: opts.threads,
            ffmpeg: opts.ffmpeg,
            signal,
            // The table prints as it is measured: a row appears as soon as its cell is done.
            onStart: (start) => console.log(formatBenchTableHead(start)),
            onCell: (c) => console.log(formatBenchTableRow(c)),
          });
          const foot = formatBenchTableFoot(report);
          if (foot) console.log(foot);
          if (opts.json) {
            await Deno.writeTextFile(opts.json, JSON.stringify(report, null, 2) + "\n");
          }
          if (opts.plot) await Deno.writeTextFile(opts.plot, plotBenchSvg(report));
        })
      )
    );
}
