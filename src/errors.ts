/**
 * Typed errors. Library code throws these; only `cli/` turns them into a message and an
 * exit code. Each message is one line that names the file (when there is one) and the problem.
 *
 * Exit codes: {@link UsageError} 2; {@link InputError}, {@link WeightsError},
 * {@link OutputError} and {@link ToolError} 1; {@link CancelledError} 130.
 */

/**
 * Base class: an expected failure with a one-line message meant for the user. Anything else
 * that escapes the library (a plain `Error`, `RangeError`, …) is a bug or an environment
 * failure, not an expected one.
 *
 * @example Telling expected failures from bugs
 * ```ts
 * import { FsrcnnError, upscaleFile } from "@fsrcnn/deno";
 * try {
 *   await upscaleFile({ input: "in.mp4", output: "out.mp4" });
 * } catch (e) {
 *   if (!(e instanceof FsrcnnError)) throw e;
 *   console.error(e.message);
 *   Deno.exitCode = 1;
 * }
 * ```
 */
export class FsrcnnError extends Error {
  /** Process exit status the CLI uses for this failure: 1 unless a subclass overrides it. */
  readonly exitCode: number = 1;
  /**
   * An expected failure, reported to the user as `message`.
   *
   * @param message One line, meant for the user.
   * @param options Standard error options (e.g. `cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The caller asked for something impossible (bad flag, unsupported scale): exit 2. */
export class UsageError extends FsrcnnError {
  /** Always 2, the conventional status for bad usage. */
  override readonly exitCode = 2;
}

/** An input file is missing, unreadable, corrupt or of the wrong kind: exit 1. */
export class InputError extends FsrcnnError {
  /**
   * The message is `` `${path}: ${problem}` ``.
   *
   * @param path The input file or folder at fault (kept as the `path` property).
   * @param problem What is wrong with it, e.g. `"no such file"`.
   * @param options Standard error options (e.g. `cause`).
   */
  constructor(readonly path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options);
  }
}

/**
 * A weights or checkpoint file is missing, corrupt, or does not match the expected model
 * (scale, shape): exit 1. A kind of {@link InputError}.
 */
export class WeightsError extends InputError {}

/**
 * An output cannot be written (it exists and overwriting was not asked for, it is a folder, its
 * folder is missing or not writable): exit 1.
 */
export class OutputError extends FsrcnnError {
  /**
   * The message is `` `${path}: ${problem}` ``.
   *
   * @param path The output file or folder at fault (kept as the `path` property).
   * @param problem What is wrong with it, e.g. `"already exists"`.
   * @param options Standard error options (e.g. `cause`).
   */
  constructor(readonly path: string, problem: string, options?: ErrorOptions) {
    super(`${path}: ${problem}`, options);
  }
}

/**
 * An external tool (ffmpeg, ffprobe) failed or could not start; the message carries the tail of
 * its stderr: exit 1.
 */
export class ToolError extends FsrcnnError {}

/** The operation was cancelled (AbortSignal, Ctrl-C): exit 130. */
export class CancelledError extends FsrcnnError {
  /** Always 130, the shell's status for a process stopped by SIGINT (128 + 2). */
  override readonly exitCode = 130;
  /**
   * A cancellation, reported as `message`.
   *
   * @param message One line; default `"cancelled"`.
   */
  constructor(message = "cancelled") {
    super(message);
  }
}
