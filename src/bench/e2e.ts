/**
 * The end-to-end benchmark: a generated clip of the requested size goes through the whole
 * pipeline (decode → SR → encode with x264 ultrafast into a temporary file).
 */
import { makeTestClip } from "../media/ffmpeg/generate.ts";
import { makeTaggedTempDir } from "../core/leftovers.ts";
import { tools } from "../media/ffmpeg/resolve.ts";
import { upscaleFile } from "../jobs/upscale_file.ts";
import type { E2eRequest } from "./bench.ts";

/** Runs end-to-end measurements on generated clips kept until {@link E2eRunner.close}. */
export interface E2eRunner {
  /** One measurement: how many frames the whole pipeline made in how many seconds. */
  run(r: E2eRequest): Promise<{ frames: number; seconds: number }>;
  /** Removes the generated clips (and their folder). */
  close(): Promise<void>;
}

/**
 * An end-to-end runner whose clips (one per size and length, generated on first use) live in
 * one temporary folder until `close()`.
 */
export function e2eRunner(): E2eRunner {
  let dir: Promise<string> | undefined;
  const clips = new Map<string, Promise<string>>();
  const clipFor = (r: E2eRequest): Promise<string> => {
    const key = `${r.width}x${r.height}x${r.frames}`;
    let p = clips.get(key);
    if (!p) {
      dir ??= makeTaggedTempDir("fsrcnn-bench-");
      p = (async () => {
        const path = `${await dir}/${key}.mp4`;
        await makeTestClip(await tools(r.ffmpeg), path, { ...r, preset: "veryfast" });
        return path;
      })();
      clips.set(key, p);
    }
    return p;
  };
  return {
    async run(r) {
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
    },
    async close() {
      await Promise.allSettled(clips.values());
      if (dir) await Deno.remove(await dir, { recursive: true }).catch(() => {});
    },
  };
}
