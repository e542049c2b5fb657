/**
 * The real-footage yardstick (`eval --footage`): its pure parts table-tested, and its scores
 * checked against Y-PSNR computed here, independently, from ffmpeg's own output: a moving clip
 * whose frames would score far lower if any file were off by one frame.
 */
import assert from "node:assert/strict";
import { groundTruthSize, writeTrainingFrames } from "../src/media/ffmpeg/footage.ts";
import {
  compareFootage,
  evaluateFootage,
  footageDegradations,
  parseFootageCodecs,
  parseFootageScalers,
  scoreInLockstep,
  selectClips,
} from "../src/eval/footage.ts";
import { OptionError } from "../src/core/errors.ts";
import { FOOTAGE_VALIDATION_CLIPS, isFootageValidationClip } from "../src/eval/holdout.ts";
import {
  CAPS,
  cli,
  ffmpeg,
  ffprobe,
  listDir,
  makeClip,
  tempDir,
  TOOLS,
  writeWeights,
} from "./helpers.ts";

Deno.test("groundTruthSize: half the clip, cut to a multiple of 2×scale", () => {
  const table: Array<[[number, number, number], { width: number; height: number }]> = [
    [[1280, 720, 2], { width: 640, height: 360 }],
    [[1920, 1080, 2], { width: 960, height: 540 }],
    [[854, 480, 2], { width: 424, height: 240 }],
    [[1296, 720, 3], { width: 648, height: 360 }],
    [[1300, 722, 3], { width: 648, height: 360 }],
    [[1280, 720, 4], { width: 640, height: 360 }],
    [[352, 288, 4], { width: 176, height: 144 }],
  ];
  for (const [args, expected] of table) assert.deepEqual(groundTruthSize(...args), expected);
});

Deno.test("parseFootageCodecs / parseFootageScalers: lists as the CLI takes them", () => {
  assert.deepEqual(parseFootageCodecs("x264:18, vp9:33"), [
    { codec: "x264", crf: 18 },
    { codec: "vp9", crf: 33 },
  ]);
  for (const bad of ["", "x265:20", "x264", "x264:52", "vp9:64", "x264:-1", "x264:1.5"]) {
    assert.throws(() => parseFootageCodecs(bad), OptionError, bad);
  }
  assert.deepEqual(parseFootageScalers("area,neighbor"), ["area", "neighbor"]);
  assert.throws(() => parseFootageScalers("lanczos"), OptionError);
  assert.equal(footageDegradations().length, 16);
  assert.deepEqual(footageDegradations(["area"], [{ codec: "vp9", crf: 30 }]), [
    { scaler: "area", codec: "vp9", crf: 30 },
  ]);
});

Deno.test("selectClips: the validation split where the folder has it, else every clip", () => {
  const files = ["a.mp4", "cotracker_bear.mp4", "sam2_03_blocks.mp4", "z.mkv"];
  assert.deepEqual(selectClips(files), ["cotracker_bear.mp4", "sam2_03_blocks.mp4"]);
  assert.deepEqual(selectClips(["a.mp4", "z.mkv"]), ["a.mp4", "z.mkv"]);
  assert.deepEqual(selectClips(files, "all"), files);
  assert.deepEqual(selectClips(files, ["z", "a"]), ["z.mkv", "a.mp4"]);
  assert.throws(() => selectClips(files, ["nope"]), OptionError);
  assert.equal(FOOTAGE_VALIDATION_CLIPS.length, 5);
  assert.ok(isFootageValidationClip("cotracker_bear_03"));
  assert.ok(!isFootageValidationClip("cotracker_bearish"));
  assert.ok(!isFootageValidationClip("sam2_01_dog_01"));
});

async function* frames(list: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const f of list) yield f;
}

Deno.test("scoreInLockstep: frame i against frame i; streams of different lengths refused", async () => {
  const size = { width: 4, height: 4 };
  const a = [new Uint8Array(16).fill(10), new Uint8Array(16).fill(20)];
  const b = [new Uint8Array(16).fill(10), new Uint8Array(16).fill(21)];
  // Frame 0 identical (counted as 100 dB), frame 1 off by 1 everywhere (48.13 dB).
  const r = await scoreInLockstep(frames(a), [frames(b)], size, 1);
  assert.equal(r.frames, 2);
  assert.ok(Math.abs(r.psnr[0] - (100 + 10 * Math.log10(255 * 255)) / 2) < 1e-9);
  await assert.rejects(() => scoreInLockstep(frames(a), [frames(b.slice(1))], size, 1), RangeError);
});

/** Decodes a video's frames to yuv420p and returns each frame's Y plane. */
async function lumaOf(path: string, width: number, height: number, vf?: string) {
  const raw = await ffmpeg(
    "-i",
    path,
    ...(vf ? ["-vf", vf] : []),
    "-f",
    "rawvideo",
    "-pix_fmt",
    "yuv420p",
    "-",
  );
  const frame = (width * height * 3) / 2;
  return Array.from(
    { length: raw.length / frame },
    (_, i) => raw.subarray(i * frame, i * frame + width * height),
  );
}

function meanPsnr(truth: Uint8Array[], other: Uint8Array[], w: number, h: number, border = 2) {
  let sum = 0;
  for (let f = 0; f < truth.length; f++) {
    let se = 0, n = 0;
    for (let y = border; y < h - border; y++) {
      for (let x = border; x < w - border; x++) {
        se += (truth[f][y * w + x] - other[f][y * w + x]) ** 2;
        n++;
      }
    }
    sum += se === 0 ? 100 : 10 * Math.log10((255 * 255) / (se / n));
  }
  return sum / truth.length;
}

/** Nearest-neighbour ×2 of a plane. */
function nearest2(src: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(4 * w * h);
  for (let y = 0; y < 2 * h; y++) {
    for (let x = 0; x < 2 * w; x++) out[y * 2 * w + x] = src[(y >> 1) * w + (x >> 1)];
  }
  return out;
}

Deno.test("footage yardstick: every score equals Y-PSNR computed independently, frame by frame", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await Deno.mkdir(`${dir}/clips`);
    // The Game of Life changes most of the picture every frame: a file off by one frame would
    // score far lower.
    await ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "life=s=32x24:r=25:ratio=0.5:seed=7:death_color=white:life_color=black,scale=128:96:flags=neighbor",
      "-frames:v",
      "12",
      "-pix_fmt",
      "yuv420p",
      "-c:v",
      "libx264",
      "-crf",
      "0",
      `${dir}/clips/moving.mp4`,
    );
    const weights = await writeWeights(dir, 2, "nearest");
    const r = await evaluateFootage({
      footage: `${dir}/clips`,
      weights,
      seconds: 10,
      // x264 at CRF 0 is lossless: the LR is exactly the scaler's output.
      degradations: [{ scaler: "neighbor", codec: "x264", crf: 0 }],
      backend: "onnx",
    });
    assert.deepEqual(r.clips, ["moving"]);
    assert.equal(r.cells.length, 1);
    const cell = r.cells[0];
    assert.equal(cell.frames, 12);
    assert.deepEqual([cell.width, cell.height], [64, 48]);

    // Independently: the ground truth and LR as ffmpeg makes them, upscaled here.
    const clip = `${dir}/clips/moving.mp4`;
    const truth = await lumaOf(clip, 64, 48, "scale=64:48:flags=area");
    const lr = await lumaOf(clip, 32, 24, "scale=64:48:flags=area,scale=32:24:flags=neighbor");
    const lanczos = await lumaOf(
      clip,
      64,
      48,
      "scale=64:48:flags=area,scale=32:24:flags=neighbor,scale=64:48:flags=lanczos",
    );
    assert.equal(truth.length, 12);
    const upscaled = lr.map((p) => nearest2(p, 32, 24));
    const expected = meanPsnr(truth, upscaled, 64, 48);
    assert.ok(Math.abs(cell.psnr.upscale - expected) < 1e-9, `${cell.psnr.upscale} vs ${expected}`);
    const expectedLanczos = meanPsnr(truth, lanczos, 64, 48);
    assert.ok(Math.abs(cell.psnr.lanczos - expectedLanczos) < 1e-9);
    assert.ok(Math.abs(cell.gain - (expected - expectedLanczos)) < 1e-9);
    // The check can tell: one frame off costs several dB on this clip.
    const shifted = meanPsnr(truth.slice(1), upscaled.slice(0, -1), 64, 48);
    assert.ok(expected - shifted > 3, `aligned ${expected} vs shifted ${shifted}`);
  } finally {
    await cleanup();
  }
});

Deno.test("eval --footage through the CLI: JSON report; --data and --footage exclusive", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await makeClip(`${dir}/moving.mp4`, { width: 64, height: 48, frames: 4, audio: false });
    const weights = await writeWeights(dir, 2, "nearest");
    const r = await cli([
      "eval",
      "--footage",
      dir,
      "--clips",
      "moving",
      "--weights",
      weights,
      "--scalers",
      "area",
      "--codecs",
      "x264:23",
      "--backend",
      "onnx",
      "--json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.cells.length, 1);
    assert.equal(report.cells[0].description, "area, x264 CRF 23");
    assert.equal(report.worst.clip, "moving");
    for (const args of [["eval"], ["eval", "--data", dir, "--footage", dir]]) {
      const bad = await cli(args);
      assert.equal(bad.code, 2, bad.stderr);
      assert.match(bad.stderr, /either --data DIR or --footage DIR/);
    }
    const badCodec = await cli(["eval", "--footage", dir, "--codecs", "x265:20"]);
    assert.equal(badCodec.code, 2, badCodec.stderr);
    assert.match(badCodec.stderr, /x265:20/);
  } finally {
    await cleanup();
  }
});

Deno.test("footage frames for training: every Nth frame shrunk ×½; validation clips refused by train", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const clip = await makeClip(`${dir}/clip.mp4`, {
      width: 64,
      height: 48,
      frames: 10,
      audio: false,
    });
    await Deno.mkdir(`${dir}/frames`);
    await writeTrainingFrames(TOOLS, CAPS, {
      input: clip,
      prefix: `${dir}/frames/clip_`,
      every: 4,
      count: 8,
    });
    // Frames 0, 4 and 8 of ten.
    assert.deepEqual(await listDir(`${dir}/frames`), ["clip_01.png", "clip_02.png", "clip_03.png"]);
    const size = await ffprobe(`${dir}/frames/clip_02.png`);
    assert.deepEqual([size.streams[0].width, size.streams[0].height], [32, 24]);

    await Deno.rename(`${dir}/frames/clip_03.png`, `${dir}/frames/cotracker_bear_03.png`);
    const r = await cli([
      "train",
      "--scale",
      "2",
      "--data",
      `${dir}/frames`,
      "--out",
      `${dir}/w.safetensors`,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /cotracker_bear_03: a picture of a footage validation clip/);
  } finally {
    await cleanup();
  }
});

Deno.test("compareFootage: each file alone, and the best per cell", () => {
  const cell = (upscale: number, lanczos: number, paper: number, video: number) =>
    ({
      psnr: { upscale, lanczos, bicubic: 0 },
      compared: { paper, video },
    }) as unknown as Parameters<
      typeof compareFootage
    >[0][number];
  const rows = compareFootage([cell(30, 29, 28, 31), cell(25, 25.5, 26, 24)]);
  const table = rows.map((r) => [r.what, +r.meanGain.toFixed(6), +r.worstGain.toFixed(6)]);
  assert.deepEqual(table, [
    ["always paper", -0.25, -1],
    ["always video", 0.25, -1.5],
    ["best per cell", 1.25, 0.5],
  ]);
  assert.deepEqual(compareFootage([]), []);
});
