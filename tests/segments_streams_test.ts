/**
 * End-to-end: a segmented run keeps what a one-piece run keeps of the source besides its
 * pixels: every stream's start time (A/V sync), every stream's tags and dispositions, and a
 * container's defaults (WebM: VP9, Opus, or Vorbis copied) with the same one-line notices.
 *
 * The clips are tiny (64x48, 40 frames at 25 fps, a keyframe every 12 frames); with 0.5 s
 * segments each is cut in two. Runs upscale ×2 with nearest-neighbour weights.
 */
import assert from "node:assert/strict";
import { upscaleFile, type UpscaleNotice, type UpscaleSummary } from "../mod.ts";
import {
  assertSameStarts,
  cli,
  decodedFrames,
  delayed,
  elementary,
  ffmpeg,
  labels,
  listDir,
  noWebm,
  packetMd5,
  stderrLines,
  streams,
  taggedMkv,
  tempDir,
  videoTimestamps,
  writeWeights,
} from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const CLIP = { frames: 40, gop: 12 };

interface Run {
  output: string;
  summary: UpscaleSummary;
  notices: UpscaleNotice[];
}

async function upscale(
  input: string,
  output: string,
  weights: string,
  segmentSeconds: number,
): Promise<Run> {
  const notices: UpscaleNotice[] = [];
  const summary = await upscaleFile({
    input,
    output,
    weights,
    segmentSeconds,
    onNotice: (n) => notices.push(n),
  });
  return { output, summary, notices };
}

/**
 * `input` upscaled into `seg.EXT` in segments (checked to be at least two) and into `one.EXT`
 * in one piece; each output's notices are named by the output, so they are told apart.
 */
async function segmentedAndOnePiece(dir: string, input: string, ext: string, name = "") {
  const weights = await writeWeights(dir, 2);
  const seg = await upscale(input, `${dir}/${name}seg.${ext}`, weights, 0.5);
  assert.ok((seg.summary.segments ?? 1) >= 2, `${seg.output}: ${seg.summary.segments} segments`);
  const one = await upscale(input, `${dir}/${name}one.${ext}`, weights, 0);
  assert.equal(one.summary.segments, undefined, `${one.output} was made in one piece`);
  return { seg, one };
}

/**
 * As segmentedAndOnePiece, through the CLI: `seg.EXT` (checked to be in segments) and
 * `one.EXT`, each with its stderr lines (the notices).
 */
async function cliSegmentedAndOnePiece(dir: string, input: string, ext: string, name = "") {
  const weights = await writeWeights(dir, 2);
  const upscale = async (out: string, seconds: string) => {
    const output = `${dir}/${name}${out}.${ext}`;
    const r = await cli([
      "upscale",
      "--weights",
      weights,
      "--segment-seconds",
      seconds,
      input,
      output,
    ]);
    assert.equal(r.code, 0, r.stderr);
    // The notices, and the summary line (`…: 30 frames 64x48 in 1.2 s (…, 2 segments)`).
    const lines = stderrLines(r.stderr);
    const summary = lines.filter((l) => l.startsWith(`${output}: `)).join("\n");
    return { output, summary, notices: lines.filter((l) => l.startsWith("fsrcnn: ")) };
  };
  const seg = await upscale("seg", "0.5");
  assert.match(seg.summary, /, [2-9] segments\)$/, seg.summary);
  const one = await upscale("one", "0");
  assert.match(one.summary, /frames .*[^s]\)$/, one.summary);
  return { seg, one };
}

/** Video and Opus audio, `frames` frames at 25 fps, a keyframe every 12, in MKV or WebM. */
async function opusClip(dir: string, ext: string, size: string, frames: number) {
  // Opus's pre-skip makes the audio start before the video (ffmpeg 5: -7 ms and 7 ms).
  const video = ext === "webm"
    ? ["-c:v", "libvpx-vp9", "-deadline", "realtime"]
    : ["-c:v", "libx264"];
  const input = `${dir}/opus.${ext}`;
  await ffmpeg(
    ...["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=25`],
    ...["-f", "lavfi", "-i", "sine=sample_rate=48000"],
    ...["-frames:v", String(frames), "-t", String(frames / 25)],
    ...video,
    ...["-g", String(CLIP.gop), "-pix_fmt", "yuv420p", "-c:a", "libopus", input],
  );
  return input;
}

/** One H.264 stream in `sizes.mkv` whose picture size changes: `frames` frames of each size. */
async function sizesClip(dir: string, sizes: string[], frames: number) {
  const parts = [];
  for (const size of sizes) {
    const part = `${dir}/${size}.ts`;
    await ffmpeg(
      ...["-f", "lavfi", "-i", `testsrc2=size=${size}:rate=25`, "-frames:v", String(frames)],
      ...["-c:v", "libx264", "-g", String(CLIP.gop), "-pix_fmt", "yuv420p", part],
    );
    parts.push(part);
  }
  const input = `${dir}/sizes.mkv`;
  await ffmpeg("-i", `concat:${parts.join("|")}`, "-c", "copy", input);
  return input;
}

/** Asserts that two outputs of the same input hold the same frames at the same times. */
async function sameVideo(a: string, b: string, frames: number) {
  assert.equal(await decodedFrames(a), frames);
  assert.equal(await decodedFrames(b), frames);
  assert.deepEqual(await videoTimestamps(a), await videoTimestamps(b));
}

Deno.test({
  ...opts,
  name: "segments keep A/V sync: video 0.5 s after its audio keeps every start time in MKV",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const clips = await elementary(dir, "libx264", "aac", CLIP);
      const input = await delayed(dir, "mkv", clips, "video");
      const { seg, one } = await segmentedAndOnePiece(dir, input, "mkv");
      await assertSameStarts(input, seg.output);
      await sameVideo(seg.output, one.output, CLIP.frames);
      assert.equal(await packetMd5(seg.output, "0:a"), await packetMd5(input, "0:a"));
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "segments keep tags: audio language/title and subtitle language/forced survive in MKV",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const input = await taggedMkv(dir, CLIP);
      const { seg } = await segmentedAndOnePiece(dir, input, "mkv");
      const keys = ["language", "title"];
      assert.deepEqual(labels(await streams(seg.output), keys), labels(await streams(input), keys));
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "segments into WebM: VP9, AAC to Opus, Vorbis copied, and a one-piece run's notices" +
    (noWebm ? ` (skipped: ${noWebm})` : ""),
  ignore: noWebm !== undefined,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // H.264, AAC and mov_text: WebM holds none of them as they are.
      const aac = await elementary(dir, "libx264", "aac", CLIP);
      const srt = `${dir}/s.srt`;
      await Deno.writeTextFile(srt, "1\n00:00:00,000 --> 00:00:01,000\nhello\n");
      const mp4 = `${dir}/in.mp4`;
      await ffmpeg("-i", aac.v, "-i", aac.a, "-i", srt, "-c:v", "copy", "-c:a", "copy", ...[
        "-c:s",
        "mov_text",
        mp4,
      ]);
      const { seg, one } = await segmentedAndOnePiece(dir, mp4, "webm");
      const codecs = async (r: Run) => (await streams(r.output)).map((s) => s.codec_name);
      assert.deepEqual(await codecs(seg), ["vp9", "opus", "webvtt"]);
      assert.deepEqual(await codecs(one), await codecs(seg));
      const told = (output: string) => [{
        kind: "converted",
        message: `${output}: converting what WebM cannot hold as it is: ` +
          "#1 audio aac to opus (libopus), #2 subtitle mov_text to webvtt",
      }];
      assert.deepEqual(seg.notices, told(seg.output));
      assert.deepEqual(one.notices, told(one.output));
      // `upscale plan` tells them too, one line each, even when quiet.
      const planned = `${dir}/planned.webm`;
      const r = await cli([
        ...["upscale", "plan", mp4, planned, "--weights", await writeWeights(dir, 2)],
        ...["--segment-seconds", "0.5", "-q"],
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, told(planned).map((n) => `fsrcnn: ${n.message}\n`).join(""));
      await sameVideo(seg.output, one.output, CLIP.frames);
      // Both went through the same conversion: the same start times (Opus's included).
      await assertSameStarts(one.output, seg.output);

      // Vorbis, which WebM holds, is copied untouched, and nothing is said.
      const clips = await elementary(dir, "libx264", "libvorbis", CLIP);
      const mkv = await delayed(dir, "mkv", clips, "video");
      const vorbis = await segmentedAndOnePiece(dir, mkv, "webm", "vorbis_");
      assert.deepEqual(await codecs(vorbis.seg), ["vp9", "vorbis"]);
      assert.deepEqual(vorbis.seg.notices, []);
      assert.deepEqual(vorbis.one.notices, []);
      assert.equal(await packetMd5(vorbis.seg.output, "0:a"), await packetMd5(mkv, "0:a"));
      await sameVideo(vorbis.seg.output, vorbis.one.output, CLIP.frames);
      await assertSameStarts(mkv, vorbis.seg.output);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "Opus in MKV and WebM: one-piece and segmented runs keep the video's and audio's starts" +
    (noWebm ? ` (skipped: ${noWebm})` : ""),
  ignore: noWebm !== undefined,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      for (const ext of ["mkv", "webm"]) {
        const input = await opusClip(dir, ext, "64x48", CLIP.frames);
        const [v, a] = (await streams(input)).map((s) => Number(s.start_time));
        assert.ok(a < 0 && a < v, `${input}: the audio starts first (${a} s, video ${v} s)`);
        const { seg, one } = await segmentedAndOnePiece(dir, input, ext, `${ext}_`);
        await assertSameStarts(input, one.output);
        await assertSameStarts(input, seg.output);
        await sameVideo(seg.output, one.output, CLIP.frames);
      }
      // Audio 0.3 s after the video: the copied Opus track keeps its place.
      const clips2 = await elementary(dir, "libx264", "aac", CLIP);
      const opus = `${dir}/a.opus`;
      await ffmpeg("-i", clips2.a, "-c:a", "libopus", opus);
      const late = await delayed(dir, "mkv", { v: clips2.v, a: opus }, "audio");
      const { seg, one } = await segmentedAndOnePiece(dir, late, "mkv", "late_");
      await assertSameStarts(late, one.output);
      await assertSameStarts(late, seg.output);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "a picture size change midway: one-piece and segmented runs both keep the first size",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // 64x48 then 48x32, 25 frames each.
      const input = await sizesClip(dir, ["64x48", "48x32"], 25);
      const { seg, one } = await segmentedAndOnePiece(dir, input, "mkv");
      for (const r of [seg, one]) {
        const [v] = await streams(r.output);
        assert.deepEqual([v.width, v.height], [128, 96], r.output);
      }
      await sameVideo(seg.output, one.output, 50);
      assert.deepEqual(await listDir(dir), [
        "48x32.ts",
        "64x48.ts",
        "nearest_x2.safetensors",
        "one.mkv",
        "seg.mkv",
        "sizes.mkv",
      ]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name:
    "CLI: Opus in MKV and WebM keeps the video's and audio's starts, in one piece and in segments" +
    (noWebm ? ` (skipped: ${noWebm})` : ""),
  ignore: noWebm !== undefined,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      for (const ext of ["mkv", "webm"]) {
        const input = await opusClip(dir, ext, "32x24", 40);
        const { seg, one } = await cliSegmentedAndOnePiece(dir, input, ext, `${ext}_`);
        assert.deepEqual([...seg.notices, ...one.notices], []);
        await assertSameStarts(input, one.output);
        await assertSameStarts(input, seg.output);
        await sameVideo(seg.output, one.output, 40);
      }
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "CLI: a picture size change midway is said in one line and scaled to the first size, " +
    "in one piece and in segments (and by upscale plan)",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // 32x24 then 24x16, 15 frames each.
      const input = await sizesClip(dir, ["32x24", "24x16"], 15);
      const said = (output: string) =>
        `fsrcnn: ${output}: the picture size of ${input} changes (32x24, then 24x16 at 0.60 s): ` +
        "every frame is scaled to the first size before upscaling";
      const { seg, one } = await cliSegmentedAndOnePiece(dir, input, "mkv");
      for (const r of [seg, one]) {
        assert.deepEqual(r.notices, [said(r.output)]);
        const [v] = await streams(r.output);
        assert.deepEqual([v.width, v.height], [64, 48], r.output);
      }
      await sameVideo(seg.output, one.output, 30);
      // A job tells it once, when it is planned; its segments do not.
      const work = `${dir}/work`;
      const weights = `${dir}/nearest_x2.safetensors`;
      const r = await cli([
        ...["upscale", "plan", input, `${dir}/job.mkv`, "--weights", weights],
        ...["--segment-seconds", "0.5", "--work", work],
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(stderrLines(r.stderr).includes(said(`${dir}/job.mkv`)), r.stderr);
      const task = await cli(["upscale", "segment", "--work", work, "--index", "0"]);
      assert.equal(task.code, 0, task.stderr);
      assert.doesNotMatch(task.stderr, /picture size/, task.stderr);
    } finally {
      await cleanup();
    }
  },
});
