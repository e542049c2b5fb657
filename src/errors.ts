/**
 * Typed errors. Library code throws these; only `cli/` turns them into a message and an
 * exit code. Each message is one line that names the file (when there is one) and the problem.
 */

/** Base class: an expected failure with a one-line message meant for the user. */
export class FsrcnnError extends Error {
  /** Process exit status the CLI should use for this kind of failure. */
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller asked for something impossible (bad flag, unsupported scale): exit 2. */
export class UsageError extends FsrcnnError {
  override readonly exitCode = 2;
}

/** An input file is missing, unreadable, corrupt or of the wrong kind. */
export class InputError extends FsrcnnError {
  constructor(readonly path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options);
  }
}

/** A weights file is corrupt or does not match the expected model. */
export class WeightsError extends InputError {}

/** An output could not be written (exists, same as input, folder not writable). */
export class OutputError extends FsrcnnError {
  constructor(readonly path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options);
  }
}

/** An external tool (ffmpeg) failed; the message carries the tail of its stderr. */
export class ToolError extends FsrcnnError {}

/** The operation was cancelled (AbortSignal, Ctrl-C). */
export class CancelledError extends FsrcnnError {
  override readonly exitCode = 130;
  constructor(message = "cancelled") {
    super(message);
  }
}
