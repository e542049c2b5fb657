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
