/** Help texts about inference backends, all read from the library's backend table. */
import { BACKEND_NAMES, BACKENDS } from "../src/net/mod.ts";

/** The `--backend` choices in one phrase: "auto, webgpu, …, cpu or onnx". */
export function backendChoices(): string {
  const names = ["auto", ...BACKEND_NAMES];
  return `${names.slice(0, -1).join(", ")} or ${names[names.length - 1]}`;
}

/** The backends `auto` never picks (slow ones kept for cross-checks). */
export function neverAuto(): string[] {
  return BACKEND_NAMES.filter((n) => !("autoRank" in BACKENDS[n]));
}

/**
 * A help block for the end of a command's help: what `auto` means there (and any other word the
 * command takes, as [word, meaning]), then each backend and what runs it.
 */
export function backendsHelp(auto: string, ...words: Array<[string, string]>): string {
  const width = Math.max(...BACKEND_NAMES.map((n) => n.length));
  const row = (name: string, text: string) => `  ${name.padEnd(width)}  ${text}`;
  return [
    "",
    "Backends:",
    row("auto", auto),
    ...words.map(([word, meaning]) => row(word, meaning)),
    ...BACKEND_NAMES.map((n) => row(n, BACKENDS[n].description)),
  ].join("\n");
}
