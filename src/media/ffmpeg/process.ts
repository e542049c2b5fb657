/**
 * Running ffmpeg/ffprobe. This folder is the only place in the project that spawns
 * processes; everything else goes through its functions. Arguments are always passed as an
 * array (never through a shell).
 */
import { CancelledError, ToolError } from "../../core/errors.ts";

export interface RunResult {
  code: number;
  stdout: Uint8Array;
  stderr: string;
}

export interface RunOptions {
  /** Bytes for the tool's stdin; a stream is read only as far as the tool takes it. */
  stdin?: Uint8Array | ReadableStream<Uint8Array>;
  signal?: AbortSignal;
}

/**
 * The last few non-empty lines of a tool's stderr, joined into one line for messages.
 * ffmpeg's "Last message repeated N times" lines say nothing by themselves and are skipped.
 */
export function stderrTail(stderr: string, lines = 3): string {
  return stderr.split("\n").map((l) => l.trim())
    .filter((l) => l.length > 0 && !/^Last message repeated \d+ times?$/.test(l))
    .slice(-lines).join(" | ");
}

/** Runs a tool to completion and collects its output. */
export async function runTool(
  path: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  options.signal?.throwIfAborted();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(path, {
      args,
      stdin: options.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).spawn();
  } catch (e) {
    throw new ToolError(`cannot start ${path}: ${(e as Error).message}`);
  }
  // Input is written while the output is read: a tool that writes before it has read all its
  // input (one frame out per frame in) would otherwise fill its stdout pipe and wait for us
  // while we wait for it to take the rest of its input.
  const stdin = options.stdin;
  const writing = stdin ? feed(child, stdin) : Promise.resolve();
  const out = await child.output().finally(() => writing).catch((e) => {
    if (options.signal?.aborted) throw new CancelledError();
    throw e;
  });
  if (options.signal?.aborted) throw new CancelledError();
  return { code: out.code, stdout: out.stdout, stderr: new TextDecoder().decode(out.stderr) };
}

/**
 * Writes `bytes` to a child's stdin and closes it. A tool that exits early closes its stdin
 * (its exit status tells the real story); a stream is then read no further.
 */
export async function feed(
  child: Deno.ChildProcess,
  bytes: Uint8Array | ReadableStream<Uint8Array>,
): Promise<void> {
  const w = child.stdin.getWriter();
  if (bytes instanceof Uint8Array) {
    await w.write(bytes).catch(() => {});
    await w.close().catch(() => {});
    return;
  }
  const r = bytes.getReader();
  // A tool that is done reading may still be running: stop feeding it once it exits.
  child.status.then(() => r.cancel().catch(() => {}), () => {});
  try {
    for (;;) {
      const { value, done } = await r.read();
      if (done) break;
      await w.write(value);
    }
    await w.close();
  } catch {
    await r.cancel().catch(() => {});
    await w.abort().catch(() => {});
  }
}

export interface SpawnOptions {
  stdin: "piped" | "null";
  /** `inherit`: the tool writes to our own standard output. */
  stdout: "piped" | "null" | "inherit";
}

/** A running tool with its stderr collected in the background (for error messages). */
export interface SpawnedTool {
  child: Deno.ChildProcess;
  /** Resolves with the exit status and the full stderr once the process has exited. */
  done: Promise<{ code: number; signal: Deno.Signal | null; stderr: string }>;
  /** Sends SIGTERM (then SIGKILL after a grace period) if the process is still running. */
  kill(): void;
}

/** Starts a long-running tool with raw pipes; the caller streams stdin/stdout. */
export function spawnTool(path: string, args: string[], options: SpawnOptions): SpawnedTool {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(path, {
      args,
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: "piped",
      // A session of its own: Ctrl-C in a terminal reaches this process alone, which decides
      // what the tools do (a streamed input is ended and its output finished, not cut off).
      detached: true,
    }).spawn();
  } catch (e) {
    throw new ToolError(`cannot start ${path}: ${(e as Error).message}`);
  }
  let exited = false;
  const stderrText = new Response(child.stderr).text();
  const done = (async () => {
    const status = await child.status;
    exited = true;
    return { code: status.code, signal: status.signal, stderr: await stderrText.catch(() => "") };
  })();
  const kill = () => {
    if (exited) return;
    try {
      child.kill("SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      if (!exited) {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }
    }, 2000);
    done.finally(() => clearTimeout(timer));
  };
  return { child, done, kill };
}
