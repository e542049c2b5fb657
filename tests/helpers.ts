/**
 * Shared pieces of the end-to-end tests: generating tiny media with the embedded ffmpeg,
 * running the CLI as a user would, probing results, and weights made for tests.
 */
import assert from "node:assert/strict";
import { fsrcnnConfig } from "../src/net/fsrcnn/config.ts";
import { initWeights, saveWeights } from "../src/net/weights/file.ts";
import { makeTestClip, type TestClipOptions } from "../src/media/ffmpeg/generate.ts";
import { resolveFfmpeg } from "../src/media/ffmpeg/resolve.ts";
import { capabilities } from "../src/media/ffmpeg/capabilities.ts";

/** The ffmpeg/ffprobe the tests use (the same resolution the tool does). */
export const TOOLS = await resolveFfmpeg();
export const FFMPEG = TOOLS.ffmpeg;
export const FFPROBE = TOOLS.ffprobe;
/** What that ffmpeg can do (encoders, options). */
export const CAPS = await capabilities(TOOLS);

/** Why WebM outputs cannot be tested with this ffmpeg, if they cannot. */
export const noWebm: string | undefined = !CAPS.encoders.has("libvpx-vp9")
  ? "this ffmpeg has no libvpx-vp9 encoder"
  : !CAPS.encoders.has("libvorbis")
  ? "this ffmpeg has no libvorbis encoder"
  : !CAPS.encoders.has("libopus")
  ? "this ffmpeg has no libopus encoder"
  : undefined;

/**
 * Why MPEG-TS inputs cannot be tested with this ffprobe, if they cannot: the static ffprobe
 * builds of npm:@ffprobe-installer (4.1 to 5.2) crash (SIGSEGV) on H.264 in MPEG-TS here.
 */
export const noMpegTs: string | undefined = await (async () => {
  const dir = await Deno.makeTempDir({ prefix: "fsrcnn-test-" });
  try {
    const ts = `${dir}/probe.ts`;
    const made = await new Deno.Command(FFMPEG, {
      args: [
        ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=32x32:r=5", "-frames:v", "2"],
        ...["-c:v", "libx264", ts],
      ],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!made.success) return "this ffmpeg cannot write MPEG-TS";
    const probed = await new Deno.Command(FFPROBE, {
      args: ["-v", "error", "-show_streams", ts],
      stdout: "null",
      stderr: "null",
    }).output();
    return probed.signal ? `this ffprobe crashes on MPEG-TS (${probed.signal})` : undefined;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
})();

export const ROOT = new URL("../", import.meta.url).pathname;
export const CLI = `${ROOT}cli/main.ts`;

/** Runs a command and returns its exit code and output (tests only; never through a shell). */
export async function run(
  cmd: string,
  args: string[],
  options: {
    stdin?: Uint8Array;
    env?: Record<string, string>;
    /** Start from an empty environment: `env` is all the command sees. */
    clearEnv?: boolean;
    cwd?: string;
  } = {},
): Promise<{ code: number; stdout: string; stderr: string; stdoutBytes: Uint8Array }> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: options.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    env: options.env,
    clearEnv: options.clearEnv,
    cwd: options.cwd,
  }).spawn();
  if (options.stdin) {
    const w = child.stdin.getWriter();
    await w.write(options.stdin);
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
    stdoutBytes: out.stdout,
  };
}

/** Runs ffmpeg with `-v error -y` and fails loudly if it fails. */
export async function ffmpeg(...args: string[]): Promise<Uint8Array> {
  const r = await run(FFMPEG, ["-hide_banner", "-v", "error", "-y", ...args]);
  if (r.code !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdoutBytes;
}

/** ffprobe JSON of a file (streams, format, chapters). */
// deno-lint-ignore no-explicit-any
export async function ffprobe(path: string, extra: string[] = []): Promise<any> {
  const r = await run(FFPROBE, [
    "-v",
    "error",
    "-print_format",
    "json",
    "-show_streams",
    "-show_format",
    "-show_chapters",
    ...extra,
    path,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe ${path} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Presentation timestamps (seconds) of the first video stream's packets, sorted. */
export async function videoTimestamps(path: string): Promise<number[]> {
  const r = await run(FFPROBE, [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "packet=pts_time",
    "-of",
    "csv=p=0",
    path,
  ]);
  return r.stdout.split("\n").filter((l) => l.trim() !== "").map(Number).sort((a, b) => a - b);
}

/** MD5 of a stream's packets copied out (`-c copy -f md5`), e.g. map "0:a". */
export async function packetMd5(path: string, map: string): Promise<string> {
  const out = await ffmpeg("-i", path, "-map", map, "-c", "copy", "-f", "md5", "-");
  return new TextDecoder().decode(out).trim();
}

/** Runs the CLI (`deno run -A cli/main.ts …`). */
export function cli(args: string[], env?: Record<string, string>) {
  return run(Deno.execPath(), ["run", "-A", CLI, ...args], { env });
}

/** A fresh temporary directory, removed by the returned function. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "fsrcnn-test-" });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/** Files in a directory (names), sorted. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

/**
 * Weights that make FSRCNN an exact nearest-neighbour upscaler: PReLU slopes of 1 make every
 * layer linear, channel 0 carries the input through the identity, and the 9x9 transposed
 * convolution copies each LR pixel into its s×s block. Any pipeline error (misaligned tiles,
 * swapped planes, wrong scaling) shows up as a pixel mismatch.
 */
export function nearestWeights(scale: number) {
  const cfg = fsrcnnConfig(scale);
  const w = initWeights(cfg, 1);
  for (const [name, v] of w.params) v.fill(name.match(/^NN1\.\d*[13579]\.weight$/) ? 1 : 0);
  const set = (name: string, index: number, value: number) => (w.params.get(name)![index] = value);
  // Index of the centre tap of output channel 0, input channel 0 (OIHW layout).
  const center = (k: number) => (k >> 1) * k + (k >> 1);
  set("NN1.0.weight", center(5), 1);
  set("NN1.2.weight", 0, 1);
  for (let i = 0; i < cfg.m; i++) set(`NN1.${4 + 2 * i}.weight`, center(3), 1);
  set(`NN1.${4 + 2 * cfg.m}.weight`, 0, 1);
  const k = w.params.get("NN2.weight")!; // [d, 1, 9, 9]; channel 0
  for (let y = 4; y < 4 + scale; y++) for (let x = 4; x < 4 + scale; x++) k[y * 9 + x] = 1;
  w.metadata.note = "nearest-neighbour weights for tests";
  return w;
}

/** Writes test weights to a file in `dir` and returns its path. */
export async function writeWeights(
  dir: string,
  scale: number,
  kind: "nearest" | "random" = "nearest",
) {
  const path = `${dir}/${kind}_x${scale}.safetensors`;
  await saveWeights(
    path,
    kind === "nearest" ? nearestWeights(scale) : initWeights(fsrcnnConfig(scale), 5),
  );
  return path;
}

/**
 * A small test clip: testsrc2 video (64x48, 20 frames at 25 fps unless told otherwise), with a
 * sine audio track unless `audio: false`, and whatever else `o` asks for (see makeTestClip).
 */
export async function makeClip(
  path: string,
  o: Partial<TestClipOptions> = {},
): Promise<string> {
  await makeTestClip(TOOLS, path, { width: 64, height: 48, frames: 20, audio: true, ...o });
  return path;
}

/** Decodes the first video stream to raw planes of `pixFmt` (all frames). */
export async function decodeRaw(path: string, pixFmt = "yuv420p"): Promise<Uint8Array> {
  return await ffmpeg("-i", path, "-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", pixFmt, "-");
}

/** Frames a player would show: decoded by ffprobe (`-count_frames`), not just stored. */
export async function decodedFrames(path: string): Promise<number> {
  const r = await run(FFPROBE, [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "csv=p=0",
    path,
  ]);
  // Side data (a rotation matrix) may follow on further lines.
  return Number(r.stdout.trim().split(/[\n,]/)[0]);
}

/** One stream of an ffprobe listing. */
// deno-lint-ignore no-explicit-any
export type Stream = Record<string, any>;

/** ffprobe's streams of a file. */
export async function streams(path: string): Promise<Stream[]> {
  return (await ffprobe(path)).streams;
}

/** The streams of one kind (`video`, `audio`, …), in order. */
export const ofType = (ss: Stream[], type: string): Stream[] =>
  ss.filter((s) => s.codec_type === type);

/** Asserts that the video and audio streams of `output` start when those of `input` do. */
export async function assertSameStarts(input: string, output: string): Promise<void> {
  const a = await streams(input), b = await streams(output);
  for (const type of ["video", "audio"]) {
    const sa = ofType(a, type), sb = ofType(b, type);
    assert.equal(sb.length, sa.length, `${output}: ${type} streams`);
    sa.forEach((s, i) => {
      const want = Number(s.start_time), got = Number(sb[i].start_time);
      assert.ok(
        Math.abs(got - want) <= 0.001,
        `${output}: ${type} #${i} starts at ${got}, the source's at ${want}`,
      );
    });
  }
}

/**
 * Elementary clips: `frames` (default 10) frames of H.264 (or VP9) video at 25 fps, a keyframe
 * every `gop` frames when given, and as long of AAC (or Vorbis) audio.
 */
export async function elementary(
  dir: string,
  video: "libx264" | "libvpx-vp9",
  audio: "aac" | "libvorbis",
  o: { frames?: number; gop?: number } = {},
): Promise<{ v: string; a: string }> {
  const frames = o.frames ?? 10;
  const v = `${dir}/v.${video === "libx264" ? "mp4" : "webm"}`;
  const a = `${dir}/a.${audio === "aac" ? "m4a" : "ogg"}`;
  await ffmpeg(
    ...["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", String(frames)],
    ...["-c:v", video, ...(o.gop ? ["-g", String(o.gop)] : []), "-pix_fmt", "yuv420p", v],
  );
  await ffmpeg(
    ...["-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", String(frames / 25)],
    ...["-c:a", audio, a],
  );
  return { v, a };
}

/**
 * The elementary clips muxed into `late_video.EXT` (or `late_audio.EXT`) with the video 0.5 s
 * (or the audio 0.3 s) after the other (`-itsoffset`, as users do it).
 */
export async function delayed(
  dir: string,
  ext: string,
  clips: { v: string; a: string },
  late: "video" | "audio",
): Promise<string> {
  const path = `${dir}/late_${late}.${ext}`;
  const shift = (
    which: string,
  ) => (late === which ? ["-itsoffset", late === "video" ? "0.5" : "0.3"] : []);
  await ffmpeg(
    ...shift("video"),
    "-i",
    clips.v,
    ...shift("audio"),
    "-i",
    clips.a,
    "-map",
    "0:v",
    "-map",
    "1:a",
    "-c",
    "copy",
    path,
  );
  const lateStream = ofType(await streams(path), late)[0];
  assert.ok(Number(lateStream.start_time) >= 0.25, `${path}: the ${late} really starts late`);
  return path;
}

/** The tags `keys` and the default/forced dispositions a viewer sees, per stream. */
export function labels(ss: Stream[], keys: string[]): Stream[] {
  return ss.map((s) => ({
    type: s.codec_type,
    ...Object.fromEntries(keys.map((k) => [k, s.tags?.[k]])),
    default: s.disposition?.default,
    forced: s.disposition?.forced,
  }));
}

/**
 * ffmpeg arguments for a clip with H.264 video (`frames` frames, default 10, a keyframe every
 * `gop` when given), two AAC tracks and a French text subtitle (written to `dir`); the caller
 * adds the subtitle codec, tags and the output.
 */
export async function taggedClipArgs(
  dir: string,
  o: { frames?: number; gop?: number } = {},
): Promise<string[]> {
  const frames = o.frames ?? 10;
  const srt = `${dir}/fr.srt`;
  await Deno.writeTextFile(srt, "1\n00:00:00,000 --> 00:00:00,300\nbonjour\n");
  const tone = ["-f", "lavfi", "-i", "sine=sample_rate=48000"];
  return [
    ...["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", ...tone, ...tone, "-i", srt],
    ...["-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s"],
    ...["-frames:v", String(frames), "-t", String(frames / 25)],
    ...["-c:v", "libx264", ...(o.gop ? ["-g", String(o.gop)] : []), "-c:a", "aac"],
  ];
}

/**
 * `dir/tagged.mkv` (see taggedClipArgs): German audio titled "German stereo" (default), English
 * "Commentary" (not default), French subtitles titled "French subs" (forced).
 */
export async function taggedMkv(
  dir: string,
  o: { frames?: number; gop?: number } = {},
): Promise<string> {
  const mkv = `${dir}/tagged.mkv`;
  await ffmpeg(
    ...(await taggedClipArgs(dir, o)),
    "-c:s",
    "srt",
    ...["-metadata:s:a:0", "language=ger", "-metadata:s:a:0", "title=German stereo"],
    ...["-metadata:s:a:1", "language=eng", "-metadata:s:a:1", "title=Commentary"],
    ...["-metadata:s:s:0", "language=fre", "-metadata:s:s:0", "title=French subs"],
    ...["-disposition:v:0", "default", "-disposition:a:0", "default"],
    ...["-disposition:a:1", "0", "-disposition:s:0", "forced"],
    ...(CAPS.defaultMode ? ["-default_mode", "passthrough"] : []),
    mkv,
  );
  const tagged = labels(await streams(mkv), ["language", "title"]);
  assert.deepEqual(tagged.slice(1).map((l) => [l.language, l.title, l.default, l.forced]), [
    ["ger", "German stereo", 1, 0],
    ["eng", "Commentary", 0, 0],
    ["fre", "French subs", 0, 1],
  ], "the source is tagged");
  return mkv;
}

/** Fails with the exit status and stderr unless a process exited 0. */
export function ok(r: { code: number; stderr: string }): void {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
}

/** A stack trace line, which no failure may print. */
export const STACK = /at .*\.ts:\d+/;

/** Deno's own first-run "Download https://registry…" lines: not the program's output. */
// deno-lint-ignore no-control-regex -- colour codes around Deno's word "Download"
const DENO_DOWNLOAD = /^(\x1b\[[\d;]*m)*Download(\x1b\[[\d;]*m)* https?:\/\//;

/** The program's stderr lines (non-empty). */
export function stderrLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.trim() !== "" && !DENO_DOWNLOAD.test(l));
}

/** Exit status, exactly one stderr line matching `message`, and no stack trace. */
export function assertFails(
  r: { code: number; stderr: string },
  code: number,
  message: RegExp,
): void {
  const lines = stderrLines(r.stderr);
  assert.equal(r.code, code, `exit ${r.code}, expected ${code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK, `stack trace on stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/, r.stderr);
  assert.equal(lines.length, 1, `expected one line on stderr, got: ${r.stderr}`);
  assert.match(lines[0], /^fsrcnn: /, r.stderr);
  assert.match(lines[0], message);
}
