/**
 * NUT demuxer/muxer against the real thing: ffmpeg writes NUT that we read, we write NUT that
 * ffmpeg reads, and ffmpeg's own `framemd5` of the same bytes is the oracle for timestamps.
 * Clips are tiny (64x48, a few dozen frames) so the whole file runs in a few seconds.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import ffmpegPkg from "@ffmpeg-installer/ffmpeg";
import { concat } from "./bytes.ts";
import { nutCrc32 } from "./crc.ts";
import { NutDemuxer, type NutDemuxerOptions, nutDemuxStream } from "./demux.ts";
import {
  NutError,
  type NutEvent,
  type NutFrameEvent,
  type NutPixFmt,
  type NutStreamInfo,
  pixFmtFromFourcc,
  rawFrameSize,
} from "./format.ts";
import { NutMuxer } from "./mux.ts";

const FFMPEG: string = ffmpegPkg.path;

/** Runs ffmpeg with optional stdin (written concurrently, so large outputs cannot deadlock). */
async function ffmpeg(
  args: string[],
  stdin?: Uint8Array[],
): Promise<{ stdout: Uint8Array; stderr: string }> {
  const child = new Deno.Command(FFMPEG, {
    args,
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writing = stdin
    ? (async () => {
      const w = child.stdin.getWriter();
      for (const part of stdin) await w.write(part);
      await w.close();
    })()
    : Promise.resolve();
  const [out] = await Promise.all([child.output(), writing]);
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`ffmpeg ${args.join(" ")} failed: ${stderr}`);
  return { stdout: out.stdout, stderr };
}

interface Clip {
  size: string;
  frames: number;
  pixFmt: NutPixFmt;
  /** Frame rate of the test source (default 25); it sets the time base ffmpeg derives. */
  rate?: number;
  vf?: string;
  /** Extra NUT muxer options. */
  nutArgs?: string[];
}

/** ffmpeg's test pattern as NUT (rawvideo) and as bare `-f rawvideo`, from the same filters. */
async function testClip(opts: Clip): Promise<{ nut: Uint8Array; raw: Uint8Array }> {
  const input = [
    ...["-v", "error", "-f", "lavfi"],
    ...["-i", `testsrc2=size=${opts.size}:rate=${opts.rate ?? 25}`],
  ];
  const common = [
    "-frames:v",
    `${opts.frames}`,
    ...(opts.vf ? ["-vf", opts.vf] : []),
    "-vsync",
    "passthrough",
    "-c:v",
    "rawvideo",
    "-pix_fmt",
    opts.pixFmt,
  ];
  const [nut, raw] = await Promise.all([
    ffmpeg([...input, "-map", "0:v:0", ...common, ...opts.nutArgs ?? [], "-f", "nut", "pipe:1"]),
    ffmpeg([...input, ...common, "-f", "rawvideo", "pipe:1"]),
  ]);
  return { nut: nut.stdout, raw: raw.stdout };
}

interface HashLine {
  pts: number;
  size: number;
  md5: string;
}

/** Parses `-f framemd5` output: the stream time base and one line per packet. */
function parseFramemd5(text: string): { tb: string; frames: HashLine[] } {
  let tb = "";
  const frames: HashLine[] = [];
  for (const line of text.split("\n")) {
    const m = /^#tb 0: (\d+\/\d+)/.exec(line);
    if (m) tb = m[1];
    if (line.startsWith("#") || !line.trim()) continue;
    const f = line.split(",").map((s) => s.trim());
    frames.push({ pts: Number(f[2]), size: Number(f[4]), md5: f[5] });
  }
  return { tb, frames };
}

/** What ffmpeg's own NUT demuxer sees in `nut`: packets copied, hashed, with their pts. */
async function ffmpegReadsNut(parts: Uint8Array[], decode = false) {
  const { stdout, stderr } = await ffmpeg(
    [
      "-hide_banner",
      "-v",
      "info",
      "-f",
      "nut",
      "-i",
      "pipe:0",
      "-map",
      "0:v:0",
      // copy keeps the packets and the time base untouched; decoding proves the fourcc maps to
      // the intended pixel format (the rawvideo decoder picks the format from it).
      ...(decode ? [] : ["-c", "copy"]),
      // Without -copyts ffmpeg shifts everything so the first frame starts at 0.
      "-copyts",
      "-vsync",
      "passthrough",
      "-f",
      "framemd5",
      "pipe:1",
    ],
    parts,
  );
  return { ...parseFramemd5(new TextDecoder().decode(stdout)), stderr };
}

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

/** Feeds `bytes` to a demuxer in pieces of `chunk` bytes. */
function demux(bytes: Uint8Array, chunk: number, options?: NutDemuxerOptions): NutEvent[] {
  const d = new NutDemuxer(options);
  const events: NutEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) {
    events.push(...d.push(bytes.subarray(i, i + chunk)));
  }
  events.push(...d.end());
  return events;
}

function split(events: NutEvent[]): { info: NutStreamInfo; frames: NutFrameEvent[] } {
  assert.equal(events[0]?.type, "stream", "first event is the stream header");
  assert.ok(events.slice(1).every((e) => e.type === "frame"), "then only frames");
  return {
    info: (events[0] as { info: NutStreamInfo }).info,
    frames: events.slice(1) as NutFrameEvent[],
  };
}

/** Demuxes ffmpeg's NUT and checks bytes against `-f rawvideo` and pts against framemd5. */
async function checkFfmpegClip(
  clip: Clip,
  chunkSizes: number[],
): Promise<NutFrameEvent[]> {
  const [w, h] = clip.size.split("x").map(Number);
  const frameSize = rawFrameSize(w, h, clip.pixFmt);
  const { nut, raw } = await testClip(clip);
  const oracle = await ffmpegReadsNut([nut]);
  assert.equal(raw.length, clip.frames * frameSize);
  assert.equal(oracle.frames.length, clip.frames);
  let first: NutFrameEvent[] | undefined;
  for (const chunk of chunkSizes) {
    const { info, frames } = split(demux(nut, chunk, { frameSize }));
    assert.equal(info.width, w);
    assert.equal(info.height, h);
    assert.equal(pixFmtFromFourcc(info.fourccBytes), clip.pixFmt);
    assert.equal(`${info.timeBase.num}/${info.timeBase.den}`, oracle.tb);
    assert.equal(frames.length, clip.frames, `frames with ${chunk}-byte chunks`);
    frames.forEach((f, i) => {
      assert.ok(f.key);
      assert.equal(f.pts, oracle.frames[i].pts, `pts of frame ${i} (${chunk}-byte chunks)`);
      assert.deepEqual(f.data, raw.subarray(i * frameSize, (i + 1) * frameSize), `frame ${i}`);
      // Each frame owns exactly its bytes (copied once), never a view into an input chunk.
      assert.equal(f.data.buffer.byteLength, frameSize);
    });
    first ??= frames;
  }
  return first!;
}

Deno.test("nutCrc32: polynomial 0x04C11DB7, init 0, MSB-first, no final xor", () => {
  const text = new TextEncoder().encode("123456789");
  // CRC-32/POSIX has check 0x765E7680 with xorout 0xFFFFFFFF; without the xor: 0x89A1897F.
  assert.equal(nutCrc32(text), 0x89A1897F);
  const withCrc = new Uint8Array([...text, 0x89, 0xA1, 0x89, 0x7F]);
  assert.equal(nutCrc32(withCrc), 0, "appending the CRC big-endian yields 0");
  assert.equal(nutCrc32(text.subarray(4), nutCrc32(text.subarray(0, 4))), 0x89A1897F);
});

Deno.test("demux ffmpeg yuv420p CFR: bytes = -f rawvideo, pts = framemd5, any chunking", async () => {
  const frames = await checkFfmpegClip(
    { size: "64x48", frames: 30, pixFmt: "yuv420p" },
    [1, 7, 65536, 1 << 30],
  );
  // ffmpeg picks 1/51200 for 25 fps here; what matters is a constant step.
  const step = frames[1].pts - frames[0].pts;
  assert.ok(frames.every((f, i) => f.pts === frames[0].pts + i * step));
});

Deno.test("demux ffmpeg yuv420p VFR: irregular and large pts gaps come out exactly", async () => {
  // N*N*N frames of 1/25 s: gaps from 1 to hundreds of seconds (coded as full pts, with
  // header checksums since they exceed max_pts_distance); select drops frames too.
  const frames = await checkFfmpegClip(
    {
      size: "64x48",
      frames: 16,
      pixFmt: "yuv420p",
      vf: "select='not(eq(n\\,3)+eq(n\\,4))',setpts='N*N*N+7*N'",
    },
    [7, 65536],
  );
  const gaps = frames.slice(1).map((f, i) => f.pts - frames[i].pts);
  assert.ok(new Set(gaps).size > 10, `gaps are irregular: ${gaps}`);
});

Deno.test("demux ffmpeg NUT v3 and v4 (-syncpoints none/timestamped): pts from lsb + last pts", async () => {
  // At 48000 fps ffmpeg keeps time base 1/48000 and msb_pts_shift 14, so from pts 20000 on
  // the frames code only the low 14 bits relative to the previous frame (and, without
  // syncpoints, nothing ever resets that chain), plus jumps of 9000 coded in full.
  for (const syncpoints of ["default", "none", "timestamped"]) {
    // "timestamped" (version 4 broadcast mode) adds a wallclock field to every syncpoint.
    const nutArgs = ["-syncpoints", syncpoints, "-strict", "experimental"];
    const frames = await checkFfmpegClip({
      size: "64x48",
      rate: 48000,
      frames: 40,
      pixFmt: "yuv420p",
      vf: "setpts='20000+N*N+floor(N/8)*9000'",
      nutArgs,
    }, [7, 65536]);
    assert.equal(frames[39].pts, 20000 + 39 * 39 + 4 * 9000);
  }
});

Deno.test("demux ffmpeg yuv420p10le: fourcc Y3[11][10], frames over 2*max_distance", async () => {
  // 256x192 10-bit = 147456 bytes per frame: ffmpeg adds frame header checksums (verified).
  const frames = await checkFfmpegClip(
    { size: "256x192", frames: 6, pixFmt: "yuv420p10le", vf: "setpts='N*N*40'" },
    [7, 65536],
  );
  assert.equal(frames.length, 6);
});

Deno.test("nutDemuxStream: ffmpeg's stdout piped through the TransformStream", async () => {
  const child = new Deno.Command(FFMPEG, {
    args: [
      ...["-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25", "-frames:v", "20"],
      ...["-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-f", "nut", "pipe:1"],
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const events: NutEvent[] = [];
  for await (const e of child.stdout.pipeThrough(nutDemuxStream({ frameSize: 4608 }))) {
    events.push(e);
  }
  assert.equal((await child.status).code, 0);
  const { info, frames } = split(events);
  assert.equal(info.fourcc, "I420");
  assert.equal(frames.length, 20);
});

/** How ffmpeg prints the fourcc of each format's rawvideo stream, as a RegExp source. */
const PRINTED_FOURCC: Record<NutPixFmt, string> = {
  yuv420p: "I420",
  yuv420p10le: "Y3\\[11\\]\\[10\\]",
  yuv422p: "Y42B",
  yuv422p10le: "Y3\\[10\\]\\[10\\]",
  yuv444p: "444P",
  yuv444p10le: "Y3\\[0\\]\\[10\\]",
  yuva420p: "Y4\\[11\\]\\[8\\]",
  yuva420p10le: "Y4\\[11\\]\\[10\\]",
  yuva422p: "Y4\\[10\\]\\[8\\]",
  yuva422p10le: "Y4\\[10\\]\\[10\\]",
  yuva444p: "Y4\\[0\\]\\[8\\]",
  yuva444p10le: "Y4\\[0\\]\\[10\\]",
};

for (const pixFmt of Object.keys(PRINTED_FOURCC) as NutPixFmt[]) {
  // Both time bases for 4:2:0; one is enough to show that the other layouts are labelled.
  const timeBases = pixFmt.startsWith("yuv420p")
    ? [{ num: 1, den: 30 }, { num: 1001, den: 30000 }]
    : [{ num: 1001, den: 30000 }];
  for (const timeBase of timeBases) {
    const tb = `${timeBase.num}/${timeBase.den}`;
    Deno.test(`mux ${pixFmt} tb ${tb}: ffmpeg reads the same frames and pts`, async () => {
      // Irregular steps, long jumps, and (second time base) a start far from 0.
      const start = timeBase.num === 1 ? 0 : 30000;
      const pts = [0, 1, 3, 7, 8, 20, 21, 150, 1000, 1001, 123456].map((p) => p + start);
      const muxer = new NutMuxer({ width: 64, height: 48, pixFmt, timeBase, frameRate: timeBase });
      assert.equal(muxer.frameSize, rawFrameSize(64, 48, pixFmt));
      let seed = 12345;
      const datas = pts.map(() => {
        const d = new Uint8Array(muxer.frameSize);
        for (let i = 0; i < d.length; i++) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          d[i] = seed >>> 24;
        }
        // Keep 10-bit samples in range so a decode/re-encode round trip is lossless.
        if (pixFmt.endsWith("10le")) { for (let i = 1; i < d.length; i += 2) d[i] &= 3; }
        return d;
      });
      const parts = [muxer.header()];
      pts.forEach((p, i) => {
        const out = muxer.frame(p, datas[i]);
        assert.equal(out.length, 2);
        assert.equal(out[1], datas[i], "payload passed through, not copied");
        parts.push(...out);
      });
      parts.push(muxer.end());

      const copied = await ffmpegReadsNut(parts);
      assert.equal(copied.tb, tb);
      assert.deepEqual(copied.frames.map((f) => f.pts), pts);
      assert.deepEqual(copied.frames.map((f) => f.md5), datas.map(md5));
      // ffmpeg prints the stream it found; the nominal rate comes from the info packet.
      const fourcc = PRINTED_FOURCC[pixFmt];
      assert.match(
        copied.stderr,
        new RegExp(`rawvideo \\(${fourcc} / 0x[0-9A-F]+\\), ${pixFmt}, 64x48`),
      );

      const decoded = await ffmpegReadsNut(parts, true);
      assert.deepEqual(decoded.frames.map((f) => f.md5), datas.map(md5), "decoded pictures");

      // Our own demuxer reads it back too, byte by byte.
      const { info, frames } = split(demux(concat(parts), 1, { frameSize: muxer.frameSize }));
      assert.deepEqual(info.timeBase, timeBase);
      assert.equal(pixFmtFromFourcc(info.fourccBytes), pixFmt);
      assert.deepEqual(frames.map((f) => f.pts), pts);
      frames.forEach((f, i) => assert.deepEqual(f.data, datas[i]));
    });
  }
}

Deno.test("round trip: ffmpeg NUT -> demuxer -> muxer -> ffmpeg keeps pts and pictures", async () => {
  const { nut } = await testClip({
    size: "64x48",
    frames: 12,
    pixFmt: "yuv420p",
    vf: "setpts='N*N+N'",
  });
  const original = await ffmpegReadsNut([nut]);
  const { info, frames } = split(demux(nut, 65536));
  const muxer = new NutMuxer({ ...info, pixFmt: pixFmtFromFourcc(info.fourccBytes)! });
  const parts = [muxer.header(), ...frames.flatMap((f) => muxer.frame(f.pts, f.data))];
  const again = await ffmpegReadsNut(parts);
  assert.equal(again.tb, original.tb);
  assert.deepEqual(again.frames, original.frames);
});

Deno.test("muxer rejects misuse", () => {
  const m = new NutMuxer({ width: 4, height: 2, pixFmt: "yuv420p", timeBase: { num: 2, den: 60 } });
  assert.deepEqual(m.timeBase, { num: 1, den: 30 });
  assert.equal(m.frameSize, 12);
  assert.throws(() => m.frame(0, new Uint8Array(12)), /before header/);
  m.header();
  assert.throws(() => m.header(), /twice/);
  assert.throws(() => m.frame(0, new Uint8Array(11)), /11 bytes, expected 12/);
  assert.throws(() => m.frame(-1, new Uint8Array(12)), /non-negative/);
  assert.throws(() => m.frame(0.5, new Uint8Array(12)), /safe integer/);
  m.frame(5, new Uint8Array(12));
  assert.throws(() => m.frame(5, new Uint8Array(12)), /does not increase/);
  assert.throws(
    () => new NutMuxer({ width: 0, height: 2, pixFmt: "yuv420p", timeBase: { num: 1, den: 1 } }),
    NutError,
  );
});

const SYNCPOINT = [0x4E, 0x4B, 0xE4, 0xAD, 0xEE, 0xCA, 0x45, 0x69];
const STREAM_HEADER = [0x4E, 0x53, 0x11, 0x40, 0x5B, 0xF2, 0xF9, 0xDB];

/** Offsets of every occurrence of a startcode. */
function find(bytes: Uint8Array, code: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i + 8 <= bytes.length; i++) {
    if (code.every((b, k) => bytes[i + k] === b)) out.push(i);
  }
  return out;
}

function corrupt(bytes: Uint8Array, at: number, value?: number): Uint8Array {
  const copy = bytes.slice();
  copy[at] = value ?? copy[at] ^ 0x10;
  return copy;
}

Deno.test("corruption and truncation give clear errors, never hangs or garbage", async () => {
  const { nut } = await testClip({ size: "64x48", frames: 4, pixFmt: "yuv420p" });
  const expectError = (bytes: Uint8Array, pattern: RegExp, options?: NutDemuxerOptions) => {
    for (const chunk of [1, 4096, bytes.length]) {
      assert.throws(() => demux(bytes, chunk, options), (e: unknown) => {
        assert.ok(e instanceof NutError, `NutError, got ${e}`);
        assert.match(e.message, pattern);
        assert.match(e.message, /at byte \d+/);
        return true;
      });
    }
  };
  // Sanity: the intact clip demuxes.
  assert.equal(split(demux(nut, 4096)).frames.length, 4);

  expectError(nut.slice(0, 30), /ends before the NUT main header|incomplete packet/);
  expectError(corrupt(nut, 3), /not a NUT stream/);
  expectError(corrupt(nut, 40), /main header checksum mismatch/); // inside the main header
  const [streamHeader] = find(nut, STREAM_HEADER);
  expectError(corrupt(nut, streamHeader + 12), /stream header checksum mismatch/);
  expectError(corrupt(nut, streamHeader + 1), /unknown startcode/);

  const sps = find(nut, SYNCPOINT);
  assert.ok(sps.length >= 1);
  const sp = sps[sps.length - 1];
  expectError(corrupt(nut, sp + 9), /syncpoint checksum mismatch/);
  expectError(corrupt(nut, sp + 5), /unknown startcode/);
  const frameHeader = sp + 8 + 1 + nut[sp + 8]; // after startcode, 1-byte forward_ptr, body
  expectError(corrupt(nut, frameHeader, 0x00), /invalid frame code 0x00/);
  // ffmpeg's small frames carry no header checksum; the known frame size catches bad sizes.
  expectError(nut, /4608 bytes, expected 4607/, { frameSize: 4607 });
  expectError(nut.subarray(0, nut.length - 100), /incomplete packet|ends inside a frame/);
  expectError(nut.subarray(0, frameHeader + 1000), /ends inside a frame \(pts \d+\): \d+ of 4608/);

  // Our muxer checksums every frame header, so any flipped header byte is caught.
  const m = new NutMuxer({
    width: 64,
    height: 48,
    pixFmt: "yuv420p",
    timeBase: { num: 1, den: 25 },
  });
  const ours = concat([
    m.header(),
    ...m.frame(0, new Uint8Array(4608)),
    ...m.frame(9, new Uint8Array(4608)),
  ]);
  const ourSp = find(ours, SYNCPOINT)[1];
  const ourFrame = ourSp + 8 + 1 + ours[ourSp + 8];
  for (let k = 1; k < 4; k++) expectError(corrupt(ours, ourFrame + k), /frame header checksum/);

  // Errors are sticky, and the stream wrapper surfaces them.
  const d = new NutDemuxer();
  assert.throws(() => d.push(corrupt(nut, 40)), /checksum/);
  assert.throws(() => d.push(new Uint8Array(1)), /checksum/);
  const stream = ReadableStream.from([corrupt(nut, 40)]).pipeThrough(nutDemuxStream());
  await assert.rejects(Array.fromAsync(stream), /main header checksum mismatch/);
});
