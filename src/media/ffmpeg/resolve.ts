/**
 * Finding ffmpeg and ffprobe: the `--ffmpeg` flag or FFMPEG_PATH first, then `ffmpeg` on
 * PATH, then the binaries embedded in npm:@ffmpeg-installer/ffmpeg and
 * npm:@ffprobe-installer/ffprobe (which need no install step of their own).
 */
import { UsageError } from "../../core/errors.ts";

export type ToolSource = "flag" | "env" | "path" | "embedded";

export interface FfmpegTools {
  ffmpeg: string;
  ffprobe: string;
  /** Where ffmpeg was found. */
  source: ToolSource;
}

export interface ResolveOptions {
  /** Explicit ffmpeg binary (the `--ffmpeg` flag). */
  ffmpeg?: string;
  /** Environment lookup, replaceable in tests. */
  env?: (name: string) => string | undefined;
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    const st = await Deno.stat(path);
    return st.isFile && ((st.mode ?? 0o111) & 0o111) !== 0;
  } catch {
    return false;
  }
}

async function onPath(name: string, pathVar: string | undefined): Promise<string | null> {
  for (const dir of (pathVar ?? "").split(":")) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    if (await isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/** ffprobe next to a given ffmpeg binary, if there is one. */
async function siblingProbe(ffmpeg: string): Promise<string | null> {
  const slash = ffmpeg.lastIndexOf("/");
  if (slash < 0) return null;
  const candidate = `${ffmpeg.slice(0, slash + 1)}${
    ffmpeg.slice(slash + 1).replace("ffmpeg", "ffprobe")
  }`;
  return candidate !== ffmpeg && await isExecutableFile(candidate) ? candidate : null;
}

/**
 * The embedded binaries. The ffprobe package sets its executable bit in an npm install
 * script, which Deno does not run, so we set it on first use.
 */
async function embedded(): Promise<{ ffmpeg: string; ffprobe: string }> {
  const [{ default: ffmpegPkg }, { default: ffprobePkg }] = await Promise.all([
    import("@ffmpeg-installer/ffmpeg"),
    import("@ffprobe-installer/ffprobe"),
  ]);
  for (const path of [ffmpegPkg.path, ffprobePkg.path]) {
    if (!(await isExecutableFile(path))) {
      try {
        const mode = (await Deno.stat(path)).mode ?? 0o644;
        await Deno.chmod(path, mode | 0o111);
      } catch {
        // Reported below by the caller's check.
      }
    }
  }
  return { ffmpeg: ffmpegPkg.path, ffprobe: ffprobePkg.path };
}

/** Resolves ffmpeg and ffprobe in the documented order. */
export async function resolveFfmpeg(options: ResolveOptions = {}): Promise<FfmpegTools> {
  const env = options.env ?? ((n: string) => Deno.env.get(n));
  const explicit = options.ffmpeg ?? env("FFMPEG_PATH");
  if (explicit) {
    const source: ToolSource = options.ffmpeg ? "flag" : "env";
    const path = explicit.includes("/") ? explicit : await onPath(explicit, env("PATH"));
    if (!path || !(await isExecutableFile(path))) {
      throw new UsageError(
        `${explicit}: ffmpeg not found or not executable` +
          (source === "env" ? " (from FFMPEG_PATH)" : ""),
      );
    }
    const probe = env("FFPROBE_PATH") ?? await siblingProbe(path) ??
      await onPath("ffprobe", env("PATH")) ?? (await embedded()).ffprobe;
    return { ffmpeg: path, ffprobe: probe, source };
  }
  const fromPath = await onPath("ffmpeg", env("PATH"));
  if (fromPath) {
    const probe = env("FFPROBE_PATH") ?? await siblingProbe(fromPath) ??
      await onPath("ffprobe", env("PATH")) ?? (await embedded()).ffprobe;
    return { ffmpeg: fromPath, ffprobe: probe, source: "path" };
  }
  const e = await embedded();
  return { ...e, source: "embedded" };
}

let cached: Promise<FfmpegTools> | undefined;
let cachedKey: string | undefined;

/** resolveFfmpeg, memoised per explicit path (probing the file system once per process). */
export function tools(ffmpeg?: string): Promise<FfmpegTools> {
  const key = ffmpeg ?? "";
  if (!cached || cachedKey !== key) {
    cachedKey = key;
    cached = resolveFfmpeg({ ffmpeg });
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
