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
