/**
 * Turning user file names into ffmpeg inputs and output names that can only mean local files
 * (`http:…`, `concat:…`, `pipe:…` or `-foo` must never be read as protocols or options), and
 * saying how ffmpeg is to read them.
 */

/** Absolute, `file:`-prefixed name for a local path. */
export function localName(path: string): string {
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return `file:${abs}`;
}

/** An input as ffmpeg takes it: the options before `-i`, and the name after it. */
export interface FfmpegInput {
  input: string;
  inputOptions: string[];
}

/** A media file (video or image), the demuxer chosen by ffmpeg. */
export function fileInput(path: string): FfmpegInput {
  return { input: localName(path), inputOptions: [] };
}

/** A concat-demuxer list of files (`ffconcat` syntax), e.g. encoded segments to join. */
export function concatListInput(path: string): FfmpegInput {
  return { input: localName(path), inputOptions: ["-f", "concat", "-safe", "0"] };
}

/**
 * Numbered image files (`pattern` as image2 takes it, e.g. `frames/%06d.png`) read by the image2
 * demuxer from number `start`, at exactly `fps` frames per second.
 */
export function imageSequenceInput(pattern: string, start: number, fps: number): FfmpegInput {
  return {
    input: localName(pattern),
    inputOptions: ["-f", "image2", "-framerate", String(fps), "-start_number", String(start)],
  };
}

/** The name that stands for standard input (as an input) or standard output (as an output). */
export const STANDARD_STREAM = "-";

/**
 * Network protocols read as streams. Only names that start `scheme://` with one of these are
 * URLs: any other name, `http:x.mp4` or `concat:a|b` included, is a local file.
 */
const STREAM_SCHEMES = new Set([
  "http",
  "https",
  "rtmp",
  "rtmps",
  "srt",
  "udp",
  "rtp",
  "rtsp",
  "tcp",
]);

/** Whether `name` is a network URL ffmpeg is to open (see STREAM_SCHEMES). */
export function isNetworkUrl(name: string): boolean {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(name);
  return m !== null && STREAM_SCHEMES.has(m[1].toLowerCase());
}

/**
 * Whether an input is read once, as a stream, rather than opened as a file: standard input, a
 * network URL, or anything named with an input format (a device such as `v4l2`, `lavfi`'s
 * filter graphs). Such an input can be neither probed apart from reading it nor read twice.
 */
export function isStreamedInput(name: string, inputFormat?: string): boolean {
  return inputFormat !== undefined || name === STANDARD_STREAM || isNetworkUrl(name);
}

/** ffmpeg's name for an output: standard output for `-`, else the local file. */
export function outputName(path: string): string {
  return path === STANDARD_STREAM ? "pipe:1" : localName(path);
}
