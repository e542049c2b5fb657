/**
 * ffmpeg processes as streams of frames: a decoder whose stdout (rawvideo in NUT) becomes a
 * ReadableStream of timestamped frames, and an encoder whose stdin takes frames through a
 * WritableStream. Both carry backpressure through the pipes, and both report failures as
 * one-line errors with the tail of ffmpeg's stderr.
 */
import { CancelledError, ToolError } from "../../core/errors.ts";
import type { Rational } from "../../core/rational.ts";
import { nutDemuxStream } from "../nut/demux.ts";
import type { NutPixFmt, NutStreamInfo } from "../nut/format.ts";
import { NutMuxer } from "../nut/mux.ts";
import { feed, spawnTool, stderrTail } from "./process.ts";

/** One raw frame and its presentation timestamp in the stream's time base. */
export interface RawFrame {
  pts: number;
  data: Uint8Array;
}

export interface Decoder {
  /** Resolves with the stream header (size, time base) before the first frame. */
  info: Promise<NutStreamInfo>;
  frames: ReadableStream<RawFrame>;
  /** Resolves with ffmpeg's exit code and stderr once it has exited. */
  exit: Promise<{ code: number; stderr: string }>;
  kill(): void;
}

/**
 * Starts `ffmpeg args` (which must write rawvideo in NUT to stdout). `frameSize` is the byte
 * size every frame must have; `stdin`, when given, is what ffmpeg reads as `pipe:0`.
 */
export function startDecoder(
  ffmpeg: string,
  args: string[],
  frameSize: number,
  stdin?: Uint8Array | ReadableStream<Uint8Array>,
): Decoder {
  const proc = spawnTool(ffmpeg, args, { stdin: stdin ? "piped" : "null", stdout: "piped" });
  if (stdin) feed(proc.child, stdin);
  const events = proc.child.stdout.pipeThrough(nutDemuxStream({ frameSize })).getReader();
  const exit = proc.done.then(({ code, stderr }) => ({ code, stderr }));
  // The stream header is read eagerly: callers need the time base before they start pulling.
  const info = (async () => {
    try {
      const first = await events.read();
      if (!first.done && first.value.type === "stream") return first.value.info;
    } catch {
      // Malformed output: ffmpeg's stderr says why.
    }
    const { code, stderr } = await exit;
    throw new ToolError(stderrTail(stderr) || `ffmpeg exited with status ${code} before any video`);
  })();
  info.catch(() => {});
  const frames = new ReadableStream<RawFrame>({
    async pull(controller) {
      await info;
      const next = await events.read();
      if (next.done) controller.close();
      else if (next.value.type === "frame") {
        controller.enqueue({ pts: next.value.pts, data: next.value.data });
      }
    },
    cancel: (reason) => events.cancel(reason),
  }, { highWaterMark: 1 });
  return { info, frames, exit, kill: proc.kill };
}

export interface EncoderStream {
  pixFmt: NutPixFmt;
  width: number;
  height: number;
  timeBase: Rational;
  frameRate?: Rational;
  sampleAspect?: Rational | null;
}

export interface Encoder {
  /** Write frames here; closing it finishes the file. */
  frames: WritableStream<RawFrame>;
  /** Resolves when ffmpeg has exited successfully; rejects with its error otherwise. */
  done: Promise<void>;
  /** Resolves with ffmpeg's exit status and stderr once it has exited. */
  exit: Promise<{ code: number; signal: Deno.Signal | null; stderr: string }>;
  kill(): void;
}

/**
 * Starts `ffmpeg args` (which must read rawvideo in NUT from stdin); `toStdout`: what it
 * writes to `pipe:1` goes to our own standard output.
 */
export function startEncoder(
  ffmpeg: string,
  args: string[],
  stream: EncoderStream,
  describe: string,
  toStdout = false,
): Encoder {
  const proc = spawnTool(ffmpeg, args, { stdin: "piped", stdout: toStdout ? "inherit" : "null" });
  const muxer = new NutMuxer({
    width: stream.width,
    height: stream.height,
    pixFmt: stream.pixFmt,
    timeBase: stream.timeBase,
    frameRate: stream.frameRate,
    sampleAspect: stream.sampleAspect ?? undefined,
  });
  const writer = proc.child.stdin.getWriter();
  const failure = async (): Promise<never> => {
    const { code, stderr } = await proc.done;
    throw new ToolError(
      `${describe}: ffmpeg failed (${stderrTail(stderr) || `exit status ${code}`})`,
    );
  };
  // A write into a dead encoder fails with a broken pipe; the real story is on its stderr.
  const write = (bytes: Uint8Array) => writer.write(bytes).catch(failure);
  let started = false;
  const frames = new WritableStream<RawFrame>({
    async write(frame) {
      if (!started) {
        started = true;
        await write(muxer.header());
      }
      for (const part of muxer.frame(frame.pts, frame.data)) await write(part);
    },
    async close() {
      if (!started) await write(muxer.header());
      const tail = muxer.end();
      if (tail.length > 0) await write(tail);
      await writer.close().catch(failure);
    },
    abort() {
      proc.kill();
    },
  }, { highWaterMark: 1 });
  const done = proc.done.then(({ code, stderr, signal }) => {
    if (code !== 0) {
      if (signal) throw new CancelledError();
      throw new ToolError(
        `${describe}: ffmpeg failed (${stderrTail(stderr) || `exit status ${code}`})`,
      );
    }
  });
  done.catch(() => {});
  return { frames, done, exit: proc.done, kill: proc.kill };
}
