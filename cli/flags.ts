/**
 * The command line's flags: the value parsers every command uses, and the options that
 * `upscale` and `upscale plan` share. Each parser throws commander's InvalidArgumentError,
 * which commander reports in one line naming the flag and the value, and which exits 2; a
 * library parser's UsageError becomes one through {@link flagParser}.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  BACKEND_NAMES,
  type BackendChoice,
  DEINTERLACE_MODES,
  isShippedChoice,
  OptionError,
  SHIPPED_CHOICES,
  type ShippedChoice,
  UsageError,
} from "../mod.ts";
import type { PlanSettingsOptions } from "../src/jobs/mod.ts";
import { checkDegradations, DEGRADATION_REGISTRY, type DegradationName } from "../src/eval/mod.ts";
import type { BenchBackend } from "../src/bench/mod.ts";
import { backendChoices } from "./backends.ts";

/** Parser for a positive integer flag value. */
export function positiveInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} must be a positive integer.`);
    }
    return n;
  };
}

/** Parser for a positive number flag value. */
export function positiveNumber(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
      throw new InvalidArgumentError(`${flag} must be a positive number.`);
    }
    return n;
  };
}

/** Parser for a number ≥ 0 (e.g. `--crf 0`, lossless in x264 and x265). */
export function nonNegativeNumber(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${flag} must be a number, 0 or more.`);
    }
    return n;
  };
}

/** Parser for an x264 CRF: a whole number from 0 to 51. */
export function x264Crf(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n > 51) {
      throw new InvalidArgumentError(`${flag} must be an integer from 0 to 51.`);
    }
    return n;
  };
}

/** Parser for a comma-separated list of names: each trimmed, empty ones dropped. */
export function nameList(value: string): string[] {
  return value.split(",").map((n) => n.trim()).filter((n) => n.length > 0);
}

/** Parser for a comma-separated list of degradation names (eval's and train's suite). */
export function degradationList(flag: string): (value: string) => DegradationName[] {
  return (value: string) => {
    try {
      return checkDegradations(nameList(value));
    } catch (e) {
      if (e instanceof OptionError) throw new InvalidArgumentError(`${flag} ${e.problem}.`);
      throw e;
    }
  };
}

/** The degradations `--degradations` takes, one a line, for a command's help. */
export function degradationsHelp(): string {
  const width = Math.max(...DEGRADATION_REGISTRY.map((d) => d.name.length));
  return [
    "",
    "Degradations (--degradations):",
    ...DEGRADATION_REGISTRY.map((d) => `  ${d.name.padEnd(width)}  ${d.describe}`),
  ].join("\n");
}

/** Parser for `--weights`: a shipped choice by name (`auto`, `paper`, …), else a file. */
export function weightsValue(
  flag: string,
): (value: string) => string | { shipped: ShippedChoice } {
  return (value: string) => {
    if (value.trim() === "") {
      throw new InvalidArgumentError(
        `${flag} must be ${SHIPPED_CHOICES.join(", ")} or a weights file.`,
      );
    }
    return isShippedChoice(value) ? { shipped: value } : value;
  };
}

/** Parser for a comma-separated list, each item parsed by `parse`. */
export function listOf<T>(parse: (item: string) => T): (value: string) => T[] {
  return (value: string) => value.split(",").map((s) => parse(s.trim()));
}

/**
 * A library parser (e.g. parseBackend, parseSizes) as a flag parser: the UsageError it throws
 * for a bad value becomes commander's one-line complaint.
 */
export function flagParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value: string) => {
    try {
      return parse(value);
    } catch (e) {
      if (e instanceof UsageError) throw new InvalidArgumentError(`${e.message}.`);
      throw e;
    }
  };
}

/** Parser for an integer flag value that may be 0. */
export function nonNegativeInt(flag: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} must be an integer, 0 or more.`);
    }
    return n;
  };
}

/**
 * Parses a backend name: `auto` or one of the library's backends.
 *
 * @throws {UsageError} Any other value.
 */
export function parseBackend(value: string): BackendChoice {
  if (value === "auto" || (BACKEND_NAMES as readonly string[]).includes(value)) {
    return value as BackendChoice;
  }
  throw new UsageError(`unknown backend "${value}" (choose auto, ${BACKEND_NAMES.join(", ")})`);
}

/**
 * Parses one `bench --backends` item: a backend name, `auto` or `all`.
 *
 * @throws {UsageError} Any other value.
 */
export function parseBenchBackend(value: string): BenchBackend {
  if (value === "all") return value;
  try {
    return parseBackend(value);
  } catch {
    throw new UsageError(
      `unknown backend "${value}" (choose auto, all, ${BACKEND_NAMES.join(", ")})`,
    );
  }
}

/**
 * Parses a `--sizes` value such as "480x270,1920x1080" into [width, height] pairs (pixels).
 *
 * @throws {UsageError} An item is not WIDTHxHEIGHT with positive integers.
 */
export function parseSizes(text: string): Array<[number, number]> {
  return text.split(",").map((s) => {
    const m = s.trim().match(/^(\d+)x(\d+)$/);
    if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
      throw new UsageError(`bad size "${s}" (expected WIDTHxHEIGHT, e.g. 480x270)`);
    }
    return [Number(m[1]), Number(m[2])] as [number, number];
  });
}

/** Splits `--encoder-args` into separate arguments: whitespace-separated, quotes group. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of text.matchAll(re)) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2] ?? m[3]);
  }
  return out;
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
        "models/fsrcnn_x<scale>.safetensors; video: for compressed video; fast, fast-paper: " +
        "the small FSRCNN-s network (x2) trained as video and paper are, faster, softer " +
        "pictures; or a weights file " +
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
