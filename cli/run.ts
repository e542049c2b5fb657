/**
 * How every command ends: expected failures print one line and exit with their code
 * (2 usage, 1 failure, 128 + the signal's number when a signal stopped it); anything else is a bug, reported in one line without a
 * stack trace unless FSRCNN_DEBUG is set. The library's errors carry facts; the words about
 * this command line's flags are chosen here.
 */
import { CommanderError, InvalidArgumentError } from "commander";
import {
  CancelledError,
  FsrcnnError,
  InputError,
  OptionError,
  OutputError,
  UsageError,
  WorkFolderError,
} from "../src/core/errors.ts";
import { checkDegradations, DEGRADATION_REGISTRY } from "../src/eval/degradations/registry.ts";
import {
  type DegradationName,
  isShippedChoice,
  SHIPPED_CHOICES,
  type ShippedChoice,
} from "../mod.ts";

/** Exit statuses: success, failure, bad usage, interrupted (128 + SIGINT, as for SIGTERM's below). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/**
 * The signals that stop a command cleanly, the word said for each and the exit status the
 * shells' convention gives (128 + the signal's number): Ctrl-C, `kill` or a scheduler's stop
 * (`timeout`, Slurm, Kubernetes), and a closed terminal.
 */
const STOP_SIGNALS = {
  SIGINT: { said: "interrupted", exit: EXIT.interrupted },
  SIGTERM: { said: "terminated", exit: 143 },
  SIGHUP: { said: "hung up", exit: 129 },
} as const;

type StopSignal = keyof typeof STOP_SIGNALS;

/** A command stopped by a signal; it exits with that signal's status. */
class StoppedBySignal extends CancelledError {
  constructor(readonly by: StopSignal) {
    super(STOP_SIGNALS[by].said);
  }
}

/** Writes one line to stderr. */
export function printError(message: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`fsrcnn: ${message}\n`));
}

/** The exit status for an error that ends a command. */
export function exitCodeFor(e: unknown): number {
  if (e instanceof StoppedBySignal) return STOP_SIGNALS[e.by].exit;
  if (e instanceof CancelledError) return EXIT.interrupted;
  if (e instanceof UsageError || e instanceof CommanderError) return EXIT.usage;
  return EXIT.failure;
}

/** The flag of a library option: `pixFmt` → `--pix-fmt`. */
export function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The one line that reports an expected failure, in this command line's terms. */
export function describeError(e: FsrcnnError | InvalidArgumentError): string {
  if (e instanceof OptionError) return `${flagOf(e.option)} ${e.problem}`;
  if (e instanceof OutputError && e.exists) {
    return `${e.message} (use --overwrite or -y to replace it)`;
  }
  if (e instanceof WorkFolderError) return `${e.message} (--restart discards it)`;
  if (e instanceof InputError && e.keepableFrames > 0) {
    return `${e.message} (use --keep-partial to keep them)`;
  }
  if (e instanceof InputError && e.overLimit) return `${e.message} (${flagOf(e.overLimit)})`;
  return e.message;
}

/** Reports `e` in one line and exits with its status. */
export function exitWithError(e: unknown): never {
  if (e instanceof FsrcnnError || e instanceof InvalidArgumentError) {
    printError(describeError(e));
  } else {
    const err = e as Error;
    printError(`internal error: ${err?.message ?? String(e)}`);
    if (Deno.env.get("FSRCNN_DEBUG")) console.error(err?.stack);
  }
  Deno.exit(exitCodeFor(e));
}

/** Runs a command body and exits the process the way the CLI promises. */
export async function runCommand(body: () => Promise<void>): Promise<never> {
  try {
    await body();
  } catch (e) {
    exitWithError(e);
  }
  Deno.exit(EXIT.ok);
}

/**
 * Runs `body` with an AbortSignal that fires on Ctrl-C (SIGINT), SIGTERM or SIGHUP, so that
 * the library can stop its children and clean up; the command then exits 128 + the signal's
 * number (130, 143, 129). With `stop`, the first Ctrl-C aborts `stop` instead (a gentler end the
 * body asked for, such as finishing the output of a live stream), and only a second one cancels.
 */
export async function withCancel(
  body: (signal: AbortSignal, stop: AbortSignal) => Promise<void>,
  o: { stop?: boolean; onStop?: () => void } = {},
): Promise<void> {
  const controller = new AbortController();
  const stopper = new AbortController();
  const listeners = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((s) => {
    // The first signal decides the status; the cleanup it starts is not cut short.
    const cancel = () => controller.abort(new StoppedBySignal(s));
    const listener = s !== "SIGINT" || !o.stop ? cancel : () => {
      if (stopper.signal.aborted) return cancel();
      stopper.abort();
      o.onStop?.();
    };
    Deno.addSignalListener(s, listener);
    return () => Deno.removeSignalListener(s, listener);
  });
  try {
    await body(controller.signal, stopper.signal);
  } catch (e) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw e;
  } finally {
    for (const remove of listeners) remove();
  }
}

/*
 * Flag value parsers. Each throws commander's InvalidArgumentError, which commander reports
 * in one line naming the flag and the value, and which exits 2.
 */

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
