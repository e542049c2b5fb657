/**
 * Bad inputs and interruptions, through the CLI as users run it. The contract: one line on
 * stderr (`fsrcnn: <path>: <problem>`; commander's own `error: …` for flag errors), exit
 * status 1 (2 for usage errors, 130 for Ctrl-C), no stack trace, no output and no hidden
 * temporary file left in the output folder, and no existing file clobbered unless asked.
 */
import assert from "node:assert/strict";
import { crc32, deflateSync } from "node:zlib";
import { Rng } from "../src/core/random.ts";
import { stderrTail } from "../src/media/ffmpeg/process.ts";
import {
  assertFails,
  CLI,
  ffmpeg,
  ffprobe,
  listDir,
  makeClip,
  run,
  STACK,
  stderrLines,
  tempDir,
  writeWeights,
} from "./helpers.ts";

/** Runs `upscale` with `dir` as the working directory, so that messages carry short names. */
function upscale(dir: string, args: string[]) {
  return run(Deno.execPath(), ["run", "-A", CLI, "upscale", ...args], { cwd: dir });
}

/** A temporary folder with x2 test weights (`w2.safetensors`) and a small clip (`in.mp4`). */
async function withFixture(
  body: (dir: string) => Promise<void>,
  o: { clip?: boolean } = {},
): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await Deno.rename(await writeWeights(dir, 2), `${dir}/w2.safetensors`);
    if (o.clip !== false) await makeClip(`${dir}/in.mp4`, { frames: 12, audio: false });
    await body(dir);
  } finally {
    await cleanup();
  }
}

const W = ["--weights", "w2.safetensors", "--backend", "onnx"];

/** A commander usage error: its `error: …` line first, exit 2, no stack trace. */
function assertUsage(r: { code: number; stderr: string }, message: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code}, expected 2: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK, r.stderr);
  assert.match(stderrLines(r.stderr)[0], /^error: /, r.stderr);
  assert.match(r.stderr, message);
}

/** Clip whose MP4 index comes first (faststart), so cutting it loses frames, not the index. */
async function faststartClip(dir: string, name: string): Promise<Uint8Array> {
  await makeClip(`${dir}/${name}`, {
    width: 96,
    height: 72,
    frames: 30,
    audio: false,
    faststart: true,
  });
  return await Deno.readFile(`${dir}/${name}`);
}

/** Video packets in a file (one per frame kept). */
async function packetCount(path: string): Promise<number> {
  const j = await ffprobe(path, ["-count_packets", "-select_streams", "v:0"]);
  return Number(j.streams[0].nb_read_packets);
}

Deno.test("ffmpeg's reason in messages skips its 'Last message repeated' lines", () => {
  const stderr = "[h264 @ 0x1] co located POCs unavailable\n" +
    "Error while decoding stream #0:0: Invalid data found when processing input\n" +
    "    Last message repeated 1 times\n";
  assert.equal(
    stderrTail(stderr, 1),
    "Error while decoding stream #0:0: Invalid data found when processing input",
  );
});

Deno.test("missing input file", async () => {
  await withFixture(async (dir) => {
    const r = await upscale(dir, ["missing.mp4", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: missing\.mp4: no such file$/);
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

Deno.test("input folder without images", async () => {
  await withFixture(async (dir) => {
    await Deno.mkdir(`${dir}/frames`);
    await Deno.writeTextFile(`${dir}/frames/notes.txt`, "not an image\n");
    const r = await upscale(dir, ["frames", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: frames: has no images/);
    assert.deepEqual(await listDir(dir), ["frames", "in.mp4", "w2.safetensors"]);
    assert.deepEqual(await listDir(`${dir}/frames`), ["notes.txt"]);
  });
});

Deno.test("not media: random bytes named .mp4", async () => {
  await withFixture(async (dir) => {
    // Seeded, so every run sees the same bytes: fresh random bytes now and then hold something
    // an ffmpeg demuxer takes for an audio frame, and the file then reads as media without video.
    const rng = new Rng(11);
    const bytes = Uint8Array.from({ length: 8192 }, () => rng.int(256));
    await Deno.writeFile(`${dir}/random.mp4`, bytes);
    const r = await upscale(dir, ["random.mp4", "out.mp4", ...W]);
    // Which of the two a given ffmpeg finds is its business; either is one line and exit 1.
    assertFails(r, 1, /^fsrcnn: random\.mp4: (not a readable media file|has no video stream)/);
    assert.deepEqual(await listDir(dir), ["random.mp4", "w2.safetensors"]);
  }, { clip: false });
});

Deno.test("zero-length input", async () => {
  await withFixture(async (dir) => {
    await Deno.writeFile(`${dir}/empty.mp4`, new Uint8Array(0));
    const r = await upscale(dir, ["empty.mp4", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: empty\.mp4: is empty/);
    assert.deepEqual(await listDir(dir), ["empty.mp4", "w2.safetensors"]);
  }, { clip: false });
});

Deno.test("input truncated in the middle: refused, or kept with --keep-partial", async () => {
  await withFixture(async (dir) => {
    const full = await faststartClip(dir, "full.mp4");
    await Deno.writeFile(`${dir}/cut.mp4`, full.slice(0, Math.floor(full.length * 0.6)));
    await Deno.remove(`${dir}/full.mp4`);
    const before = ["cut.mp4", "w2.safetensors"];

    const r = await upscale(dir, ["cut.mp4", "out.mp4", ...W]);
    assertFails(
      r,
      1,
      /^fsrcnn: cut\.mp4: corrupt or truncated: .*; (\d+) frames were upscaled, no output written/,
    );
    const n = Number(r.stderr.match(/(\d+) frames were upscaled/)![1]);
    assert.ok(n > 0 && n < 30, `upscaled ${n} of 30 frames`);
    assert.deepEqual(await listDir(dir), before);
    // Into a frame pattern: no frame files either.
    const p = await upscale(dir, ["cut.mp4", "f_%03d.png", ...W]);
    assertFails(p, 1, /^fsrcnn: cut\.mp4: corrupt or truncated: .*no output written/);
    assert.deepEqual(await listDir(dir), before);

    const k = await upscale(dir, ["cut.mp4", "out.mp4", ...W, "--keep-partial", "-q"]);
    assert.equal(k.code, 0, k.stderr);
    assert.doesNotMatch(k.stderr, STACK);
    assert.equal(stderrLines(k.stderr).length, 1, k.stderr);
    assert.match(stderrLines(k.stderr)[0], /^fsrcnn: warning: cut\.mp4: .*; kept (\d+) frames$/);
    const kept = Number(k.stderr.match(/kept (\d+) frames/)![1]);
    assert.equal(kept, n);
    assert.deepEqual(await listDir(dir), ["cut.mp4", "out.mp4", "w2.safetensors"]);
    assert.equal(await packetCount(`${dir}/out.mp4`), n);
  }, { clip: false });
});

Deno.test("input corrupt in the middle: refused, or kept with --keep-partial", async () => {
  await withFixture(async (dir) => {
    const bytes = await faststartClip(dir, "bad.mp4");
    const mid = bytes.length >> 1;
    bytes.fill(0xff, mid - 1024, mid + 1024);
    await Deno.writeFile(`${dir}/bad.mp4`, bytes);
    const before = ["bad.mp4", "w2.safetensors"];

    const r = await upscale(dir, ["bad.mp4", "out.mp4", ...W]);
    assertFails(
      r,
      1,
      /^fsrcnn: bad\.mp4: corrupt or truncated: .*; (\d+) frames were upscaled, no output written/,
    );
    const n = Number(r.stderr.match(/(\d+) frames were upscaled/)![1]);
    assert.ok(n > 0 && n < 30, `upscaled ${n} of 30 frames`);
    assert.deepEqual(await listDir(dir), before);
    // Into a new frame folder: the folder made for it goes too.
    const f = await upscale(dir, ["bad.mp4", "frames/", ...W]);
    assertFails(f, 1, /^fsrcnn: bad\.mp4: corrupt or truncated: .*no output written/);
    assert.deepEqual(await listDir(dir), before);

    const k = await upscale(dir, ["bad.mp4", "out.mp4", ...W, "--keep-partial", "-q"]);
    assert.equal(k.code, 0, k.stderr);
    assert.doesNotMatch(k.stderr, STACK);
    assert.equal(stderrLines(k.stderr).length, 1, k.stderr);
    assert.match(stderrLines(k.stderr)[0], /^fsrcnn: warning: bad\.mp4: .*; kept (\d+) frames$/);
    assert.equal(Number(k.stderr.match(/kept (\d+) frames/)![1]), n);
    assert.deepEqual(await listDir(dir), ["bad.mp4", "out.mp4", "w2.safetensors"]);
    assert.equal(await packetCount(`${dir}/out.mp4`), n);
  }, { clip: false });
});

Deno.test("input corrupt from the first frame: the input is blamed, even with --keep-partial", async () => {
  await withFixture(async (dir) => {
    // A tiny clip is mostly its first (key) frame: damaging its middle leaves no good frame.
    await makeClip(`${dir}/bad.mp4`, { frames: 12, audio: false, faststart: true });
    const bytes = await Deno.readFile(`${dir}/bad.mp4`);
    const mid = bytes.length >> 1;
    bytes.fill(0xff, mid - 512, mid + 512);
    await Deno.writeFile(`${dir}/bad.mp4`, bytes);
    for (const extra of [[], ["--keep-partial"]]) {
      const r = await upscale(dir, ["bad.mp4", "out.mp4", ...W, ...extra]);
      assertFails(r, 1, /^fsrcnn: bad\.mp4: .*\b0 frames were upscaled, no output written/);
      assert.deepEqual(await listDir(dir), ["bad.mp4", "w2.safetensors"]);
    }
  }, { clip: false });
});

Deno.test("no video stream (audio only)", async () => {
  await withFixture(async (dir) => {
    for (const name of ["tone.m4a", "tone.mp4"]) {
      await ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440",
        "-t",
        "0.5",
        "-c:a",
        "aac",
        `${dir}/${name}`,
      );
    }
    for (const name of ["tone.m4a", "tone.mp4"]) {
      const r = await upscale(dir, [name, "out.mp4", ...W]);
      assertFails(r, 1, new RegExp(`^fsrcnn: ${name.replace(".", "\\.")}: has no video stream$`));
    }
    assert.deepEqual(await listDir(dir), ["tone.m4a", "tone.mp4", "w2.safetensors"]);
  }, { clip: false });
});

Deno.test("unsupported scale: usage error naming the supported scales", async () => {
  await withFixture(async (dir) => {
    for (const extra of [[], W]) {
      const r = await upscale(dir, ["in.mp4", "out.mp4", "--scale", "5", ...extra]);
      assertFails(r, 2, /unsupported scale 5\b.*\b2, 3, 4\b/);
    }
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

Deno.test({
  name: "unwritable output folder (mode 0o555)",
  ignore: Deno.uid() === 0, // root writes anywhere; the next test covers what root can see
  fn: async () => {
    await withFixture(async (dir) => {
      await Deno.mkdir(`${dir}/ro`, { mode: 0o555 });
      await Deno.chmod(`${dir}/ro`, 0o555);
      try {
        const r = await upscale(dir, ["in.mp4", "ro/out.mp4", ...W]);
        assertFails(r, 1, /^fsrcnn: ro\/out\.mp4: output folder ro is not writable$/);
        assert.deepEqual(await listDir(`${dir}/ro`), []);
      } finally {
        await Deno.chmod(`${dir}/ro`, 0o755);
      }
    });
  },
});

Deno.test("output folder missing, or its parent is a regular file", async () => {
  await withFixture(async (dir) => {
    await Deno.writeTextFile(`${dir}/plain`, "a file\n");
    let r = await upscale(dir, ["in.mp4", "nowhere/out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: nowhere\/out\.mp4: output folder nowhere does not exist$/);
    r = await upscale(dir, ["in.mp4", "plain/out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: plain\/out\.mp4: plain is not a folder$/);
    // A frame-folder output under a missing parent: nothing gets created either.
    r = await upscale(dir, ["in.mp4", "nowhere/frames/", ...W]);
    assertFails(r, 1, /^fsrcnn: nowhere\/frames\/: output folder nowhere does not exist$/);
    assert.deepEqual(await listDir(dir), ["in.mp4", "plain", "w2.safetensors"]);
    assert.equal(await Deno.readTextFile(`${dir}/plain`), "a file\n");
  });
});

Deno.test("--ffmpeg naming a missing binary: usage error naming the path", async () => {
  await withFixture(async (dir) => {
    const r = await upscale(dir, ["in.mp4", "out.mp4", ...W, "--ffmpeg", "/nonexistent/ffmpeg"]);
    assertFails(r, 2, /^fsrcnn: \/nonexistent\/ffmpeg: ffmpeg not found or not executable/);
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

Deno.test("unknown encoder: usage error; ffmpeg failing on an encoder option", async () => {
  await withFixture(async (dir) => {
    let r = await upscale(dir, ["in.mp4", "out.mp4", ...W, "--codec", "no_such_encoder"]);
    assertFails(r, 2, /^fsrcnn: --codec no_such_encoder: .*ffmpeg\S* has no such encoder$/);
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
    r = await upscale(dir, ["in.mp4", "out.mp4", ...W, "--encoder-args", "-no_such_option 1"]);
    assertFails(r, 1, /^fsrcnn: out\.mp4: ffmpeg failed \(.*no_such_option/);
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

Deno.test("weights: corrupt, truncated, or for another scale", async () => {
  await withFixture(async (dir) => {
    await Deno.writeFile(`${dir}/junk.safetensors`, crypto.getRandomValues(new Uint8Array(4096)));
    const good = await Deno.readFile(`${dir}/w2.safetensors`);
    await Deno.writeFile(`${dir}/cut.safetensors`, good.slice(0, Math.floor(good.length * 0.7)));
    await Deno.rename(await writeWeights(dir, 3), `${dir}/w3.safetensors`);
    const files = ["cut.safetensors", "in.mp4", "junk.safetensors", "w2.safetensors"];
    files.push("w3.safetensors");
    const cases: Array<[string[], RegExp]> = [
      [["--weights", "junk.safetensors"], /^fsrcnn: junk\.safetensors: not a valid weights file/],
      [["--weights", "cut.safetensors"], /^fsrcnn: cut\.safetensors: .*truncated/],
      [
        ["--weights", "w3.safetensors", "--scale", "2"],
        /^fsrcnn: w3\.safetensors: weights are for scale 3, not the requested 2$/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await upscale(dir, ["in.mp4", "out.mp4", "--backend", "onnx", ...flags]);
      assertFails(r, 1, message);
      assert.deepEqual(await listDir(dir), files);
    }
  });
});

Deno.test("existing output: refused without -y, replaced with -y", async () => {
  await withFixture(async (dir) => {
    const precious = new TextEncoder().encode("precious, not a video\n");
    await Deno.writeFile(`${dir}/out.mp4`, precious);
    const r = await upscale(dir, ["in.mp4", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: out\.mp4: already exists \(use --overwrite or -y/);
    assert.deepEqual(await Deno.readFile(`${dir}/out.mp4`), precious);
    assert.deepEqual(await listDir(dir), ["in.mp4", "out.mp4", "w2.safetensors"]);

    // A failure with -y leaves the existing file alone as well.
    const f = await upscale(dir, [
      "in.mp4",
      "out.mp4",
      ...W,
      "-y",
      "--encoder-args",
      "-no_such_option 1",
    ]);
    assertFails(f, 1, /^fsrcnn: out\.mp4: ffmpeg failed/);
    assert.deepEqual(await Deno.readFile(`${dir}/out.mp4`), precious);
    assert.deepEqual(await listDir(dir), ["in.mp4", "out.mp4", "w2.safetensors"]);

    const y = await upscale(dir, ["in.mp4", "out.mp4", ...W, "-y", "-q"]);
    assert.equal(y.code, 0, y.stderr);
    assert.deepEqual(stderrLines(y.stderr), []);
    const v = (await ffprobe(`${dir}/out.mp4`)).streams[0];
    assert.equal(v.width, 128);
    assert.deepEqual(await listDir(dir), ["in.mp4", "out.mp4", "w2.safetensors"]);
  });
});

Deno.test("existing frames in an output folder: refused, none replaced", async () => {
  await withFixture(async (dir) => {
    await Deno.mkdir(`${dir}/frames`);
    // Not the first frame (which is checked up front): one further in.
    await Deno.writeTextFile(`${dir}/frames/000007.png`, "precious\n");
    const r = await upscale(dir, ["in.mp4", "frames/", ...W]);
    assertFails(r, 1, /^fsrcnn: frames\/000007\.png: already exists/);
    assert.deepEqual(await listDir(`${dir}/frames`), ["000007.png"]);
    assert.equal(await Deno.readTextFile(`${dir}/frames/000007.png`), "precious\n");
  });
});

Deno.test("input and output the same file: refused, input unchanged", async () => {
  await withFixture(async (dir) => {
    const original = await Deno.readFile(`${dir}/in.mp4`);
    await Deno.mkdir(`${dir}/sub`);
    await Deno.symlink(`${dir}/in.mp4`, `${dir}/link.mp4`);
    const spellings: Array<[string, string[]]> = [
      ["in.mp4", []],
      ["in.mp4", ["-y"]],
      ["sub/../in.mp4", ["-y"]],
      ["link.mp4", ["-y"]],
    ];
    for (const [out, extra] of spellings) {
      const r = await upscale(dir, ["in.mp4", out, ...W, ...extra]);
      assertFails(r, 2, /: output is the same file as the input$/);
      assert.ok(r.stderr.includes(`fsrcnn: ${out}: `), r.stderr);
      assert.deepEqual(await Deno.readFile(`${dir}/in.mp4`), original);
    }
    assert.deepEqual(await listDir(dir), ["in.mp4", "link.mp4", "sub", "w2.safetensors"]);
  });
});

Deno.test("names that look like protocols or options are local paths", async () => {
  await withFixture(async (dir) => {
    const clip = await Deno.readFile(`${dir}/in.mp4`);
    await Deno.remove(`${dir}/in.mp4`);
    // Were these read as protocols, `concat:` would find a.mp4 and b.mp4 and succeed.
    for (const name of ["http:x.mp4", "-in.mp4", "a.mp4", "b.mp4"]) {
      await Deno.writeFile(`${dir}/${name}`, clip);
    }
    let r = await upscale(dir, [...W, "-q", "http:x.mp4", "http:out.mp4"]);
    assert.equal(r.code, 0, r.stderr);
    r = await upscale(dir, [...W, "-q", "--", "-in.mp4", "-out.mp4"]);
    assert.equal(r.code, 0, r.stderr);
    r = await upscale(dir, [...W, "-q", "./-in.mp4", "pipe:1.mp4"]);
    assert.equal(r.code, 0, r.stderr);
    for (const out of ["http:out.mp4", "-out.mp4", "pipe:1.mp4"]) {
      assert.equal((await ffprobe(`${dir}/${out}`)).streams[0].width, 128, out);
    }
    const made = [
      "-in.mp4",
      "-out.mp4",
      "a.mp4",
      "b.mp4",
      "http:out.mp4",
      "http:x.mp4",
      "pipe:1.mp4",
      "w2.safetensors",
    ];
    assert.deepEqual(await listDir(dir), made);

    r = await upscale(dir, ["concat:a.mp4|b.mp4", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: concat:a\.mp4\|b\.mp4: no such file$/);
    // A real URL (`scheme://`) is opened as one; port 9 has no server here.
    r = await upscale(dir, ["http://127.0.0.1:9/x.mp4", "out.mp4", ...W]);
    assertFails(r, 1, /^fsrcnn: http:\/\/127\.0\.0\.1:9\/x\.mp4: cannot read \(/);
    // Without `--`, a leading dash is an option to the command line: a usage error.
    r = await upscale(dir, ["-in.mp4", "out.mp4", ...W]);
    assertUsage(r, /unknown option '-in\.mp4'/);
    assert.deepEqual(await listDir(dir), made);
  });
});

Deno.test("unknown output extension: usage error", async () => {
  await withFixture(async (dir) => {
    const r = await upscale(dir, ["in.mp4", "out.xyz", ...W]);
    assertFails(r, 2, /^fsrcnn: out\.xyz: unknown output type "\.xyz"/);
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

/** ffmpeg processes whose command line mentions `text`. */
async function ffmpegsMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).split("\0");
      if (/ffmpeg/.test(cmd[0] ?? "") && cmd.some((a) => a.includes(text))) {
        found.push(`${e.name}: ${cmd.join(" ")}`);
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/**
 * Stops an upscale under way with `signal` and checks the promise: exit `code` within a few
 * seconds, one line `fsrcnn: <said>`, no output, no temporary files, no ffmpeg left running.
 */
async function stopWith(signal: Deno.Signal, code: number, said: string): Promise<void> {
  await withFixture(async (dir) => {
    await makeClip(`${dir}/long.mp4`, { width: 320, height: 240, frames: 300, audio: false });
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "upscale", "long.mp4", "out.mp4"]
        .concat(["--weights", "w2.safetensors", "--backend", "wasm"]),
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = child.output();
    try {
      // Wait until the upscale is under way (its temporary output exists), then a bit more.
      const start = Date.now();
      while (!(await listDir(dir)).some((n) => n.includes("partial"))) {
        assert.ok(Date.now() - start < 60_000, "the upscale never started writing");
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 1000));
      assert.notDeepEqual(await ffmpegsMentioning(dir), [], "ffmpeg should be running by now");
      child.kill(signal);
    } catch (e) {
      child.kill("SIGKILL");
      await output;
      throw e;
    }
    const stopped = Date.now();
    const r = await output;
    const stderr = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, code, `exit ${r.code}: ${stderr}`);
    assert.ok(Date.now() - stopped < 5000, `${Date.now() - stopped} ms to stop`);
    assert.doesNotMatch(stderr, STACK);
    assert.deepEqual(stderrLines(stderr), [`fsrcnn: ${said}`]);
    assert.deepEqual(await listDir(dir), ["in.mp4", "long.mp4", "w2.safetensors"]);
    // Children get a moment to finish exiting, no more.
    let left = await ffmpegsMentioning(dir);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await ffmpegsMentioning(dir);
    }
    assert.deepEqual(left, [], "ffmpeg processes left running");
  });
}

Deno.test("Ctrl-C: exit 130, no output, no temporary files, no ffmpeg left running", async () => {
  await stopWith("SIGINT", 130, "interrupted");
});

Deno.test("SIGTERM (kill, timeout, a scheduler): exit 143, nothing left behind", async () => {
  await stopWith("SIGTERM", 143, "terminated");
});

/**
 * Runs the CLI with `args` in `dir`, killed (SIGKILL) after `seconds`: a read that hangs or
 * grows without end fails the test instead of stalling it.
 */
async function cliWithin(dir: string, args: string[], seconds = 60) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), seconds * 1000);
  const out = await child.output().finally(() => clearTimeout(timer));
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Makes a FIFO (named pipe): reading one waits for a writer that never comes. */
async function mkfifo(path: string): Promise<void> {
  const r = await run("mkfifo", [path]);
  assert.equal(r.code, 0, r.stderr);
}

Deno.test("weights, checkpoints and plans that are not regular files, or too large: refused at once", async () => {
  await withFixture(async (dir) => {
    await mkfifo(`${dir}/fifo.safetensors`);
    await Deno.mkdir(`${dir}/folder.safetensors`);
    // Sparse: 100 MiB long, no disk used.
    const huge = await Deno.open(`${dir}/huge.safetensors`, { write: true, create: true });
    await huge.truncate(100 * 1024 * 1024);
    huge.close();
    const files = await listDir(dir);
    const cases: Array<[string, RegExp]> = [
      ["/dev/zero", /^fsrcnn: \/dev\/zero: not a regular file$/],
      ["fifo.safetensors", /^fsrcnn: fifo\.safetensors: not a regular file$/],
      ["folder.safetensors", /^fsrcnn: folder\.safetensors: is a directory, not a regular file$/],
      [
        "huge.safetensors",
        /^fsrcnn: huge\.safetensors: is 100 MiB, more than the 64 MiB a weights file can be$/,
      ],
    ];
    for (const [weights, message] of cases) {
      const r = await cliWithin(dir, ["upscale", "in.mp4", "out.mp4", "--weights", weights]);
      assertFails(r, 1, message);
      assert.deepEqual(await listDir(dir), files);
    }
    // Training from weights, and resuming from a checkpoint, read them the same way.
    await Deno.mkdir(`${dir}/images`);
    for (const i of [1, 2]) {
      await ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=64x48",
        "-frames:v",
        "1",
        `${dir}/images/${i}.png`,
      );
    }
    const train = ["train", "--scale", "2", "--data", "images", "--holdout", "1"];
    train.push("--out", "t.safetensors");
    assertFails(
      await cliWithin(dir, [...train, "--from", "fifo.safetensors"]),
      1,
      /^fsrcnn: fifo\.safetensors: not a regular file$/,
    );
    assertFails(
      await cliWithin(dir, [...train, "--resume", "--checkpoint", "/dev/zero"]),
      1,
      /^fsrcnn: \/dev\/zero: not a regular file$/,
    );
    // A work folder whose plan.json is a FIFO.
    await Deno.mkdir(`${dir}/work`);
    await mkfifo(`${dir}/work/plan.json`);
    assertFails(
      await cliWithin(dir, ["upscale", "status", "--work", "work"]),
      1,
      /^fsrcnn: work\/plan\.json: not a regular file$/,
    );
    assert.deepEqual(await listDir(dir), [...files, "images", "work"].sort());
  });
});

/**
 * A PNG of `width` x `height` 1-bit grey pixels, all black: a few kilobytes that decode to
 * `width * height` samples (a decompression bomb), or with `pixels: false` a header and no
 * image data at all.
 */
function blackPng(width: number, height: number, o: { pixels: boolean }): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const body = new Uint8Array([...new TextEncoder().encode(type), ...data]);
    const out = new Uint8Array(4 + body.length + 4);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    out.set(body, 4);
    view.setUint32(4 + body.length, crc32(body) >>> 0);
    return out;
  };
  const header = new Uint8Array(13);
  new DataView(header.buffer).setUint32(0, width);
  new DataView(header.buffer).setUint32(4, height);
  header[8] = 1; // bits per sample; colour type 0 (grey)
  // Each row: a filter byte and width / 8 bytes of samples, all zero.
  const rows = o.pixels ? deflateSync(new Uint8Array((1 + Math.ceil(width / 8)) * height)) : null;
  return new Uint8Array([
    ...[137, 80, 78, 71, 13, 10, 26, 10],
    ...chunk("IHDR", header),
    ...(rows ? chunk("IDAT", rows) : []),
    ...chunk("IEND", new Uint8Array(0)),
  ]);
}

Deno.test("pictures over the pixel limit, or too large to decode: refused from the header", async () => {
  await withFixture(async (dir) => {
    await Deno.writeFile(`${dir}/bomb.png`, blackPng(16000, 16000, { pixels: true }));
    await Deno.writeFile(`${dir}/header.png`, blackPng(100000, 100000, { pixels: false }));
    await ffmpeg("-f", "lavfi", "-i", "testsrc2=s=64x48", "-frames:v", "1", `${dir}/small.png`);
    const files = await listDir(dir);
    const cases: Array<[string[], RegExp]> = [
      [
        ["bomb.png", "out.png"],
        /^fsrcnn: bomb\.png: 16000x16000 is 256 megapixels, over the limit of 100 \(--max-pixels\)$/,
      ],
      [
        ["header.png", "out.png", "--max-pixels", "100000"],
        /^fsrcnn: header\.png: 100000x100000 is 10000 megapixels, too large to decode$/,
      ],
      [
        ["small.png", "out.png", "--max-pixels", "0.003"],
        /^fsrcnn: small\.png: 64x48 is 0\.00307 megapixels, over the limit of 0\.003 \(--max-pixels\)$/,
      ],
      [
        ["in.mp4", "out.mp4", "--max-pixels", "0.003"],
        /^fsrcnn: in\.mp4: 64x48 is 0\.00307 megapixels, over the limit of 0\.003 \(--max-pixels\)$/,
      ],
    ];
    for (const [args, message] of cases) {
      // Refused before any decoding: the bomb would take gigabytes and minutes.
      const r = await cliWithin(dir, ["upscale", ...args, ...W], 60);
      assertFails(r, 1, message);
      assert.deepEqual(await listDir(dir), files);
    }
    const r = await cliWithin(dir, [
      "upscale",
      "small.png",
      "out.png",
      "--max-pixels",
      "0.004",
      ...W,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await ffprobe(`${dir}/out.png`)).streams[0].width, 128);
  }, { clip: true });
});
