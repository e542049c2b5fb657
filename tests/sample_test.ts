/**
 * The pictures `upscale` measures before choosing weights: a handful of frames from the start
 * of the input, decoded as the pipeline decodes them, each exactly the frame it claims to be.
 */
import assert from "node:assert/strict";
import { fileInput } from "../src/media/ffmpeg/input_name.ts";
import { probe } from "../src/media/ffmpeg/probe.ts";
import {
  measureInput,
  SAMPLE_FRAMES,
  sampleApart,
  sampleLuma,
  type SampleSource,
} from "../src/upscale/sample.ts";
import { CAPS, decodeRaw, ffmpeg, makeClip, tempDir, TOOLS } from "./helpers.ts";

Deno.test("sampleApart: a second apart, closer in inputs shorter than the pictures", () => {
  const cases: [number | undefined, number][] = [[7200, 1], [6, 1], [2.4, 0.4], [0.12, 0.02], [
    undefined,
    1,
  ], [0, 1]];
  for (const [seconds, apart] of cases) {
    assert.ok(Math.abs(sampleApart(seconds, SAMPLE_FRAMES) - apart) < 1e-12, `${seconds}`);
  }
});

async function source(path: string): Promise<SampleSource> {
  const info = await probe(TOOLS, path);
  return { ...fileInput(path), info, expectedFrames: info.video!.frameCount, video: true };
}

Deno.test("sampleLuma: the video's keyframes, a time apart, their Y planes exactly", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const frameBytes = 64 * 48 * 1.5;
    // 60 frames at 25 fps (2.4 s): pictures 0.4 s (10 frames) apart, keyframes only.
    const cases = [
      { gop: 10, frames: [0, 10, 20, 30, 40, 50] },
      { gop: 25, frames: [0, 25, 50] },
      { gop: 4, frames: [0, 12, 24, 36, 48] },
    ];
    for (const c of cases) {
      const clip = await makeClip(`${dir}/gop${c.gop}.mp4`, {
        frames: 60,
        gop: c.gop,
        audio: false,
      });
      const all = await decodeRaw(clip);
      const planes = await Array.fromAsync(sampleLuma(TOOLS, CAPS, await source(clip)));
      assert.equal(planes.length, Math.min(c.frames.length, 6), `gop ${c.gop}`);
      for (const [i, { plane, maxValue }] of planes.entries()) {
        assert.equal(maxValue, 255);
        assert.deepEqual([plane.width, plane.height], [64, 48]);
        const at = c.frames[i] * frameBytes;
        assert.deepEqual(plane.data, all.subarray(at, at + 64 * 48), `gop ${c.gop}: ${i}`);
      }
    }
    // A 10-bit video is measured in 10-bit codes.
    const deep = await makeClip(`${dir}/deep.mkv`, { frames: 3, tenBit: true, audio: false });
    const [first] = await Array.fromAsync(sampleLuma(TOOLS, CAPS, await source(deep)));
    assert.equal(first.maxValue, 1023);
    assert.ok(first.plane.data instanceof Uint16Array);
  } finally {
    await cleanup();
  }
});

Deno.test("measureInput: a still image; null for what does not decode", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const png = `${dir}/still.png`;
    await ffmpeg("-f", "lavfi", "-i", "mandelbrot=size=320x240", "-frames:v", "1", png);
    const info = await probe(TOOLS, png);
    const s = await measureInput(TOOLS, CAPS, { ...fileInput(png), info, video: false });
    assert.ok(s !== null && s.detailedTiles > 16, JSON.stringify(s));
    // A file that stops being decodable after the probe: no statistics, and no error (the
    // upscaling that follows reports the input's problems).
    await Deno.writeFile(png, new Uint8Array(100));
    assert.equal(await measureInput(TOOLS, CAPS, { ...fileInput(png), info, video: false }), null);
  } finally {
    await cleanup();
  }
});
