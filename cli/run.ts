/**
 * How every command ends: expected failures print one line and exit with their code
 * (2 usage, 1 failure, 130 cancelled); anything else is a bug, reported in one line without a
 * stack trace unless FSRCNN_DEBUG is set.
 */
import { InvalidArgumentError } from "commander";
import { CancelledError, FsrcnnError } from "../src/errors.ts";

/** Writes one line to stderr. */
export function printError(message: string): void {
  Deno.stderr.writeSync(new TextEncoder().encode(`fsrcnn: ${message}\n`));
}

/** Runs a command body and exits the process the way the CLI promises. */
export async function runCommand(body: () => Promise<void>): Promise<never> {
  try {
    await body();
    Deno.exit(0);
  } catch (e) {
    if (e instanceof FsrcnnError) {
      printError(e.message);
      Deno.exit(e.exitCode);
    }
    const err = e as Error;
    printError(`internal error: ${err?.message ?? String(e)}`);
    if (Deno.env.get("FSRCNN_DEBUG")) console.error(err?.stack);
    Deno.exit(1);
  }
}

/**
 * Runs `body` with an AbortSignal that fires on Ctrl-C (SIGINT) or SIGTERM, so that the
 * library can stop its children and clean up; the command then exits 130.
 */
export async function withCancel(body: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new CancelledError("interrupted"));
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    await body(controller.signal);
  } catch (e) {
    if (controller.signal.aborted) throw new CancelledError("interrupted");
    throw e;
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

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
