/**
 * End-to-end: interlaced footage, chroma families and alpha, and rotation, through the CLI
 * with real ffmpeg (whichever the tests resolve: Debian's, or the embedded 4.1 through
 * FFMPEG_PATH). Interlacing is checked from outside with ffmpeg's own `idet`.
 */
import assert from "node:assert/strict";
import { parseIdet } from "../src/media/ffmpeg/interlace.ts";
import { frameLayout, pixelFormat } from "../src/media/frame/format.ts";
import { splitFrame } from "../src/media/frame/planes.ts";
import { planeSiting, upsamplePlane } from "../src/media/frame/resample.ts";
import { probe } from "../src/media/ffmpeg/probe.ts";
import {
  cli,
  decodedFrames,
  decodeRaw,
  FFMPEG,
  ffmpeg,
  ffprobe,
  makeClip,
  ok,
  run,
  tempDir,
  TOOLS,
  writeWeights,
} from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/**
 * A 128x96 interlaced clip of 12 frames (idet needs more than 64x48 to see combing): 24
 * moving pictures woven in pairs, each frame's fields from different moments. `tff`/`bff` are
 * x264 coded interlaced and tagged so; `untagged` is MPEG-4 Part 2, whose field order ffprobe
 * reports as unknown.
 */
async function interlacedClip(
  path: string,
  order: "tff" | "bff" | "untagged",
  pixFmt = "yuv420p",
): Promise<string> {
  const weave = order === "bff" ? "interleave_bottom" : "interleave_top";
  const field = order === "untagged" ? "prog" : order;
  const encode = order === "untagged"
    ? ["-c:v", "mpeg4", "-q:v", "2"]
    : ["-c:v", "libx264", "-crf", "10", "-flags", "+ildct+ilme", "-x264opts", `${order}=1`];
  await ffmpeg(
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=128x96:rate=50",
    "-vf",
    `tinterlace=mode=${weave},setfield=${field}`,
    "-frames:v",
    "12",
    "-g",
    "4",
    ...encode,
    "-pix_fmt",
    pixFmt,
    path,
  );
  return path;
}

/**
 * The share of `path`'s pictures in which idet (single-frame) sees woven fields, measured at
 * half size: the ×2 nearest-neighbour test weights make every row two, and taking every other
 * row back gives the pictures that went through the network.
 */
async function wovenShare(path: string, halve: boolean): Promise<number> {
  const r = await run(FFMPEG, [
    "-hide_banner",
    "-nostats",
    "-i",
    path,
    "-vf",
    `${halve ? "scale=iw/2:ih/2:flags=neighbor," : ""}idet`,
    "-f",
    "null",
    "-",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const m = r.stderr.match(
    /Single frame detection:\s*TFF:\s*(\d+)\s+BFF:\s*(\d+)\s+Progressive:\s*(\d+)\s+Undetermined:\s*(\d+)/,
  );
  assert.ok(m && parseIdet(r.stderr), r.stderr);
  const [tff, bff, progressive, undetermined] = m.slice(1).map(Number);
  return (tff + bff) / (tff + bff + progressive + undetermined);
}

for (const order of ["tff", "bff", "untagged"] as const) {
  Deno.test({
    ...opts,
    name: `interlaced ${order}: deinterlaced per frame, said in one line, no combing left`,
    fn: async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const weights = await writeWeights(dir, 2);
        const input = await interlacedClip(`${dir}/in_${order}.mp4`, order);
        assert.ok(await wovenShare(input, false) >= 0.5, "the input is combed");
        const output = `${dir}/out.mkv`;
        const r = await cli(["upscale", input, output, "--weights", weights, "-q"]);
        ok(r);
        const first = order === "bff" ? "bottom" : "top";
        const how = order === "untagged" ? "as idet measures it" : "as its field order says";
        assert.equal(
          r.stderr,
          `fsrcnn: ${output}: ${input} is interlaced, ${first} field first (${how}): ` +
            "deinterlaced (bwdif), one picture per frame\n",
        );
        assert.equal(await decodedFrames(output), 12);
        const share = await wovenShare(output, true);
        assert.ok(share <= 0.34, `idet finds woven fields in ${share * 100}% of the output`);
        const v = (await ffprobe(output)).streams[0];
        assert.equal(v.field_order, "progressive");
        if (order === "tff") {
          // Left woven on request: the same measure sees the combing upscaled.
          const off = `${dir}/off.mkv`;
          const r = await cli([
            "upscale",
            input,
            off,
            "--weights",
            weights,
            "-q",
            "--deinterlace",
            "off",
          ]);
          ok(r);
          assert.match(r.stderr, /left interlaced \(deinterlacing off\)/);
          assert.ok(await wovenShare(off, true) >= 0.9);
        }
      } finally {
        await cleanup();
      }
    },
  });
}

Deno.test({
  ...opts,
  name: "interlaced: --deinterlace field makes one picture per field at twice the rate",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await interlacedClip(`${dir}/in.mp4`, "tff");
      const output = `${dir}/out.mp4`;
      const r = await cli([
        "upscale",
        input,
        output,
        "--weights",
        weights,
        "-q",
        "--deinterlace",
        "field",
      ]);
      ok(r);
      assert.match(r.stderr, /one picture per field \(twice the frame rate\)/);
      assert.equal(await decodedFrames(output), 24);
      const v = (await ffprobe(output)).streams[0];
      assert.equal(v.avg_frame_rate, "50/1");
      assert.ok(await wovenShare(output, true) <= 0.34);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "progressive input: no notice, nothing deinterlaced",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await makeClip(`${dir}/in.mp4`, { frames: 6, audio: false });
      const r = await cli(["upscale", input, `${dir}/out.mkv`, "--weights", weights, "-q"]);
      ok(r);
      assert.equal(r.stderr, "");
    } finally {
      await cleanup();
    }
  },
});

/** A 64x48 clip of 8 frames in `pixFmt`, with chroma detail at every pixel (x264 lossless). */
async function chromaClip(path: string, pixFmt: string): Promise<string> {
  await ffmpeg(
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=64x48:rate=25",
    "-vf",
    `format=${pixFmt}`,
    "-frames:v",
    "8",
    "-g",
    "4",
    ...(path.endsWith(".mkv") ? ["-c:v", "ffv1"] : ["-c:v", "libx264", "-qp", "0"]),
    path,
  );
  return path;
}

/** Mean absolute difference of two equally long byte arrays. */
function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

for (
  const [pixFmt, expected] of [
    ["yuv444p", "yuv444p"],
    ["yuv422p", "yuv422p"],
    ["yuv444p10le", "yuv444p10le"],
    ["yuv422p10le", "yuv422p10le"],
  ] as const
) {
  Deno.test({
    ...opts,
    name: `chroma: ${pixFmt} keeps its family, chroma upsampled at its own resolution`,
    fn: async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const weights = await writeWeights(dir, 2);
        const input = await chromaClip(`${dir}/in.mkv`, pixFmt);
        const output = `${dir}/out.mkv`;
        ok(await cli(["upscale", input, output, "--weights", weights, "-q", "--codec", "ffv1"]));
        const v = (await ffprobe(output)).streams[0];
        assert.equal(v.pix_fmt, expected);
        // Each chroma plane is the input's, enlarged bicubically at its own resolution (sited
        // as an untagged stream's: co-sited columns where they are halved, centred otherwise),
        // exactly: ffv1 is lossless.
        const format = pixelFormat(expected);
        const inLayout = frameLayout(format, 64, 48), outLayout = frameLayout(format, 128, 96);
        const inRaw = await decodeRaw(input, expected), outRaw = await decodeRaw(output, expected);
        assert.equal(outRaw.length / outLayout.frameBytes, 8);
        const siting = planeSiting("left", format.chromaShiftX, format.chromaShiftY);
        for (let f = 0; f < 8; f++) {
          const a = splitFrame(
            inRaw.slice(f * inLayout.frameBytes, (f + 1) * inLayout.frameBytes),
            inLayout,
          );
          const b = splitFrame(
            outRaw.slice(f * outLayout.frameBytes, (f + 1) * outLayout.frameBytes),
            outLayout,
          );
          for (const plane of ["u", "v"] as const) {
            const want = upsamplePlane(a[plane], inLayout.u.width, inLayout.u.height, {
              scale: 2,
              dstWidth: outLayout.u.width,
              dstHeight: outLayout.u.height,
              siting,
              bitDepth: format.bitDepth,
            });
            assert.deepEqual(b[plane], want, `frame ${f} plane ${plane}`);
          }
        }
      } finally {
        await cleanup();
      }
    },
  });
}

Deno.test({
  ...opts,
  name: "segments: a 4:4:4 interlaced video in segments is the one-piece run, picture for picture",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await interlacedClip(`${dir}/in.mkv`, "tff", "yuv444p");
      const args = ["--weights", weights, "-q", "--codec", "ffv1"];
      const one = `${dir}/one.mkv`, cut = `${dir}/cut.mkv`;
      const r1 = await cli(["upscale", input, one, ...args, "--segment-seconds", "0"]);
      ok(r1);
      const r2 = await cli([
        "upscale",
        input,
        cut,
        ...args,
        "--segment-seconds",
        "0.16",
        "--keep-work",
      ]);
      ok(r2);
      assert.equal(r2.stderr, r1.stderr.replaceAll(one, cut), "the same notices");
      const plan = JSON.parse(await Deno.readTextFile(`${dir}/.cut.mkv.fsrcnn-work/plan.json`));
      assert.ok(plan.items[0].segments.length >= 3, "made in segments");
      assert.equal(plan.settings.deinterlace, "frame");
      assert.equal((await ffprobe(cut)).streams[0].pix_fmt, "yuv444p");
      assert.deepEqual(await decodeRaw(cut, "yuv444p"), await decodeRaw(one, "yuv444p"));
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "alpha: a PNG keeps it; into JPEG it is named as dropped; ProRes 4444 into MKV keeps it",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const png = `${dir}/in.png`;
      await ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=32x24,format=rgba,geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='8*X'",
        "-frames:v",
        "1",
        png,
      );
      const out = `${dir}/out.png`;
      const r1 = await cli(["upscale", png, out, "--weights", weights, "-q"]);
      ok(r1);
      assert.equal(r1.stderr, "");
      assert.equal((await ffprobe(out)).streams[0].pix_fmt, "rgba");
      const alpha = await ffmpeg(
        "-i",
        out,
        "-vf",
        "alphaextract",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "gray",
        "-",
      );
      assert.ok(alpha[0] < 8 && alpha[63] > 200, "alpha ramps left to right, enlarged");
      const jpg = `${dir}/out.jpg`;
      const r2 = await cli(["upscale", png, jpg, "--weights", weights, "-q"]);
      ok(r2);
      assert.equal(
        r2.stderr,
        `fsrcnn: ${jpg}: not kept: the alpha channel (transparency) of ${png}; JPEG cannot hold one\n`,
      );
      const prores = `${dir}/in.mov`;
      await ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=64x48:rate=25,format=yuva444p10le",
        "-frames:v",
        "4",
        "-c:v",
        "prores_ks",
        "-profile:v",
        "4444",
        prores,
      );
      // Matroska's encoder for a source with alpha is FFV1, which keeps it (and 4:4:4 10-bit).
      const mkv = `${dir}/out.mkv`;
      const r3 = await cli(["upscale", prores, mkv, "--weights", weights, "-q"]);
      ok(r3);
      assert.equal(r3.stderr, "");
      const v = (await ffprobe(mkv)).streams[0];
      assert.deepEqual([v.codec_name, v.pix_fmt], ["ffv1", "yuva444p10le"]);
    } finally {
      await cleanup();
    }
  },
});

for (const ext of ["mp4", "mkv"] as const) {
  Deno.test({
    ...opts,
    name: `rotation into .${ext}: ${
      ext === "mp4" ? "kept as a display matrix" : "pictures turned upright, with a notice"
    }`,
    fn: async () => {
      const { dir, cleanup } = await tempDir();
      try {
        const weights = await writeWeights(dir, 2);
        const input = await makeClip(`${dir}/in.mp4`, { frames: 6, rotate: 90, audio: false });
        const output = `${dir}/out.${ext}`;
        const r = await cli(["upscale", input, output, "--weights", weights, "-q"]);
        ok(r);
        const pa = await probe(TOOLS, input), pb = await probe(TOOLS, output);
        assert.notEqual(pa.video!.rotation, 0, "the test clip is rotated");
        if (ext === "mp4") {
          assert.equal(r.stderr, "");
          assert.equal(pb.video!.rotation, pa.video!.rotation);
          assert.deepEqual([pb.video!.width, pb.video!.height], [128, 96]);
          return;
        }
        assert.equal(
          r.stderr,
          `fsrcnn: ${output}: .mkv cannot store the display rotation of ${input}: ` +
            "its pictures are turned 270° clockwise, so that it plays upright\n",
        );
        assert.equal(pb.video!.rotation, 0);
        assert.deepEqual([pb.video!.width, pb.video!.height], [96, 128]);
        // Upright as ffmpeg's own autorotation shows the input.
        const shown = await ffmpeg("-i", input, "-f", "rawvideo", "-pix_fmt", "gray", "-");
        const ours = await ffmpeg(
          "-i",
          output,
          "-vf",
          "scale=iw/2:ih/2:flags=neighbor",
          "-f",
          "rawvideo",
          "-pix_fmt",
          "gray",
          "-",
        );
        const d = meanAbsDiff(ours, shown);
        assert.ok(d < 4, `differs from the upright input by ${d} on average`);
      } finally {
        await cleanup();
      }
    },
  });
}
