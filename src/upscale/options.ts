/** The options and the result of {@link upscaleFile}. */
import type { DeinterlaceMode } from "../media/ffmpeg/interlace.ts";
import type { BackendChoice } from "../net/backends.ts";
import type { SrEngine } from "../net/engine.ts";
import type { LeftoverReport } from "../core/leftovers.ts";
import type { FsrcnnWeights } from "../net/weights/file.ts";
import type { WeightsChoice } from "../net/weights/choice.ts";
import type { ShippedChoice } from "../net/weights/shipped.ts";
import type { MediaKind } from "./kinds.ts";
import type { UpscaleProgress } from "./progress.ts";

/** What {@link upscaleFile} reads, writes and how; only `input` and `output` are required. */
export interface UpscaleOptions {
  /**
   * A video file, a still image (`.png`, `.jpg`, WebP, BMP, TIFF), a frame pattern such as
   * `frames/%06d.png`, or a folder of images (read in natural order). `-` reads a video from
   * standard input (any container ffmpeg reads from a pipe: Matroska, NUT, MPEG-TS, y4m), and
   * a URL (`http://`, `https://`, `rtmp://`, `rtmps://`, `srt://`, `udp://`, `rtp://`,
   * `rtsp://`, `tcp://`) a video from the network, live or not. Both are read once, as they
   * come, with bounded memory; any other name is a local file.
   */
  input: string;
  /**
   * A video file, an image (`.png`, `.jpg`; only for an image input), a frame pattern, or a
   * folder (frames written as `000001.png`, …). Written to a temporary name, renamed when done.
   * `-` writes the video to standard output as it is made (Matroska unless `format` says
   * otherwise), and nothing else goes there.
   */
  output: string;
  /**
   * An ffmpeg input format or device for `input` (what `-f` before `-i` says: `v4l2`,
   * `lavfi`, `x11grab`, `mpegts`, …). The input is then handed to ffmpeg as it is named,
   * never read as a local file, and read once as a stream, like a URL.
   */
  inputFormat?: string;
  /**
   * The ffmpeg muxer that writes standard output (`output: "-"`), e.g. `nut` or `mpegts`;
   * default `matroska`. Only for standard output.
   */
  format?: string;
  /**
   * Upscaling factor, 2, 3 or 4. Default: the weights' (or engine's) scale, else 2. When given,
   * it must match the weights or engine.
   */
  scale?: number;
  /**
   * Weights file, loaded weights, or shipped weights by name: `{ shipped: "auto" }` (the
   * default) chooses for each input from its first pictures (see {@link chooseWeights}), `{
   * shipped: "paper" }` the paper-protocol weights `models/fsrcnn_x<scale>.safetensors`, `{
   * shipped: "video" }` the weights for compressed video. Ignored when `engine` is
   * given.
   */
  weights?: string | FsrcnnWeights | { shipped: ShippedChoice };
  /** Inference backend; default `auto`. Ignored when `engine` is given. */
  backend?: BackendChoice;
  /**
   * An engine to use instead of creating one (its weights decide the scale); the caller keeps
   * ownership and disposes it. Lets several files share one warmed-up engine.
   */
  engine?: SrEngine;
  /** Tile (window) side in LR pixels, context included; default: what a 256 MiB budget fits. */
  tile?: number;
  /** Frames per engine call for videos and sequences (default 4). */
  batch?: number;
  /**
   * Video encoder for video outputs, an ffmpeg encoder name. Default: one that suits the
   * container, `libvpx-vp9` for WebM and `libx264` for the others (then the next this ffmpeg
   * has, told through `onNotice`).
   */
  codec?: string;
  /**
   * Encoder `-crf` (constant rate factor; lower is better quality). Default 18 for libx264,
   * libx264rgb and libx265 (visually near-lossless), 31 for libvpx-vp9 and 30 for libaom-av1;
   * for other encoders, none unless given.
   */
  crf?: number;
  /** Encoder `-preset`, e.g. `slow`; default: the encoder's own. */
  preset?: string;
  /** Output pixel format (`-pix_fmt`); default yuv420p, or yuv420p10le for deeper sources. */
  pixFmt?: string;
  /** Extra encoder arguments, one per element (no shell). */
  encoderArgs?: string[];
  /**
   * What to do with an interlaced video (one whose field order says so, or, when it says
   * nothing, in which ffmpeg's `idet` finds woven fields in its first pictures): `frame` (the
   * default) deinterlaces it with bwdif into one picture per frame, `field` into one picture
   * per field (twice the frame rate; such a video is made in one piece), `off` leaves the
   * fields woven (the network then upscales the combing). Told through `onNotice` either way.
   * Progressive video is never touched.
   */
  deinterlace?: DeinterlaceMode;
  /** Frame rate (frames per second) given to frame-sequence inputs (default 25). */
  fps?: number;
  /**
   * The largest input picture (a still, or one frame), in pixels; default 100 000 000
   * ({@link DEFAULT_MAX_PIXELS}). A larger one is an InputError (its `overLimit` is
   * `maxPixels`), found from the file's header before anything is decoded.
   */
  maxPixels?: number;
  /** Replace an existing output (default false: an existing output is an OutputError). */
  overwrite?: boolean;
  /**
   * When the input turns out corrupt or truncated, keep the frames upscaled so far as a
   * complete, playable output and report why in {@link UpscaleSummary.partial} (default false).
   */
  keepPartial?: boolean;
  /** CPU threads for the onnx backend; default: every core. */
  threads?: number;
  /**
   * Video to video: cut the video at its keyframes into segments of about this many seconds
   * (default 120; 0 keeps it in one piece), made one by one in a work folder beside the output
   * (`.NAME.fsrcnn-work`) and joined at the end without re-encoding. Calling again after an
   * interruption (even a crash or power cut) continues from the finished segments. Videos
   * shorter than 1.5 segments, `keepPartial` and a caller's `engine` are always one piece.
   */
  segmentSeconds?: number;
  /** Discard an existing work folder (another input's, or other settings') and start over. */
  restart?: boolean;
  /** Keep the work folder after the output is written (default: removed). */
  keepWork?: boolean;
  /**
   * ffmpeg binary (a path, or a name looked up on `PATH`); default: `FFMPEG_PATH`, then
   * `ffmpeg` on `PATH`, then the embedded one. ffprobe: `FFPROBE_PATH`, then beside ffmpeg,
   * then on `PATH`, then the embedded one.
   */
  ffmpeg?: string;
  /** Aborting stops the work, removes the temporary output and rejects with CancelledError. */
  signal?: AbortSignal;
  /**
   * Aborting ends a streamed input (`-`, a URL) where it has got to, and the output is then
   * finished with what was read, a complete file (for a live source, the way to end a
   * recording). Does nothing to other inputs.
   */
  stop?: AbortSignal;
  /**
   * Called with progress at most every 250 ms and once at the end (videos and sequences
   * only; a still image reports nothing).
   */
  onProgress?: (p: UpscaleProgress) => void;
  /**
   * Called, before any frame is upscaled, with each thing the output does differently from
   * the source: streams converted because the container cannot hold them as they are (AAC
   * audio into WebM becomes Opus), streams it cannot hold at all (an RTP hint track, an alpha
   * channel), another video encoder than the container's usual one, interlaced input and what
   * was done with it, pictures turned upright for a container that cannot store their display
   * rotation, a picture size that changes midway. One line each.
   */
  onNotice?: (notice: UpscaleNotice) => void;
  /**
   * Called once, before the engine is built, with the weights the run uses and why (for
   * `auto`, the statistics of the input's first pictures that decided it). Not called when
   * `engine` is given.
   */
  onWeights?: (choice: WeightsChoice) => void;
}

/** One line telling what the output does differently from the source (see `onNotice`). */
export interface UpscaleNotice {
  /**
   * `video-encoder`: the container's usual encoder is missing, another is used; `converted`:
   * streams the container cannot hold as they are are converted; `dropped`: streams it cannot
   * hold at all are left out; `work-folder`: a resumed run found a finished segment that does
   * not match its record (damaged, or recorded without a checksum: it is made again), or a
   * lock left by a process that is gone (taken over); `deinterlaced`: the input is interlaced
   * (and deinterlaced, or left so); `turned`: the pictures are turned upright because the
   * output cannot store the input's display rotation; `one-piece`: segments were asked for,
   * but a streamed input or standard output is made in one piece, or a video that cannot be
   * cut (MPEG-TS, in which ffmpeg cannot seek to a keyframe exactly); `resized`: the
   * picture size of a video file changes midway, and every frame is scaled to the first size.
   */
  kind:
    | "video-encoder"
    | "converted"
    | "dropped"
    | "work-folder"
    | "deinterlaced"
    | "turned"
    | "one-piece"
    | "resized";
  /** The line itself, starting with the output's name. */
  message: string;
}

/** What {@link upscaleFile} did. */
export interface UpscaleSummary {
  /** The input, as given. */
  input: string;
  /** The output, as given (now complete). */
  output: string;
  /** What kind of output was written. */
  kind: MediaKind;
  /** Frames written (1 for an image). */
  frames: number;
  /** Wall-clock seconds of the whole call, setup included. */
  seconds: number;
  /** `frames / seconds`: end-to-end frames per second. */
  fps: number;
  /** Output width in pixels (of the first picture, when a sequence's pictures differ in size). */
  width: number;
  /** Output height in pixels. */
  height: number;
  /** The backend that ran the network (see {@link BackendName}). */
  backend: string;
  /** Why the output is incomplete, when `keepPartial` kept a partial result. */
  partial?: string;
  /** Segmented runs: the number of segments. */
  segments?: number;
  /** Segmented runs: frames that earlier, interrupted runs had finished (in `frames`). */
  resumed?: number;
  /**
   * Temporaries of this output left by earlier runs that were killed: `removed` when their
   * process is gone, `kept` (left in place) when that could not be checked.
   */
  leftovers: LeftoverReport;
}
