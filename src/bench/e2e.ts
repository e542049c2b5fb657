/**
 * The end-to-end benchmark: a generated clip of the requested size goes through the whole
 * pipeline (decode → SR → encode with x264 ultrafast into a temporary file).
 */
import { makeTestClip } from "../ffmpeg/generate.ts";
import { tools } from "../ffmpeg/resolve.ts";
import { upscaleFile } from "../pipeline/upscale.ts";
import type { E2eRequest } from "./bench.ts";

const clips = new Map<string, Promise<string>>();

/** A cached clip per size and length, in a temporary folder removed at exit. */
async function clipFor(r: E2eRequest): Promise<string> {
  const key = `${r.width}x${r.height}x${r.frames}`;
  let p = clips.get(key);
  if (!p) {
    p = (async () => {
      const dir = await Deno.makeTempDir({ prefix: "fsrcnn-bench-" });
      globalThis.addEventListener("unload", () => {
        try {
          Deno.removeSync(dir, { recursive: true });
        } catch { /* already gone */ }
      });
      const path = `${dir}/${key}.mp4`;
      await makeTestClip(await tools(r.ffmpeg), path, { ...r, preset: "veryfast" });
      return path;
    })();
    clips.set(key, p);
  }
  return await p;
}

export async function runE2e(r: E2eRequest): Promise<{ frames: number; seconds: number }> {
  const input = await clipFor(r);
  const output = `${input.slice(0, -4)}.out.mkv`;
  try {
    const s = await upscaleFile({
      input,
      output,
      engine: r.engine,
      tile: r.tile,
      batch: r.batch,
      preset: "ultrafast",
      overwrite: true,
      ffmpeg: r.ffmpeg,
      signal: r.signal,
    });
    return { frames: s.frames, seconds: s.seconds };
  } finally {
    await Deno.remove(output).catch(() => {});
  }
}
