/**
 * What the ffmpeg in use understands. Options were renamed over the years (`-vsync` became
 * `-fps_mode` in 5.1; rotation moved from a `rotate` tag to `-display_rotation` in 6.x), and
 * the embedded binary is a 2018 build while a user's may be current, so we ask the binary.
 */
import { runTool } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

export interface FfmpegCapabilities {
  /** `-fps_mode` exists (else `-vsync`). */
  fpsMode: boolean;
  /** `-display_rotation` exists (else the `rotate` stream tag is used). */
  displayRotation: boolean;
  /** `-enc_time_base` exists; `demux` is its spelling for "the input's time base" (else -1). */
  encTimeBase: "demux" | "-1" | null;
  /**
   * The Matroska muxer's `-default_mode` exists (ffmpeg 4.3+), whose default ("infer") marks
   * a track default when none of its kind is; `passthrough` writes the dispositions as given.
   */
  defaultMode: boolean;
  /** Encoder name → the codec it produces (`libvpx-vp9` → `vp9`, `aac` → `aac`). */
  encoders: Map<string, string>;
  /** Decoder names (`libvpx-vp9`, which reads VP9's alpha, is not always built in). */
  decoders: Set<string>;
  muxers: Set<string>;
  /** Demuxer and input device names (`matroska`, `lavfi`, `v4l2`, …). */
  demuxers: Set<string>;
}

const cache = new Map<string, Promise<FfmpegCapabilities>>();

/** Parses the names column of `ffmpeg -encoders` / `-muxers` listings. */
export function parseListing(text: string): Set<string> {
  const names = new Set<string>();
  let body = false;
  for (const line of text.split("\n")) {
    if (/^\s*-+\s*$/.test(line)) {
      body = true;
      continue;
    }
    const m = line.match(/^\s*[A-Z.]{1,6}\s+([\w,-]+)\s/);
    if (body && m) { for (const n of m[1].split(",")) names.add(n); }
  }
  return names;
}

/**
 * Parses `ffmpeg -encoders`: each encoder and the codec it makes, which the description names
 * as `(codec h264)` when it differs from the encoder's own name.
 */
export function parseEncoders(text: string): Map<string, string> {
  const encoders = new Map<string, string>();
  let body = false;
  for (const line of text.split("\n")) {
    if (/^\s*-+\s*$/.test(line)) {
      body = true;
      continue;
    }
    const m = line.match(/^\s*[A-Z.]{1,6}\s+([\w-]+)\s/);
    if (body && m) encoders.set(m[1], line.match(/\(codec (\w+)\)/)?.[1] ?? m[1]);
  }
  return encoders;
}

/** Parses `ffmpeg -h full` for the options we care about. */
export function parseHelp(
  text: string,
): Omit<FfmpegCapabilities, "encoders" | "decoders" | "muxers" | "demuxers"> {
  const has = (opt: string) => new RegExp(`^-${opt}\\b`, "m").test(text);
  const etb = text.match(/^-enc_time_base.*$/m)?.[0] ?? null;
  return {
    fpsMode: has("fps_mode"),
    displayRotation: has("display_rotation"),
    encTimeBase: etb === null ? null : /demux/.test(etb) ? "demux" : "-1",
    // A muxer's private option, listed indented under "matroska muxer AVOptions".
    defaultMode: /^\s+-default_mode\b/m.test(text),
  };
}

/** Capabilities of `tools.ffmpeg`, probed once per binary. */
export function capabilities(tools: FfmpegTools): Promise<FfmpegCapabilities> {
  let p = cache.get(tools.ffmpeg);
  if (!p) {
    p = (async () => {
      const [help, encoders, decoders, muxers, demuxers] = await Promise.all(
        [["-h", "full"], ["-encoders"], ["-decoders"], ["-muxers"], ["-demuxers"]].map((a) =>
          runTool(tools.ffmpeg, ["-hide_banner", ...a])
        ),
      );
      const dec = (b: Uint8Array) => new TextDecoder().decode(b);
      return {
        ...parseHelp(dec(help.stdout)),
        encoders: parseEncoders(dec(encoders.stdout)),
        decoders: parseListing(dec(decoders.stdout)),
        muxers: parseListing(dec(muxers.stdout)),
        demuxers: parseListing(dec(demuxers.stdout)),
      };
    })();
    cache.set(tools.ffmpeg, p);
  }
  return p;
}

/** First line of `ffmpeg -version`, e.g. "ffmpeg version 5.1.9-0+deb12u1". */
export async function ffmpegVersion(tools: FfmpegTools): Promise<string> {
  const r = await runTool(tools.ffmpeg, ["-hide_banner", "-version"]);
  const line = new TextDecoder().decode(r.stdout).split("\n")[0] ?? "";
  return line.replace(/\s+Copyright.*$/, "").trim() || "unknown";
}
