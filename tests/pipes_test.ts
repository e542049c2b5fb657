/**
 * `upscale` as a stage of a pipeline: `-` as input and output, through real pipes between real
 * processes, and a live network source (an ffmpeg HTTP server on the loopback address) ended
 * with Ctrl-C (SIGINT).
 */
import assert from "node:assert/strict";
import {
  assertFails,
  CLI,
  decodedFrames,
  FFMPEG,
  FFPROBE,
  ffprobe,
  listDir,
  makeClip,
  noMpegTs,
  ofType,
  run,
  stderrLines,
  streams,
  tempDir,
  writeWeights,
} from "./helpers.ts";

const W = ["--backend", "onnx"];

/** A process of a pipeline, started with the given stdin and stdout. */
function spawn(
  cmd: string,
  args: string[],
  o: { stdin?: "piped" | "null"; stdout?: "piped" | "null"; cwd?: string } = {},
) {
  return new Deno.Command(cmd, {
    args,
    stdin: o.stdin ?? "null",
    stdout: o.stdout ?? "piped",
    stderr: "piped",
    cwd: o.cwd,
  }).spawn();
}

/** How a process of a pipeline ended: its exit status and stderr. */
async function ended(child: Deno.ChildProcess): Promise<{ code: number; stderr: string }> {
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  return { code: status.code, stderr };
}

function upscaleArgs(args: string[]): string[] {
  return ["run", "-A", CLI, "upscale", ...args];
}

/** A folder with x2 weights (`w2.safetensors`) and a clip with audio (`in.mp4`, 64x48). */
async function withClip(body: (dir: string) => Promise<void>): Promise<void> {
  const { dir, cleanup } = await tempDir();
  try {
    await Deno.rename(await writeWeights(dir, 2), `${dir}/w2.safetensors`);
    await makeClip(`${dir}/in.mp4`, { frames: 20 });
    await body(dir);
  } finally {
    await cleanup();
  }
}

Deno.test("ffmpeg -f matroska - | upscale - - | ffmpeg -i - -c copy out.mkv", async () => {
  await withClip(async (dir) => {
    const source = spawn(FFMPEG, [
      ...["-v", "error", "-i", `${dir}/in.mp4`, "-c", "copy", "-f", "matroska", "-"],
    ]);
    const upscale = spawn(
      Deno.execPath(),
      upscaleArgs([...W, "--weights", "w2.safetensors", "-", "-"]),
      { stdin: "piped", cwd: dir },
    );
    const sink = spawn(FFMPEG, ["-v", "error", "-i", "-", "-c", "copy", `${dir}/out.mkv`], {
      stdin: "piped",
      stdout: "null",
    });
    const piped = Promise.all([
      source.stdout.pipeTo(upscale.stdin),
      upscale.stdout.pipeTo(sink.stdin),
    ]);
    const [a, b, c] = await Promise.all([ended(source), ended(upscale), ended(sink)]);
    await piped;
    const err = b.stderr;
    assert.equal(a.code, 0);
    assert.equal(b.code, 0, err);
    assert.equal(c.code, 0, c.stderr);
    // Progress and the summary went to stderr, and only the video to stdout.
    assert.match(err, /^-: 20 frames 128x96 /m);
    const ss = await streams(`${dir}/out.mkv`);
    assert.equal(ofType(ss, "video")[0].width, 128);
    assert.equal(ofType(ss, "audio").length, 1, "the audio came through");
    assert.equal(await decodedFrames(`${dir}/out.mkv`), 20);
    // Nothing was written beside the input or in the working folder.
    assert.deepEqual(await listDir(dir), ["in.mp4", "out.mkv", "w2.safetensors"]);
  });
});

Deno.test("upscale in.mp4 - | ffprobe -", async () => {
  await withClip(async (dir) => {
    const upscale = spawn(
      Deno.execPath(),
      upscaleArgs([...W, "--weights", "w2.safetensors", "in.mp4", "-"]),
      { cwd: dir },
    );
    const probe = spawn(FFPROBE, [
      ...["-v", "error", "-show_entries", "stream=codec_type,width", "-of", "csv=p=0", "-"],
    ], { stdin: "piped" });
    const piped = upscale.stdout.pipeTo(probe.stdin).catch(() => {});
    const [u, p] = await Promise.all([ended(upscale), probe.output()]);
    await piped;
    // ffprobe stops reading once it knows the streams: that ends the run, and is no failure.
    assert.equal(u.code, 0, u.stderr);
    assert.equal(p.code, 0);
    assert.deepEqual(new TextDecoder().decode(p.stdout).trim().split("\n"), ["video,128", "audio"]);
    // Not a folder named `-` full of pictures.
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

Deno.test(
  "upscale - out.mkv reads MPEG-TS, NUT and y4m from standard input" +
    (noMpegTs ? ` (MPEG-TS skipped: ${noMpegTs})` : ""),
  async () => {
    await withClip(async (dir) => {
      const formats = [["mpegts", 1], ["nut", 1], ["yuv4mpegpipe", 0]] as const;
      for (const [format, audio] of formats.filter(([f]) => f !== "mpegts" || !noMpegTs)) {
        const bytes = await run(FFMPEG, [
          ...["-v", "error", "-i", `${dir}/in.mp4`, ...(audio ? [] : ["-an"]), "-f", format, "-"],
        ]);
        const out = `${dir}/out_${format}.mkv`;
        const r = await run(
          Deno.execPath(),
          upscaleArgs([...W, "-q", "--weights", "w2.safetensors", "-", out]),
          { stdin: bytes.stdoutBytes, cwd: dir },
        );
        assert.equal(r.code, 0, `${format}: ${r.stderr}`);
        assert.equal(r.stderr, "");
        const ss = await streams(out);
        assert.equal(ofType(ss, "video")[0].width, 128, format);
        assert.equal(ofType(ss, "audio").length, audio, format);
        assert.equal(await decodedFrames(out), 20, format);
      }
    });
  },
);

Deno.test("a stream's chapters keep their times when its video starts after its audio", async () => {
  await withClip(async (dir) => {
    // The video starts 0.3 s after the audio: it is moved to its start when encoded.
    await Deno.writeTextFile(
      `${dir}/ch.txt`,
      ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=500\ntitle=one\n" +
        "[CHAPTER]\nTIMEBASE=1/1000\nSTART=500\nEND=1100\ntitle=two\n",
    );
    await run(FFMPEG, [
      ...["-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1.1"],
      ...["-itsoffset", "0.3", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25:duration=0.8"],
      ...["-i", `${dir}/ch.txt`, "-map", "1:v", "-map", "0:a", "-map_chapters", "2"],
      ...["-c:v", "libx264", "-c:a", "aac", `${dir}/ch.mkv`],
    ]);
    const src = await ffprobe(`${dir}/ch.mkv`);
    assert.ok(src.chapters.length >= 2, "the test clip has chapters");
    const starts = (await streams(`${dir}/ch.mkv`)).map((s) => Number(s.start_time));
    assert.notEqual(Math.max(...starts), Math.min(...starts), "its streams start apart");
    const r = await run(
      Deno.execPath(),
      upscaleArgs([...W, "-q", "--weights", "w2.safetensors", "-", "out.mkv"]),
      { stdin: await Deno.readFile(`${dir}/ch.mkv`), cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    const times = (p: { chapters: Array<Record<string, unknown>> }) =>
      p.chapters.map((c) => [c.start_time, c.end_time, (c.tags as { title: string }).title]);
    assert.deepEqual(times(await ffprobe(`${dir}/out.mkv`)), times(src));
  });
});

Deno.test("--format picks the container of standard output", async () => {
  await withClip(async (dir) => {
    const r = await run(
      Deno.execPath(),
      upscaleArgs([...W, "-q", "--weights", "w2.safetensors", "--format", "nut", "in.mp4", "-"]),
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    await Deno.writeFile(`${dir}/out.nut`, r.stdoutBytes);
    const info = await ffprobe(`${dir}/out.nut`);
    assert.equal(info.format.format_name, "nut");
    assert.equal(info.streams[0].width, 128);
  });
});

Deno.test("stream refusals: one line each", async () => {
  await withClip(async (dir) => {
    const upscale = (args: string[], stdin?: Uint8Array) =>
      run(Deno.execPath(), upscaleArgs([...W, "--weights", "w2.safetensors", ...args]), {
        stdin,
        cwd: dir,
      });
    let r = await upscale(["--format", "nosuchmuxer", "in.mp4", "-"]);
    assertFails(r, 2, /--format must be a muxer this ffmpeg has \(got "nosuchmuxer"\)$/);
    r = await upscale(["--format", "nut", "in.mp4", "out.mkv"]);
    assertFails(r, 2, /--format is only for standard output \(-\)/);
    r = await upscale(["--input-format", "nosuchdevice", "in.mp4", "out.mkv"]);
    assertFails(
      r,
      2,
      /--input-format must be an input format or device of this ffmpeg \(got "nosuchdevice"\)$/,
    );
    r = await upscale(["--input-format", "nut", "-", "out.mkv"]);
    assertFails(r, 2, /--input-format is for devices and URLs: standard input is probed$/);
    r = await upscale(["-", "out.mkv"], new TextEncoder().encode("not a video at all\n"));
    assertFails(r, 1, /^fsrcnn: -: is not a media stream$/);
    // Port 9 (discard) has no server on the loopback address.
    r = await upscale(["http://127.0.0.1:9/x.ts", "out.mkv"]);
    assertFails(r, 1, /^fsrcnn: http:\/\/127\.0\.0\.1:9\/x\.ts: cannot read \(.*refused.*\)$/i);
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

Deno.test("segments asked of a stream: said in one line, made in one piece", async () => {
  await withClip(async (dir) => {
    const clip = await Deno.readFile(`${dir}/in.mp4`);
    const r = await run(
      Deno.execPath(),
      upscaleArgs([
        ...[...W, "-q", "--weights", "w2.safetensors", "--segment-seconds", "0.2", "-", "o.mkv"],
      ]),
      { stdin: clip, cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stderrLines(r.stderr), [
      "fsrcnn: -: a stream is made in one piece, not in segments",
    ]);
    assert.equal(await decodedFrames(`${dir}/o.mkv`), 20);
    assert.deepEqual(await listDir(dir), ["in.mp4", "o.mkv", "w2.safetensors"]);
  });
});

Deno.test("a plan of a stream: refused in one line, nothing written", async () => {
  await withClip(async (dir) => {
    const clip = await Deno.readFile(`${dir}/in.mp4`);
    for (const input of ["-", "http://127.0.0.1:9/x.ts"]) {
      const r = await run(
        Deno.execPath(),
        upscaleArgs(["plan", "--weights", "w2.safetensors", input, "o.mkv"]),
        { stdin: clip, cwd: dir },
      );
      assertFails(
        r,
        2,
        new RegExp(
          `^fsrcnn: ${input.replace(/[.]/g, "\\.")}: a stream cannot be planned into segments`,
        ),
      );
    }
    assert.deepEqual(await listDir(dir), ["in.mp4", "w2.safetensors"]);
  });
});

/** A free TCP port on the loopback address (free when this returns, at least). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * A live source ended with Ctrl-C: `input` (with `inputArgs` before it) read while `server`
 * (ffmpeg arguments, or none) serves it in real time; the output must be complete and playable,
 * with its audio, and nothing else left in the folder.
 */
async function liveSourceEndedWithCtrlC(
  input: string,
  o: { inputArgs?: string[]; server?: string[]; serverFirst?: boolean },
): Promise<void> {
  await withClip(async (dir) => {
    const startServer = () =>
      o.server && spawn(FFMPEG, ["-v", "error", ...o.server], {
        stdout: "null",
      });
    let server = o.serverFirst ? startServer() : undefined;
    try {
      // A listening server is up within moments; its client may connect before.
      if (server) await new Promise((r) => setTimeout(r, 500));
      const upscale = spawn(
        Deno.execPath(),
        upscaleArgs([...W, "--weights", "w2.safetensors", ...o.inputArgs ?? [], input, "live.mkv"]),
        { cwd: dir },
      );
      // A sender (UDP) sends to whoever listens: started once the reader is.
      if (!o.serverFirst) {
        await new Promise((r) => setTimeout(r, 500));
        server = startServer();
      }
      const output = upscale.output();
      // Stopped once upscaled frames are being written (the output's temporary has grown).
      const deadline = Date.now() + 60_000;
      for (;;) {
        const partial = (await listDir(dir)).find((n) => n.startsWith(".live.partial-"));
        const size = partial ? (await Deno.stat(`${dir}/${partial}`)).size : 0;
        if (size > 4_000 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      upscale.kill("SIGINT");
      const r = await output;
      const err = new TextDecoder().decode(r.stderr);
      assert.equal(r.code, 0, err);
      assert.match(err, /stopped; finishing live\.mkv/);
      const frames = await decodedFrames(`${dir}/live.mkv`);
      assert.ok(frames > 10, `${frames} frames`);
      // Complete: every packet decodes, and the file ends as a file should.
      const check = await run(FFMPEG, ["-v", "error", "-i", `${dir}/live.mkv`, "-f", "null", "-"]);
      assert.equal(check.code, 0);
      assert.equal(check.stderr, "");
      const ss = await streams(`${dir}/live.mkv`);
      assert.equal(ofType(ss, "video")[0].width, 128);
      assert.equal(ofType(ss, "audio").length, 1);
      assert.deepEqual(await listDir(dir), ["in.mp4", "live.mkv", "w2.safetensors"]);
    } finally {
      try {
        server?.kill("SIGKILL");
      } catch { /* it ended when its client went */ }
      await server?.output();
    }
  });
}

/** ffmpeg arguments of a 64x48 test pattern with a tone, in real time, 60 s at most. */
const LIVE_SOURCE = [
  ...["-re", "-f", "lavfi", "-i", "testsrc2=s=64x48:r=25"],
  ...["-f", "lavfi", "-i", "sine=frequency=440", "-t", "60", "-c:v", "libx264", "-g", "25"],
];

Deno.test("a live HTTP source ended with Ctrl-C gives a complete, playable output", async () => {
  const url = `http://127.0.0.1:${freePort()}/live.ts`;
  await liveSourceEndedWithCtrlC(url, {
    server: [...LIVE_SOURCE, "-c:a", "aac", "-f", "mpegts", "-listen", "1", url],
    serverFirst: true,
  });
});

Deno.test("a live UDP MPEG-TS stream ended with Ctrl-C gives a complete, playable output", async () => {
  const url = `udp://127.0.0.1:${freePort()}`;
  await liveSourceEndedWithCtrlC(url, {
    server: [...LIVE_SOURCE, "-c:a", "aac", "-f", "mpegts", `${url}?pkt_size=1316`],
  });
});

Deno.test("a live RTMP stream ended with Ctrl-C gives a complete, playable output", async () => {
  const url = `rtmp://127.0.0.1:${freePort()}/live/test`;
  await liveSourceEndedWithCtrlC(url, {
    server: [...LIVE_SOURCE, "-c:a", "aac", "-f", "flv", "-listen", "1", url],
    serverFirst: true,
  });
});

/** Whether the ffmpeg the tests run has SRT (libsrt): the embedded ffmpeg 4.1 has not. */
const hasSrt = (await run(FFMPEG, ["-hide_banner", "-protocols"])).stdout.split("\n")
  .some((l) => l.trim() === "srt");

Deno.test({
  name: "a live SRT stream ended with Ctrl-C gives a complete, playable output" +
    (hasSrt ? "" : " (skipped: this ffmpeg has no SRT)"),
  ignore: !hasSrt,
  fn: async () => {
    const port = freePort();
    // The sender listens; upscale calls it.
    await liveSourceEndedWithCtrlC(`srt://127.0.0.1:${port}`, {
      server: [
        ...LIVE_SOURCE,
        ...["-c:a", "aac", "-f", "mpegts", `srt://127.0.0.1:${port}?mode=listener`],
      ],
      serverFirst: true,
    });
  },
});

Deno.test("a device (ffmpeg's lavfi input device) ended with Ctrl-C gives a complete output", async () => {
  await liveSourceEndedWithCtrlC(
    "testsrc2=s=64x48:r=25,realtime[out0];sine=frequency=440,arealtime[out1]",
    { inputArgs: ["--input-format", "lavfi"] },
  );
});

Deno.test("a rotated clip to standard output as MP4: fragmented, turned upright, said once", async () => {
  await withClip(async (dir) => {
    await makeClip(`${dir}/rot.mp4`, { frames: 6, rotate: 90, audio: false });
    const r = await run(
      Deno.execPath(),
      upscaleArgs([...W, "-q", "--weights", "w2.safetensors", "--format", "mp4", "rot.mp4", "-"]),
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(stderrLines(r.stderr), [
      "fsrcnn: -: standard output cannot store the display rotation of rot.mp4: its pictures " +
      "are turned 270° clockwise, so that it plays upright",
    ]);
    await Deno.writeFile(`${dir}/out.mp4`, r.stdoutBytes);
    const info = await ffprobe(`${dir}/out.mp4`);
    assert.match(info.format.format_name, /mp4/);
    assert.deepEqual([info.streams[0].width, info.streams[0].height], [96, 128]);
    assert.equal(await decodedFrames(`${dir}/out.mp4`), 6);
  });
});

Deno.test({
  name: "H.264 in MPEG-TS with an ffprobe that crashes on it: one line naming the crash" +
    (noMpegTs ? "" : " (skipped: this ffprobe reads MPEG-TS)"),
  ignore: !noMpegTs,
  fn: async () => {
    await withClip(async (dir) => {
      const ts = await run(FFMPEG, [
        "-v",
        "error",
        "-i",
        `${dir}/in.mp4`,
        "-c",
        "copy",
        "-f",
        "mpegts",
        "-",
      ]);
      await Deno.writeFile(`${dir}/in.ts`, ts.stdoutBytes);
      for (const input of ["in.ts", "-"]) {
        const r = await run(
          Deno.execPath(),
          upscaleArgs([...W, "--weights", "w2.safetensors", input, "out.mkv"]),
          { stdin: input === "-" ? ts.stdoutBytes : undefined, cwd: dir },
        );
        assertFails(r, 1, /: ffprobe crashed reading it \(exit status \d+; the embedded ffprobe/);
      }
      assert.deepEqual(await listDir(dir), ["in.mp4", "in.ts", "w2.safetensors"]);
    });
  },
});
