/**
 * Every bad flag value of every command, through the real command line: exactly one line on
 * stderr that names the flag (or the value), nothing on stdout, no stack trace, exit status 2.
 * Values the flag parsers refuse and values only the library can judge (scale 5, an encoder
 * this ffmpeg lacks, a tile too small for the network) must look the same to the user.
 */
import assert from "node:assert/strict";
import { CLI, makeClip, run, stderrLines, tempDir } from "./helpers.ts";

interface Case {
  args: string[];
  /** What the one line must say. */
  says: RegExp;
}

async function assertUsageLine(c: Case, cwd: string): Promise<void> {
  const r = await run(Deno.execPath(), ["run", "-A", CLI, ...c.args], { cwd });
  const what = `fsrcnn ${c.args.join(" ")}`;
  const lines = stderrLines(r.stderr);
  assert.equal(r.code, 2, `${what}: exit ${r.code}, expected 2; stderr: ${r.stderr}`);
  assert.equal(lines.length, 1, `${what}: expected one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], /^(error|fsrcnn): /, `${what}: ${lines[0]}`);
  assert.doesNotMatch(lines[0], /internal error|Uncaught/, `${what}: ${lines[0]}`);
  assert.match(lines[0], c.says, `${what}: ${lines[0]}`);
  assert.equal(r.stdout, "", `${what}: stdout: ${r.stdout}`);
}

/** Runs the cases a few at a time (each is a separate process). */
async function check(cases: Case[], cwd: string): Promise<void> {
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) await assertUsageLine(c, cwd);
  };
  await Promise.all([worker(), worker(), worker()]);
}

/** The cases for `flag`: each bad value, expecting the flag named in the one line. */
function values(prefix: string[], flag: string, bad: string[], says?: RegExp): Case[] {
  const escaped = flag.replace(/[-]/g, "\\-");
  return bad.map((v) => ({ args: [...prefix, flag, v], says: says ?? new RegExp(escaped) }));
}

/** A folder with a short clip (`in.mp4`) and a folder of two images (`images/`). */
async function withMedia(body: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await makeClip(`${dir}/in.mp4`, { frames: 3, audio: false });
    await Deno.mkdir(`${dir}/images`);
    await Deno.writeFile(`${dir}/images/a.png`, new Uint8Array([1])); // only named, never read
    await body(dir);
    // No output, partial or otherwise, was written.
    const names = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
    assert.deepEqual(names, ["images", "in.mp4"]);
  } finally {
    await cleanup();
  }
}

const UPSCALE = ["upscale", "in.mp4", "out.mp4"];

Deno.test("upscale: every bad flag value is one line and exit 2", async () => {
  await withMedia(async (dir) => {
    await check([
      ...values(UPSCALE, "--scale", ["0", "x", "2.5", "-2"]),
      { args: [...UPSCALE, "--scale", "5"], says: /unsupported scale 5/ },
      ...values(UPSCALE, "--backend", ["cuda9", "", "ONNX"]),
      ...values(UPSCALE, "--tile", ["0", "abc", "3"]),
      ...values(UPSCALE, "--batch", ["0", "-1", "1.5"]),
      ...values(UPSCALE, "--crf", ["-1", "abc", ""]),
      ...values(UPSCALE, "--fps", ["0", "-25", "x"]),
      ...values(UPSCALE, "--max-pixels", ["0", "-1", "lots"]),
      ...values(UPSCALE, "--threads", ["0", "many", "1000000"]),
      ...values(UPSCALE, "--codec", ["no_such_encoder"]),
      ...values(UPSCALE, "--weights", ["", " "]),
      {
        args: [...UPSCALE, "--weights", "video-aliased", "--scale", "3"],
        says:
          /^fsrcnn: --weights video-aliased: no video-aliased weights are shipped for x3 \(shipped: video, paper\)$/,
      },
      {
        args: [
          "upscale",
          "plan",
          "in.mp4",
          "out.mp4",
          "--weights",
          "video-aliased",
          "--scale",
          "4",
        ],
        says:
          /^fsrcnn: --weights video-aliased: no video-aliased weights are shipped for x4 \(shipped: video, paper\)$/,
      },
      {
        args: ["upscale", "in.mp4", "out.webm", "--codec", "libx264"],
        says: /^fsrcnn: --codec libx264: WebM cannot hold h264 video \(out\.webm takes /,
      },
      {
        args: [...UPSCALE, "--ffmpeg", "/nonexistent/ffmpeg"],
        says: /\/nonexistent\/ffmpeg: ffmpeg not found/,
      },
      { args: [...UPSCALE, "--no-such-flag"], says: /--no-such-flag/ },
      { args: ["upscale", "in.mp4"], says: /output/ },
    ], dir);
  });
});

Deno.test("eval: every bad flag value is one line and exit 2", async () => {
  await withMedia(async (dir) => {
    const EVAL = ["eval", "--data", "images"];
    await check([
      ...values(EVAL, "--scale", ["0", "x"]),
      { args: [...EVAL, "--scale", "5"], says: /unsupported scale 5/ },
      ...values(EVAL, "--method", ["lanczos"]),
      ...values(EVAL, "--backend", ["cuda9"]),
      ...values(EVAL, "--degradations", ["nope", "bicubic,nope"]),
      ...values(EVAL, "--crf", ["52", "-1", "x"]),
      ...values(EVAL, "--lr-codec", ["vp9"]),
      ...values(EVAL, "--weights", [""]),
      {
        args: [...EVAL, "--weights", "video-compressed", "--scale", "4"],
        says:
          /^fsrcnn: --weights video-compressed: no video-compressed weights are shipped for x4 \(shipped: video, paper\)$/,
      },
      {
        args: [...EVAL, "--degradations", "--weights", "video-compressed", "--scale", "3"],
        says: /^fsrcnn: --weights video-compressed: no video-compressed weights are shipped for x3/,
      },
      { args: [...EVAL, "--method", "bicubic"], says: /--scale is required for the bicubic/ },
      {
        args: [...EVAL, "--method", "bicubic", "--scale", "2", "--weights", "w.safetensors"],
        says: /--weights are not used by the bicubic method/,
      },
      { args: ["eval"], says: /--data/ },
    ], dir);
  });
});

Deno.test("train: every bad flag value is one line and exit 2", async () => {
  await withMedia(async (dir) => {
    const TRAIN = ["train", "--scale", "2", "--data", "images", "--out", "w.safetensors"];
    const base = ["train", "--data", "images", "--out", "w.safetensors"];
    await check([
      ...values(base, "--scale", ["0", "x"]),
      { args: [...base, "--scale", "5"], says: /unsupported scale 5/ },
      ...values(TRAIN, "--backend", ["cuda9", "webgpu-wgsl"]),
      ...values(TRAIN, "--network", ["fsrcnn-xl", "FSRCNN"], /--network.*unknown network/),
      ...values(TRAIN, "--holdout", ["0"]),
      ...values(TRAIN, "--degradations", ["nope"]),
      ...values(TRAIN, "--crfs", ["18,x", "60"]),
      ...values(TRAIN, "--steps", ["0"]),
      ...values(TRAIN, "--batch", ["x"]),
      ...values(TRAIN, "--patch", ["-3"]),
      ...values(TRAIN, "--lr", ["0", "x"]),
      ...values(TRAIN, "--last-lr", ["-1"]),
      ...values(TRAIN, "--seed", ["1.5"]),
      ...values(TRAIN, "--validate-every", ["0"]),
      ...values(TRAIN, "--checkpoint-minutes", ["0"]),
      ...values(TRAIN, "--max-minutes", ["x"]),
      ...values(TRAIN, "--max-steps", ["0"]),
      ...values(TRAIN, "--threads", ["0", "1000000"]),
      {
        args: ["train", "--scale", "2", "--data", " , ", "--out", "w.safetensors"],
        says: /^fsrcnn: --data names no folder$/,
      },
      { args: ["train", "--scale", "2", "--data", "images"], says: /--out/ },
    ], dir);
  });
});

Deno.test("bench: every bad flag value is one line and exit 2", async () => {
  await withMedia(async (dir) => {
    const BENCH = ["bench", "--sizes", "16x16", "--seconds", "0.01", "--backends", "onnx"];
    await check([
      ...values(["bench"], "--mode", ["fast"]),
      ...values(["bench"], "--network", ["big", "fsrcnn,"], /--network.*unknown network/),
      ...values(["bench"], "--sizes", ["foo", "0x10", "16x16,big"]),
      ...values(["bench"], "--scales", ["0", "2,x"]),
      { args: [...BENCH, "--scales", "5"], says: /unsupported scale 5/ },
      ...values(["bench"], "--backends", ["cuda9", "onnx,cuda9"]),
      ...values(["bench"], "--batch", ["0"]),
      ...values(["bench"], "--tile", ["0"]),
      { args: [...BENCH, "--tile", "3"], says: /--tile/ },
      ...values(["bench"], "--seconds", ["0", "x"]),
      ...values(["bench"], "--frames", ["0"]),
      ...values(["bench"], "--threads", ["0"]),
      { args: [...BENCH, "--threads", "1000000"], says: /--threads/ },
    ], dir);
  });
});

Deno.test("--version prints the version; --crf 0 (lossless) is accepted", async () => {
  const v = await run(Deno.execPath(), ["run", "-A", CLI, "--version"]);
  assert.equal(v.code, 0, v.stderr);
  const { version } = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  assert.equal(v.stdout, `fsrcnn ${version}\n`);
  await withMedia(async (dir) => {
    const r = await run(Deno.execPath(), [
      "run",
      "-A",
      CLI,
      ...UPSCALE,
      "--crf",
      "0",
      "--backend",
      "onnx",
      "-q",
    ], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    // x264 records its settings in the stream: CRF 0 makes it switch to lossless (qp 0).
    const bytes = new TextDecoder("latin1").decode(await Deno.readFile(`${dir}/out.mp4`));
    const settings = bytes.match(/x264 - core .*? rc=\w+ .*?qp=\d+/)?.[0] ?? "no x264 settings";
    assert.match(settings, / rc=cqp .*qp=0$/);
    await Deno.remove(`${dir}/out.mp4`);
  });
});
