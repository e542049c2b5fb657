/**
 * Streamed inputs (standard input, a network URL, a device), which are read once, as they
 * come: their bytes as a stream in a container ffmpeg reads from a pipe, and a way to hand a
 * stream of bytes to ffmpeg as an extra input.
 *
 * A URL or a device is opened by one ffmpeg that copies every stream it holds, unchanged, into NUT on a
 * pipe: the URL is then opened once (a live server takes one client; a UDP port one
 * listener), and from there on it is read exactly as standard input is. NUT rather than
 * Matroska: Matroska written to a pipe needs AAC's configuration before the first packet,
 * which the ADTS audio of MPEG-TS (the usual live stream) only carries in its packets.
 */
import { InputError } from "../../core/errors.ts";
import { makeTaggedTempDir } from "../../core/leftovers.ts";
import { COMMON_ARGS } from "./args.ts";
import { type FfmpegInput, STANDARD_STREAM } from "./input_name.ts";
import { spawnTool, stderrTail } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/** A streamed input's bytes. */
export interface StreamedBytes {
  bytes: ReadableStream<Uint8Array>;
  /**
   * Ends the input where it has got to. A URL's reader is asked to finish its NUT (a clean
   * end); standard input is simply read no further.
   */
  stop(): void;
  /** Why the input could not be read, once its bytes have ended (null: it ended well). */
  problem(): Promise<string | null>;
  /** Ends whatever reads the input (idempotent). */
  close(): Promise<void>;
}

/**
 * Opens `name`: `-` for standard input, a URL (see isNetworkUrl), or whatever ffmpeg's
 * `inputFormat` (a demuxer or an input device) takes as its name; standard input is probed.
 */
export function openStreamedInput(
  tools: FfmpegTools,
  name: string,
  inputFormat?: string,
): StreamedBytes {
  if (name === STANDARD_STREAM) {
    const reader = Deno.stdin.readable.getReader();
    let stopped = false;
    const bytes = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = stopped ? { done: true as const } : await reader.read();
        if (next.done || stopped) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: () => reader.cancel().catch(() => {}),
    }, { highWaterMark: 0 });
    return {
      bytes,
      stop: () => {
        stopped = true;
        reader.cancel().catch(() => {});
      },
      problem: () => Promise.resolve(null),
      close: () => reader.cancel().catch(() => {}),
    };
  }
  const proc = spawnTool(tools.ffmpeg, [
    ...COMMON_ARGS,
    ...(inputFormat === undefined ? [] : ["-f", inputFormat]),
    "-i",
    name,
    // Every stream as it is, but data streams (timed metadata), which NUT does not hold.
    ...["-map", "0", "-dn", "-c", "copy", "-f", "nut", "pipe:1"],
  ], { stdin: "null", stdout: "piped" });
  return {
    bytes: proc.child.stdout,
    stop: () => {
      // ffmpeg ends its output cleanly on an interrupt.
      try {
        proc.child.kill("SIGINT");
      } catch { /* already gone */ }
    },
    problem: async () => {
      const { code, stderr, signal } = await proc.done;
      if (code === 0 || signal) return null;
      return stderrTail(stderr, 1).replace(/^.*?: /, "") || `ffmpeg exit status ${code}`;
    },
    close: async () => {
      proc.kill();
      await proc.done;
    },
  };
}

/** The reason a streamed input gave no media, as an error naming it. */
export async function unreadable(name: string, input: StreamedBytes): Promise<InputError> {
  const why = await input.problem();
  return new InputError(name, why ? `cannot read (${why})` : "is not a media stream");
}

/** A stream of bytes that an ffmpeg reads as an input of its own. */
export interface ServedInput extends FfmpegInput {
  /** Stops serving and removes the socket (idempotent). */
  close(): Promise<void>;
}

/**
 * Serves `bytes` to the one ffmpeg that opens the returned input (a Unix socket in a private
 * folder: only this user can connect, and nothing else can read it first). ffmpeg is given
 * two inputs on one command line this way, while its stdin carries the other.
 */
export async function serveBytes(bytes: ReadableStream<Uint8Array>): Promise<ServedInput> {
  const dir = await makeTaggedTempDir("fsrcnn-socket-");
  const path = `${dir}/input`;
  const listener = Deno.listen({ transport: "unix", path });
  let served = false;
  const serving = (async () => {
    try {
      const conn = await listener.accept();
      served = true;
      listener.close();
      await bytes.pipeTo(conn.writable).catch(() => {});
    } catch {
      // Closed before anyone connected.
    }
  })();
  let closed: Promise<void> | null = null;
  return {
    input: `unix:${path}`,
    inputOptions: [],
    close: () =>
      closed ??= (async () => {
        if (!served) {
          try {
            listener.close();
          } catch { /* closed */ }
          await bytes.cancel().catch(() => {});
        }
        await serving;
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      })(),
  };
}
