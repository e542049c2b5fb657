/**
 * End-to-end: segmented runs against one-piece runs of the same clip, through the CLI. With a
 * lossless codec the decoded frames must be bit-identical; timestamps, audio, subtitles,
 * chapters and metadata must be the source's either way. Interrupted runs (Ctrl-C, kill -9)
 * must continue to the same result.
 */
import assert from "node:assert/strict";
import { upscaleFile } from "../mod.ts";
import { joinJob, runTask } from "../src/jobs/mod.ts";
import ffmpegPkg from "@ffmpeg-installer/ffmpeg";
import {
  assertFails,
  CLI,
  cli,
  decodedFrames,
  decodeRaw,
  ffmpeg,
  FFPROBE,
  ffprobe,
  listDir,
  noMpegTs,
  ok,
  packetMd5,
  run,
  stderrLines,
  tempDir,
  videoTimestamps,
  writeWeights,
} from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** The embedded ffmpeg (4.1), whichever one the other tests resolve. */
const EMBEDDED_FFMPEG: string = ffmpegPkg.path;

/**
 * A 4 s testsrc2 clip with a keyframe every 12 frames (0.48 s at 25 fps), sine audio,
 * subtitles, two chapters and a title: with 1 s segments it is cut into three. MP4 gets AAC
 * and mov_text; Matroska FLAC and SubRip (with AAC, the Matroska muxer of ffmpeg 4.1 moves
 * the first video frame off the 25 fps grid).
 */
async function clip(dir: string, name = "in.mkv", o: { size?: string; seconds?: number } = {}) {
  const path = `${dir}/${name}`;
  const srt = `${dir}/subs.srt`, meta = `${dir}/meta.txt`;
  await Deno.writeTextFile(
    srt,
    "1\n00:00:00,500 --> 00:00:01,500\nhello\n\n2\n00:00:02,000 --> 00:00:03,000\nworld\n",
  );
  await Deno.writeTextFile(
    meta,
    ";FFMETADATA1\ntitle=Segment test\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2000\ntitle=One\n" +
      "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2000\nEND=4000\ntitle=Two\n",
  );
  const seconds = o.seconds ?? 4;
  await ffmpeg(
    ...["-f", "lavfi", "-i", `testsrc2=size=${o.size ?? "96x64"}:rate=25`],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-i", srt, "-i", meta],
    ...["-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_metadata", "3", "-map_chapters", "3"],
    ...["-frames:v", String(25 * seconds), "-c:v", "libx264", "-g", "12", "-pix_fmt", "yuv420p"],
    ...(path.endsWith(".mp4")
      ? ["-c:a", "aac", "-c:s", "mov_text"]
      : ["-c:a", "flac", "-c:s", "srt"]),
    ...["-t", String(seconds), path],
  );
  return path;
}

/** What must be equal between two outputs of the same clip. */
async function sameStreams(a: string, b: string) {
  assert.deepEqual(await videoTimestamps(a), await videoTimestamps(b));
  assert.equal(await decodedFrames(a), await decodedFrames(b));
  assert.equal(await packetMd5(a, "0:a"), await packetMd5(b, "0:a"));
  assert.equal(await packetMd5(a, "0:s"), await packetMd5(b, "0:s"));
  const pa = await ffprobe(a), pb = await ffprobe(b);
  const tb = (p: { streams: { codec_type: string; time_base: string }[] }) =>
    p.streams.find((s) => s.codec_type === "video")!.time_base;
  assert.equal(tb(pa), tb(pb));
  assert.deepEqual(pb.chapters, pa.chapters);
  assert.equal(pb.format.tags.title, pa.format.tags.title);
}

/** The clip's chapters and title, as a check that `sameStreams` compared something. */
async function hasClipMetadata(path: string) {
  const p = await ffprobe(path);
  assert.deepEqual(p.chapters.map((c: { tags: unknown }) => c.tags), [
    { title: "One" },
    { title: "Two" },
  ]);
  assert.equal(p.format.tags.title, "Segment test");
}

/** Keyframe timestamps (seconds) of a file's video. */
async function keyframeTimes(path: string): Promise<number[]> {
  const r = await run(FFPROBE, [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "packet=pts_time,flags",
    "-of",
    "csv=p=0",
    path,
  ]);
  return r.stdout.split("\n").filter((l) => /,K/.test(l)).map((l) => Number(l.split(",")[0]));
}

/** A one-piece run of the same settings, in this process (the reference). */
async function onePiece(input: string, output: string, weights: string, codec = "libx264") {
  await upscaleFile({ input, output, weights, codec, segmentSeconds: 0 });
}

Deno.test({
  ...opts,
  name:
    "segments: x264 in MP4 keeps timestamps, time base and streams; segments start on keyframes",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2, "random");
      // MP4: an edit list for the B-frame delay, AAC, mov_text subtitles.
      const input = await clip(dir, "in.mp4");
      const r = await cli([
        "upscale",
        input,
        `${dir}/seg.mp4`,
        ...["--weights", weights, "--segment-seconds", "1", "--keep-work"],
      ]);
      ok(r);
      assert.match(r.stderr, /seg\.mp4: 100 frames 192x128 in .*, 3 segments\)/);
      await onePiece(input, `${dir}/one.mp4`, weights);
      await sameStreams(`${dir}/seg.mp4`, `${dir}/one.mp4`);
      await hasClipMetadata(`${dir}/seg.mp4`);
      assert.equal(await decodedFrames(`${dir}/seg.mp4`), 100);
      const keys = await keyframeTimes(`${dir}/seg.mp4`);
      for (const t of [0, 1.44, 2.88]) assert.ok(keys.includes(t), `keyframe at ${t}: ${keys}`);
      // --keep-work kept the segments: three of them, recorded done.
      const work = `${dir}/.seg.mp4.fsrcnn-work/items/0000`;
      assert.deepEqual((await listDir(work)).filter((n) => n.endsWith(".done.json")), [
        "seg-00000.done.json",
        "seg-00001.done.json",
        "seg-00002.done.json",
      ]);
    } finally {
      await cleanup();
    }
  },
});

async function waitFor(cond: () => Promise<boolean>, what: string, ms = 60_000) {
  const until = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test({
  ...opts,
  name:
    "segments: Ctrl-C and kill -9 mid-segment, then the same command gives the one-piece result bit for bit",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2, "random");
      // Frames large enough that a segment takes a while to make.
      const input = await clip(dir, "in.mkv", { size: "192x144" });
      const args = ["--weights", weights, "--codec", "ffv1", "--segment-seconds", "1"];
      const output = `${dir}/out.mkv`, items = `${dir}/.out.mkv.fsrcnn-work/items/0000`;
      const names = async () => (await listDir(items).catch(() => [] as string[]));
      const done = async () => (await names()).filter((n) => n.endsWith(".done.json")).length;
      const partial = async (k: number) =>
        (await names()).some((n) => n.startsWith(`.seg-0000${k}.partial-`));
      const start = () =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", CLI, "upscale", input, output, ...args],
          stdout: "null",
          stderr: "piped",
        }).spawn();

      // Ctrl-C while the first segment is being made: nothing is done yet.
      let child = start();
      await waitFor(() => partial(0), "segment 0 to start");
      child.kill("SIGINT");
      let out = await child.output();
      assert.equal(out.code, 130, new TextDecoder().decode(out.stderr));
      assert.match(new TextDecoder().decode(out.stderr), /interrupted/);

      // kill -9 in the middle of segment 1, after segment 0 is done.
      child = start();
      await waitFor(async () => (await done()) >= 1 && (await partial(1)), "segment 1 to start");
      child.kill("SIGKILL");
      out = await child.output();
      assert.equal(out.signal, "SIGKILL");
      assert.equal(await done(), 1, "killed in the middle of segment 1");
      assert.ok(!(await Deno.stat(output).catch(() => null)), "no output yet");

      // The same command again: segment 0 is verified and kept, the rest made, then joined.
      const r = await cli(["upscale", input, output, ...args]);
      ok(r);
      assert.match(r.stderr, /continuing: 1 of 3 segments \(36 of 100 frames\)/);
      assert.deepEqual(await names(), [], "work folder removed");
      await onePiece(input, `${dir}/one.mkv`, weights, "ffv1");
      assert.deepEqual(await decodeRaw(output), await decodeRaw(`${dir}/one.mkv`));
      assert.equal(await decodedFrames(output), 100);
      await sameStreams(output, `${dir}/one.mkv`);
      await hasClipMetadata(output);
      // Nothing else was left beside the output.
      assert.deepEqual(await listDir(dir), [
        "in.mkv",
        "meta.txt",
        "one.mkv",
        "out.mkv",
        "random_x2.safetensors",
        "subs.srt",
      ]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "segments: a work folder for other settings or a changed input is refused; --restart",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2, "nearest");
      const input = await clip(dir, "in.mp4");
      const output = `${dir}/out.mp4`;
      const args = ["--weights", weights, "--segment-seconds", "1", "-q"];
      // A plan (as `upscale plan` leaves it) is a work folder that `upscale` continues.
      ok(await cli(["upscale", "plan", input, output, ...args]));
      const work = `${dir}/.out.mp4.fsrcnn-work`;
      assert.ok((await Deno.stat(`${work}/plan.json`)).isFile);
      let r = await cli(["upscale", input, output, ...args, "--crf", "30"]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `fsrcnn: ${output}: the work folder ${work} was made with other settings ` +
          `(crf 18, now 30) (--restart discards it)\n`,
      );
      // The input is touched: it may have changed, so the plan is refused too.
      await Deno.utime(input, new Date(), new Date(Date.now() - 60_000));
      r = await cli(["upscale", input, output, ...args]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /was made for .* before its modification time changed \(--restart/);
      assert.equal(r.stderr.trim().split("\n").length, 1);
      ok(await cli(["upscale", input, output, ...args, "--restart"]));
      assert.equal(await decodedFrames(output), 100);
      assert.ok(!(await listDir(dir)).some((n) => n.startsWith(".")));
      // Settings the output's container cannot take fail at once, not at the join.
      r = await cli(["upscale", input, `${dir}/x.mp4`, ...args, "--codec", "ffv1"]);
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        /x\.mp4: cannot write ffv1 \(yuv420p\) and the input's other streams into \.mp4/,
      );
      assert.ok(!(await listDir(dir)).some((n) => n.startsWith(".") || n === "x.mp4"));
    } finally {
      await cleanup();
    }
  },
});

/** Why the embedded ffmpeg 4.1 cannot show the planning trial below, if it cannot. */
const noEmbeddedVp9 = await (async () => {
  const r = await run(EMBEDDED_FFMPEG, ["-hide_banner", "-encoders"]);
  return r.stdout.includes("libvpx-vp9") ? undefined : "the embedded ffmpeg has no libvpx-vp9";
})();

Deno.test({
  ...opts,
  ignore: noEmbeddedVp9 !== undefined,
  name: "segments: `upscale plan` tries the segments' own encode, so what it refuses fails now",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2, "nearest");
      const input = await clip(dir, "in.mkv");
      // The segments' encoder gets `-b:v 0` beside a VP9 CRF (no bitrate cap), and a VBV limit
      // without a bitrate is then refused. The embedded ffmpeg 4.1 takes the limit when the
      // bitrate is its default, so only a trial of the very same arguments finds it.
      const r = await cli([
        ...["upscale", "plan", input, `${dir}/out.mkv`, "--weights", weights],
        ...["--segment-seconds", "1", "--codec", "libvpx-vp9", "--encoder-args", "-maxrate 2M"],
        ...["--ffmpeg", EMBEDDED_FFMPEG],
      ]);
      assertFails(
        r,
        2,
        /out\.mkv: cannot write libvpx-vp9 \(yuv420p\) and the input's other streams into \.mkv: .*Rate control parameters set without a bitrate/,
      );
      // Nothing planned, nothing left.
      assert.deepEqual(await listDir(dir), [
        "in.mkv",
        "meta.txt",
        "nearest_x2.safetensors",
        "subs.srt",
      ]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "segments: a film library planned once, its tasks run in any order and joined",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2, "nearest");
      await Deno.mkdir(`${dir}/films`);
      await clip(dir, "films/b.mkv");
      await clip(dir, "films/a.mkv", { seconds: 2 });
      const work = `${dir}/work`;
      const common = ["--weights", weights, "--codec", "ffv1", "--segment-seconds", "1"];
      let r = await cli([
        "upscale",
        "plan",
        `${dir}/films`,
        `${dir}/out`,
        ...common,
        "--work",
        work,
      ]);
      ok(r);
      // a.mkv: 2 s, cut once at 1.44 s; b.mkv: 4 s, cut twice.
      assert.match(r.stderr, /planned: 2 videos, 150 frames, 5 segment tasks \(0-4\)/);
      r = await cli(["upscale", "status", "--work", work]);
      assert.match(r.stdout, /0 of 5 segments done/);
      assert.match(r.stdout, /to do: tasks 0-4/);
      // As a Slurm array task would run it: the index from the environment.
      r = await cli(["upscale", "segment", "--work", work], { SLURM_ARRAY_TASK_ID: "4" });
      ok(r);
      assert.match(r.stderr, /task 4: .*b\.mkv segment 3\/3, 28 frames: made in/);
      for (const index of [1, 0, 2]) await runTask({ work, index });
      r = await cli(["upscale", "segment", "--work", work, "--index", "2"]);
      assert.match(r.stderr, /task 2: .* already done/);
      r = await cli(["upscale", "join", "--work", work]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /1 of 5 segments are not done yet \(tasks 3\); 1 complete videos were joined/,
      );
      await runTask({ work, index: 3 });
      const joined = await joinJob({ work });
      assert.deepEqual(joined.outputs, [{ output: `${dir}/out/b.mkv`, frames: 100 }]);
      assert.ok(!(await Deno.stat(work).catch(() => null)), "work folder removed");
      await onePiece(`${dir}/films/a.mkv`, `${dir}/one.mkv`, weights, "ffv1");
      assert.deepEqual(await decodeRaw(`${dir}/out/a.mkv`), await decodeRaw(`${dir}/one.mkv`));
      await sameStreams(`${dir}/out/a.mkv`, `${dir}/one.mkv`);
      assert.equal(await decodedFrames(`${dir}/out/b.mkv`), 100);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "MPEG-TS: its frames counted, made in one piece with a notice (upscale and plan)" +
    (noMpegTs ? ` (skipped: ${noMpegTs})` : ""),
  ignore: noMpegTs !== undefined,
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      // 48 frames, a keyframe every 12: long enough for 0.5 s segments.
      const input = `${dir}/in.ts`;
      await ffmpeg(
        ...["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "48"],
        ...["-c:v", "libx264", "-g", "12", "-pix_fmt", "yuv420p", input],
      );
      const args = ["--weights", weights, "-q"];
      let r = await cli([
        ...["upscale", "plan", input, `${dir}/p.mkv`, "--weights", weights],
        ...["--segment-seconds", "0.5", "--work", `${dir}/w`],
      ]);
      ok(r);
      assert.match(r.stderr, /planned: 1 video, 48 frames, 1 segment tasks/);
      assert.match(
        r.stderr,
        /in\.ts: one segment: ffmpeg cannot seek in MPEG-TS to a segment's keyframe exactly\n/,
      );
      await Deno.remove(`${dir}/w`, { recursive: true });
      r = await cli(["upscale", input, `${dir}/seg.mkv`, ...args, "--segment-seconds", "0.5"]);
      ok(r);
      assert.deepEqual(stderrLines(r.stderr), [
        `fsrcnn: ${input}: made in one piece, not in segments: ` +
        "ffmpeg cannot seek in MPEG-TS to a segment's keyframe exactly",
      ]);
      ok(await cli(["upscale", input, `${dir}/one.mkv`, ...args, "--segment-seconds", "0"]));
      assert.equal(await decodedFrames(`${dir}/seg.mkv`), 48);
      assert.deepEqual(await decodeRaw(`${dir}/seg.mkv`), await decodeRaw(`${dir}/one.mkv`));
      assert.deepEqual(
        await videoTimestamps(`${dir}/seg.mkv`),
        await videoTimestamps(`${dir}/one.mkv`),
      );
    } finally {
      await cleanup();
    }
  },
});
