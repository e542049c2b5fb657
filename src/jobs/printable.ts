/**
 * Values that a work folder hands to other programs (plan.json, sbatch scripts and their log
 * names, Kubernetes YAML) are escaped where they are written; control characters are refused
 * before that, when the job is planned or submitted: a newline ends a shell comment or a YAML
 * line, and no path a user means has one.
 */
import { UsageError } from "../core/errors.ts";

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators (YAML 1.1 reads
// U+0085, U+2028 and U+2029 as line breaks).
// deno-lint-ignore no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Whether a value has a control character (see {@link checkPrintable}). */
export function hasControl(value: string): boolean {
  return CONTROL.test(value);
}

/**
 * Refuses a value with a control character (newline, tab, escape, …).
 *
 * @param value The value.
 * @param what What it is, to follow the value in the message, e.g. "the work folder".
 * @throws {UsageError} `"/a\nb": the work folder has a control character in its name`, the
 *   value shown as a JSON string so that the message stays one line.
 */
export function checkPrintable(value: string, what: string): void {
  if (hasControl(value)) {
    throw new UsageError(
      `${JSON.stringify(value)}: ${what} has a control character (newline, tab, …) in it`,
    );
  }
}
