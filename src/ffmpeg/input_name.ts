/**
 * Turning user file names into ffmpeg input/output names that can only mean local files:
 * `http:…`, `concat:…`, `pipe:…` or `-foo` must never be read as protocols or options.
 */

/** Absolute, `file:`-prefixed name for a local path. */
export function localName(path: string): string {
  const abs = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  return `file:${abs}`;
}
