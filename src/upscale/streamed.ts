/**
 * Opening a streamed input (standard input, a network URL): it is read once, from start to
 * end, and never sought in. Its first bytes are kept in memory (bounded) while ffprobe reads
 * them, so that probing takes nothing from the stream, and they serve again where a file
 * would have been opened a second time (the weights' sample, the trial encode). The run then
 * splits the stream in two, in step: the decoder reads one branch, and the encoder the other as
 * its second input, for the audio, subtitles, chapters and metadata it copies. Nothing is
 * spooled to disk.
 */
import { openStreamedInput, unreadable } from "../media/ffmpeg/live.ts";
import { probeStream } from "../media/ffmpeg/probe.ts";
import type { FfmpegTools } from "../media/ffmpeg/resolve.ts";
import { ReplayableBytes } from "./replay.ts";
import type { OpenedInput } from "./input.ts";
import { InputError } from "../core/errors.ts";

/** The most of a stream's start that is kept for probing and sampling. */
export const KEPT_START_BYTES = 32 << 20;

/**
 * How far each branch may run ahead of its reader. Until the encoder has probed its first
 * input (the upscaled frames) it reads nothing of its second, while the decoder has read what
 * its own probe needed (5 MB at most, ffmpeg's probe size) and a few frames more: the
 * encoder's branch holds all that.
 */
const DECODER_QUEUE_BYTES = 8 << 20;
const ENCODER_QUEUE_BYTES = 64 << 20;

/** A streamed input, probed: what the decoder and encoder read of it. */
export interface StreamedSource {
  /** The kept start of the input. */
  start: Uint8Array;
  /** The whole input, once: for the decoder, and for the encoder's second input. */
  split(): { decoder: ReadableStream<Uint8Array>; encoder: ReadableStream<Uint8Array> };
  /** Whether the input was ended by `stop`: its end is then no truncation. */
  stopped(): boolean;
}

/**
 * Opens and probes a streamed input; `stop` ends it where it has got to. `cleanups` closes
 * whatever reads it.
 *
 * @throws {InputError} It could not be opened, holds no media, or has no video.
 */
export async function openStreamed(
  tools: FfmpegTools,
  name: string,
  o: { inputFormat?: string; stop?: AbortSignal; signal?: AbortSignal },
  cleanups: Array<() => Promise<void>>,
): Promise<OpenedInput & { source: { streamed: StreamedSource } }> {
  const input = openStreamedInput(tools, name, o.inputFormat);
  const bytes = new ReplayableBytes(input.bytes, KEPT_START_BYTES);
  cleanups.push(async () => {
    await bytes.close();
    await input.close();
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    input.stop();
  };
  if (o.stop?.aborted) stop();
  o.stop?.addEventListener("abort", stop, { once: true });
  const info = await probeStream(tools, name, bytes.start(), o.signal);
  if (!info) throw await unreadable(name, input);
  if (!info.video) throw new InputError(name, "has no video stream");
  const streamed: StreamedSource = {
    start: bytes.kept(),
    split: () => {
      const [decoder, encoder] = bytes.branches([DECODER_QUEUE_BYTES, ENCODER_QUEUE_BYTES]);
      return { decoder, encoder };
    },
    stopped: () => stopped,
  };
  return {
    info,
    source: {
      path: name,
      kind: "video",
      info,
      input: "pipe:0",
      inputOptions: [],
      chromaLocation: info.video.chromaLocation,
      streamed,
    },
  };
}
