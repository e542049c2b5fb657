/**
 * Nothing lost, nothing injected: outputs that would write into or over an input (however it is
 * spelled), encoder arguments that would make ffmpeg write another file, pictures of different
 * sizes, dangling links and missing pattern folders. Through the CLI as users run it; each
 * refusal is one line, and every input file is left exactly as it was.
 */
import assert from "node:assert/strict";
import {
  assertFails,
  CLI,
  ffmpeg,
  ffprobe,
  listDir,
  makeClip,
  ok,
  run,
  stderrLines,
  tempDir,
  writeWeights,
} from "./helpers.ts";

const W = ["--weights", "w2.safetensors", "--backend", "onnx"];

/** Runs the CLI with `dir` as the working directory, so that messages carry short names. */
function fsrcnn(dir: string, args: string[]) {
  return run(Deno.execPath(), ["run", "-A", CLI, ...args], { cwd: dir });
}

/** Every file under `dir` (links as links) and its bytes, to show that nothing changed. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const all = new Map<string, string>();
  const walk = async (d: string, rel: string) => {
    for await (const e of Deno.readDir(d)) {
      const path = `${d}/${e.name}`, name = `${rel}${e.name}`;
      if (e.isSymlink) all.set(name, `-> ${await Deno.readLink(path)}`);
      else if (e.isDirectory) await walk(path, `${name}/`);
      else all.set(name, Array.from(await Deno.readFile(path)).join(","));
    }
  };
  await walk(dir, "");
  return all;
}

/** Three distinct 32x24 frames `F/0001.png` to `F/0003.png`, x2 weights and a clip `in.mp4`. */
async function withFrames(body: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await Deno.rename(await writeWeights(dir, 2), `${dir}/w2.safetensors`);
    await Deno.mkdir(`${dir}/F`);
    await ffmpeg(
      ...["-f", "lavfi", "-i", "testsrc2=size=32x24:rate=5", "-frames:v", "3"],
      `${dir}/F/%04d.png`,
    );
    await makeClip(`${dir}/in.mp4`, { frames: 12, audio: false });
    await body(dir);
  } finally {
    await cleanup();
  }
}

/** Refused with exit 2 and one line that does not suggest -y, and nothing changed. */
async function assertRefused(dir: string, args: string[], says: RegExp): Promise<void> {
  const before = await snapshot(dir);
  const r = await fsrcnn(dir, ["upscale", ...args, ...W]);
  assertFails(r, 2, says);
  assert.doesNotMatch(r.stderr, /overwrite|-y\b/, `${args.join(" ")}: ${r.stderr}`);
  assert.deepEqual(await snapshot(dir), before, `${args.join(" ")} changed files`);
}

Deno.test("output over the input frames: refused however it is spelled, -y or not", async () => {
  await withFrames(async (dir) => {
    await Deno.symlink("F", `${dir}/L`);
    const over = /would write over the input F\/000[123]\.png$/;
    const cases: [string[], RegExp][] = [
      [["F/%04d.png", "F/%04d.png", "-y"], over],
      [["F/%04d.png", "F/%04d.png"], over],
      // ffmpeg pads with zeros whatever the flags: %4d and %004d are %04d.
      [["F/%04d.png", "F/%4d.png", "-y"], over],
      [["F/%04d.png", "./F/%004d.png", "-y"], over],
      [["F/%04d.png", `${dir}/F/%04d.png`, "-y"], over],
      [["F/%04d.png", "L/%04d.png", "-y"], over],
      [["L/%04d.png", "F//%04d.png", "-y"], /would write over the input L\/000[123]\.png$/],
      // Frames of a folder input, or into it.
      [["F", "F/%04d.png", "-y"], /^fsrcnn: F\/%04d\.png: writes frames into the input folder F$/],
      [["F", "L/x%d.png", "-y"], /writes frames into the input folder F$/],
      [["F", "F", "-y"], /^fsrcnn: F: output is the input folder$/],
      [["F", "./F/", "-y"], /output is the input folder$/],
      [["L", "F", "-y"], /output is the input folder$/],
      [["F/%04d.png", "F", "-y"], /output is the folder of the input frames F\/%04d\.png$/],
    ];
    for (const [args, says] of cases) await assertRefused(dir, args, says);
  });
});

Deno.test("output over a file a linked input frame points to: refused", async () => {
  await withFrames(async (dir) => {
    await Deno.mkdir(`${dir}/G`);
    await Deno.symlink("../F/0002.png", `${dir}/G/a.png`);
    await Deno.symlink("../F/0003.png", `${dir}/G/b.png`);
    await assertRefused(dir, ["G", "F/%04d.png", "-y"], /would write over the input G\/[ab]\.png$/);
  });
});

Deno.test("output frames beside the input's, under other names: written, input kept", async () => {
  await withFrames(async (dir) => {
    const before = await snapshot(`${dir}/F`);
    ok(await fsrcnn(dir, ["upscale", "F/%04d.png", "F/up_%04d.png", "-q", ...W]));
    const after = await snapshot(`${dir}/F`);
    for (const [name, bytes] of before) assert.equal(after.get(name), bytes, name);
    assert.deepEqual(await listDir(`${dir}/F`), [
      "0001.png",
      "0002.png",
      "0003.png",
      "up_0001.png",
      "up_0002.png",
      "up_0003.png",
    ]);
  });
});

Deno.test("encoder arguments: a bare word or a file option is refused, nothing written", async () => {
  await withFrames(async (dir) => {
    await Deno.writeTextFile(`${dir}/victim.mkv`, "keep me");
    const cases: [string, RegExp][] = [
      ["-tune film victim.mkv", /holds "victim\.mkv", which is neither an option nor/],
      // -shortest takes no value: the word after it would be an output.
      ["-shortest victim.mkv", /holds "victim\.mkv"/],
      // -metadata takes the next word even when it starts with a dash.
      ["-metadata -x victim.mkv", /holds "victim\.mkv"/],
      ["-y", /may not hold -y: /],
      ["-i victim.mkv", /may not hold -i: /],
      ["-f matroska", /may not hold -f: /],
      ["-map 0", /may not hold -map: /],
      ["-passlogfile victim", /may not hold -passlogfile: /],
      ["-vstats_file victim.mkv", /may not hold -vstats_file: /],
      ["-filter_complex_script victim.mkv", /may not hold -filter_complex_script: /],
      ["-tune", /ends with -tune, which needs a value/],
    ];
    for (const [value, says] of cases) {
      for (const command of [["upscale"], ["upscale", "plan"]]) {
        const before = await snapshot(dir);
        const r = await fsrcnn(dir, [
          ...command,
          "in.mp4",
          "out.mkv",
          "--encoder-args",
          value,
          ...W,
          "-y",
        ]);
        assertFails(r, 2, new RegExp(`^fsrcnn: --encoder-args ${says.source}`));
        assert.deepEqual(await snapshot(dir), before, `${command.join(" ")} "${value}"`);
      }
    }
  });
});

Deno.test("pictures of different sizes: each keeps its size; into a video, refused", async () => {
  await withFrames(async (dir) => {
    await Deno.mkdir(`${dir}/P`);
    const picture = (size: string, name: string) =>
      ffmpeg("-f", "lavfi", "-i", `testsrc2=size=${size}`, "-frames:v", "1", `${dir}/P/${name}`);
    await picture("48x48", "1.png");
    await picture("38x58", "2.png");
    await picture("30x20", "3.png");
    await assertRefused(
      dir,
      ["P", "out.mp4"],
      /^fsrcnn: P\/2\.png: 38x58, unlike P\/1\.png \(48x48\): a video has one picture size$/,
    );
    await assertRefused(
      dir,
      ["P/%d.png", "out.mkv"],
      /^fsrcnn: P\/2\.png: 38x58, unlike P\/1\.png/,
    );
    ok(await fsrcnn(dir, ["upscale", "P", "out", "-q", ...W]));
    ok(await fsrcnn(dir, ["upscale", "P/%d.png", "up/%03d.jpg", "-q", ...W]));
    const sizes = async (files: string[]) => {
      const out = [];
      for (const f of files) {
        const s = (await ffprobe(f)).streams[0];
        out.push(`${s.width}x${s.height}`);
      }
      return out;
    };
    const all = ["96x96", "76x116", "60x40"];
    assert.deepEqual(await listDir(`${dir}/out`), ["000001.png", "000002.png", "000003.png"]);
    assert.deepEqual(await sizes([1, 2, 3].map((n) => `${dir}/out/00000${n}.png`)), all);
    assert.deepEqual(await sizes([1, 2, 3].map((n) => `${dir}/up/00${n}.jpg`)), all);
  });
});

Deno.test("a dangling link as output or input: one line; with -y the link is replaced", async () => {
  await withFrames(async (dir) => {
    await Deno.symlink("missing.mp4", `${dir}/dangling.mp4`);
    let r = await fsrcnn(dir, ["upscale", "in.mp4", "dangling.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: dangling\.mp4: already exists \(use --overwrite or -y/);
    r = await fsrcnn(dir, ["upscale", "dangling.mp4", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: dangling\.mp4: no such file$/);
    ok(await fsrcnn(dir, ["upscale", "in.mp4", "dangling.mp4", "-y", "-q", ...W]));
    assert.ok((await Deno.lstat(`${dir}/dangling.mp4`)).isFile);
    assert.equal(await Deno.lstat(`${dir}/missing.mp4`).catch(() => null), null);
  });
});

Deno.test("a pattern output in a missing folder: made; removed again when the run fails", async () => {
  await withFrames(async (dir) => {
    ok(await fsrcnn(dir, ["upscale", "F/%04d.png", "new/%04d.png", "-q", ...W]));
    assert.deepEqual(await listDir(`${dir}/new`), ["0001.png", "0002.png", "0003.png"]);
    // Frame 3 is cut short (its header is whole): the run fails after the folder was made.
    const third = await Deno.readFile(`${dir}/F/0003.png`);
    await Deno.writeFile(`${dir}/F/0003.png`, third.subarray(0, third.length >> 1));
    const r = await fsrcnn(dir, ["upscale", "F/%04d.png", "newer/%04d.png", "-q", ...W]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(stderrLines(r.stderr).length, 1, r.stderr);
    assert.ok(!(await listDir(dir)).includes("newer"), "the folder made for the output remains");
    // Two missing levels: refused in one line, nothing made.
    const deep = await fsrcnn(dir, ["upscale", "F/%04d.png", "a/b/%04d.png", ...W]);
    assertFails(deep, 1, /^fsrcnn: a\/b\/%04d\.png: output folder a does not exist$/);
  });
});

Deno.test("plan: an output folder that is a link to the input folder is refused", async () => {
  await withFrames(async (dir) => {
    await Deno.mkdir(`${dir}/V`);
    await Deno.rename(`${dir}/in.mp4`, `${dir}/V/a.mp4`);
    await Deno.symlink("V", `${dir}/VL`);
    const before = await snapshot(dir);
    const r = await fsrcnn(dir, ["upscale", "plan", "V", "VL", ...W]);
    assertFails(r, 2, /^fsrcnn: VL: the output folder is the input folder$/);
    assert.deepEqual(await snapshot(dir), before);
  });
});

Deno.test("plan: two videos of a folder that would be written to one output are refused", async () => {
  await withFrames(async (dir) => {
    await Deno.mkdir(`${dir}/V`);
    await Deno.copyFile(`${dir}/in.mp4`, `${dir}/V/a.mkv`);
    await Deno.copyFile(`${dir}/in.mp4`, `${dir}/V/a.mpg`);
    const before = await snapshot(dir);
    const r = await fsrcnn(dir, ["upscale", "plan", "V", "out", ...W]);
    assertFails(r, 2, /^fsrcnn: out\/a\.mkv: both V\/a\.mkv and V\/a\.mpg would be written to it$/);
    assert.deepEqual(await snapshot(dir), before, "the output folder was made");
  });
});
