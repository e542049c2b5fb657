/**
 * Typed errors. Library code throws these; only `cli/` turns them into words about its flags
 * and into exit codes. Each message is one line that names the file (when there is one) and the
 * problem; facts a caller may act on (the option at fault, an output that exists, frames that
 * could be kept) are properties, so that no message needs to suggest a remedy in any one
 * interface's terms.
 */

/**
 * Base class: an expected failure with a one-line message meant for the user. Anything else
 * that escapes the library (a plain `Error`, `RangeError`, …) is a bug or an environment
 * failure, not an expected one.
 *
 * @example Telling expected failures from bugs
 * ```ts
 * import { FsrcnnError, upscaleFile, UsageError } from "@fsrcnn/deno";
 * try {
 *   await upscaleFile({ input: "in.mp4", output: "out.mp4" });
 * } catch (e) {
 *   if (!(e instanceof FsrcnnError)) throw e;
 *   console.error(e.message);
 *   Deno.exitCode = e instanceof UsageError ? 2 : 1;
 * }
 * ```
 */
export class FsrcnnError extends Error {
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

/**
 * The caller asked for something impossible (an unsupported scale, an output of the wrong kind
 * for its input, a backend this machine lacks).
 */
export class UsageError extends FsrcnnError {}

/**
 * One option has a value that cannot work. The message is `` `${option} ${problem}` ``, e.g.
 * `fps must be positive (got 0)`; an interface with its own spelling of the option (a CLI flag)
 * can put that spelling before `problem`.
 */
export class OptionError extends UsageError {
  /**
   * A bad value of one option, reported as `` `${option} ${problem}` ``.
   *
   * @param option The option at fault, as named in the options object (e.g. `"fps"`).
   * @param problem What is wrong with its value, phrased to follow the option's name.
   * @param options Standard error options (e.g. `cause`).
   */
  constructor(readonly option: string, readonly problem: string, options?: ErrorOptions) {
    super(`${option} ${problem}`, options);
  }
}

/** An input file is missing, unreadable, corrupt or of the wrong kind. */
export class InputError extends FsrcnnError {
  /**
   * Frames upscaled before the input turned out corrupt or truncated, which were discarded
   * and which `keepPartial` would have kept as a complete, shorter output; 0 otherwise.
   */
  readonly keepableFrames: number;
  /**
   * The option whose limit the input is over (e.g. `maxPixels`), when raising that limit
   * would let it through.
   */
  readonly overLimit?: string;
  /**
   * The message is `` `${path}: ${problem}` ``.
   *
   * @param path The input file or folder at fault (kept as the `path` property).
   * @param problem What is wrong with it, e.g. `"no such file"`.
   * @param options Standard error options (e.g. `cause`), `keepableFrames` and `overLimit`.
   */
  constructor(
    readonly path: string,
    problem: string,
    options?: ErrorOptions & { keepableFrames?: number; overLimit?: string },
  ) {
    super(`${path}: ${problem}`, options);
    this.keepableFrames = options?.keepableFrames ?? 0;
    this.overLimit = options?.overLimit;
  }
}

/**
 * A weights or checkpoint file is missing, corrupt, or does not match the expected model
 * (scale, shape). A kind of {@link InputError}.
 */
export class WeightsError extends InputError {}

/**
 * An output cannot be written (it exists and overwriting was not asked for, it is a folder, its
 * folder is missing or not writable).
 */
export class OutputError extends FsrcnnError {
  /**
   * True when the only obstacle is that `path` exists (before or by the end of the run) and
   * overwriting was not asked for: the same call with `overwrite` would replace it.
   */
  readonly exists: boolean;
  /**
   * The message is `` `${path}: ${problem}` ``.
   *
   * @param path The output file or folder at fault (kept as the `path` property).
   * @param problem What is wrong with it, e.g. `"already exists"`.
   * @param options Standard error options (e.g. `cause`), and `exists`.
   */
  constructor(
    readonly path: string,
    problem: string,
    options?: ErrorOptions & { exists?: boolean },
  ) {
    super(`${path}: ${problem}`, options);
    this.exists = options?.exists ?? false;
  }
}

/**
 * The work folder of a segmented run cannot be used: it was made for another input or with
 * other settings, or it is not a work folder at all. It is left as it is. A kind of
 * {@link OutputError} (its `path` is the output); `restart` discards it.
 */
export class WorkFolderError extends OutputError {
  /**
   * The message is `` `${path}: the work folder ${work} ${problem}` ``.
   *
   * @param path The output the work folder belongs to (or the folder itself).
   * @param work The work folder (kept as the `work` property).
   * @param problem Why it cannot be used, e.g. `"was made for another input"` (kept as the
   *   `problem` property).
   */
  constructor(path: string, readonly work: string, readonly problem: string) {
    super(path, `the work folder ${work} ${problem}`);
  }
}

/**
 * An external tool (ffmpeg, ffprobe) failed or could not start; the message carries the tail of
 * its stderr.
 */
export class ToolError extends FsrcnnError {}

/** The operation was cancelled (AbortSignal, Ctrl-C). */
export class CancelledError extends FsrcnnError {
  /**
   * A cancellation, reported as `message`.
   *
   * @param message One line; default `"cancelled"`.
   */
  constructor(message = "cancelled") {
    super(message);
  }
}
