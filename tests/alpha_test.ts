/**
 * End-to-end: alpha (transparency) in videos and frame sequences, through the CLI with real
 * ffmpeg. The output's alpha is checked against a bicubic ×2 of the input's alpha computed
 * here, independently of the pipeline's resampler.
 */
import assert from "node:assert/strict";
import { assertFails, cli, ffmpeg, ffprobe, noWebm, ok, tempDir, writeWeights } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const [W, H, FRAMES] = [64, 48, 8];

/**
 * 8 frames of 64x48 with an alpha of diagonal stripes whose levels ramp across the picture:
 * sharp edges, where bicubic differs from nearest-neighbour or bilinear by tens of codes,
 * and smooth runs. Written with `encode` (after `-i`), `pixFmt` the format handed to it.
 */
async function alphaClip(path: string, pixFmt: string, encode: string[]): Promise<string> {
  await ffmpeg(
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${W}x${H}:rate=25,format=yuva444p,` +
      "geq=lum='lum(X,Y)':cb='cb(X,Y)':cr='cr(X,Y)':" +
      "a='if(lt(mod(X+Y\\,16)\\,8)\\,16+2*X\\,240-2*Y)'",
    "-frames:v",
    String(FRAMES),
    "-pix_fmt",
    pixFmt,
    ...encode,
    path,
  );
  return path;
}

/** The alpha clip in ProRes 4444 (MOV). */
function proresClip(path: string): Promise<string> {
  return alphaClip(path, "yuva444p10le", ["-c:v", "prores_ks", "-profile:v", "4444"]);
}

/**
 * The alpha planes of every frame of a `width`×`height` video, 8-bit; `decoder` reads VP9's
 * alpha (see ffmpeg/alpha.ts). Decoded to 8-bit 4:4:4 with alpha and cut out here: ffmpeg
 * 4.1's `alphaextract` garbles the 12-bit alpha of its own ProRes decoder.
 */
async function alphaOf(
  path: string,
  width: number,
  height: number,
  decoder?: string,
): Promise<Uint8Array> {
  const raw = await ffmpeg(
    ...(decoder ? ["-c:v", decoder] : []),
    "-i",
    path,
    "-f",
    "rawvideo",
    "-pix_fmt",
    "yuva444p",
    "-",
  );
  const plane = width * height, frames = raw.length / (4 * plane);
  assert.ok(Number.isInteger(frames), `${path}: ${raw.length} bytes of yuva444p`);
  const out = new Uint8Array(frames * plane);
  for (let f = 0; f < frames; f++) {
    out.set(raw.subarray((4 * f + 3) * plane, (4 * f + 4) * plane), f * plane);
  }
  return out;
}

/** Keys' cubic (a = −0.5). */
function cubic(x: number): number {
  const t = Math.abs(x);
  if (t < 1) return 1.5 * t ** 3 - 2.5 * t ** 2 + 1;
  if (t < 2) return -0.5 * t ** 3 + 2.5 * t ** 2 - 4 * t + 2;
  return 0;
}

/**
 * A plane enlarged ×2 bicubically, samples centred in their pixels (output j at input
 * (j + ½)/2 − ½), edges repeated, rounded and clamped to 8 bits: computed in two dimensions
 * at once, in doubles.
 */
function bicubic2x(src: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(4 * w * h);
  const at = (x: number, y: number) =>
    src[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
  for (let j = 0; j < 2 * h; j++) {
    const sy = (j + 0.5) / 2 - 0.5, y0 = Math.floor(sy);
    for (let i = 0; i < 2 * w; i++) {
      const sx = (i + 0.5) / 2 - 0.5, x0 = Math.floor(sx);
      let sum = 0;
      for (let dy = -1; dy <= 2; dy++) {
        for (let dx = -1; dx <= 2; dx++) {
          sum += cubic(sx - (x0 + dx)) * cubic(sy - (y0 + dy)) * at(x0 + dx, y0 + dy);
        }
      }
      out[j * 2 * w + i] = Math.min(255, Math.max(0, Math.floor(sum + 0.5)));
    }
  }
  return out;
}

/** Asserts that each output frame's alpha is the input's, ×2 bicubic, within `tolerance`. */
function assertBicubicAlpha(input: Uint8Array, output: Uint8Array, tolerance: number): void {
  const inSize = W * H, outSize = 4 * W * H;
  assert.equal(input.length, FRAMES * inSize, "input frames");
  assert.equal(output.length, FRAMES * outSize, "output frames");
  for (let f = 0; f < FRAMES; f++) {
    const want = bicubic2x(input.subarray(f * inSize, (f + 1) * inSize), W, H);
    const got = output.subarray(f * outSize, (f + 1) * outSize);
    let worst = 0;
    for (let i = 0; i < outSize; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    assert.ok(worst <= tolerance, `frame ${f}: alpha off by up to ${worst}`);
  }
}

Deno.test({
  ...opts,
  name: "alpha: ProRes 4444 MOV into MOV keeps it (ProRes 4444), enlarged bicubically",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await proresClip(`${dir}/in.mov`);
      const output = `${dir}/out.mov`;
      const r = await cli(["upscale", input, output, "--weights", weights, "-q"]);
      ok(r);
      assert.equal(r.stderr, "");
      const v = (await ffprobe(output)).streams[0];
      assert.equal(v.codec_name, "prores");
      assert.match(v.pix_fmt, /^yuva444p1[02]le$/);
      // ProRes codes alpha losslessly, but the pipeline works at 10 bits and this test at 8:
      // the input's alpha and the output's each pass a few depth conversions (8 → 10 → 12 bits
      // and back to 8), each rounding by at most half an 8-bit code. 2 codes allows for those;
      // nearest-neighbour or bilinear alpha would miss by tens of codes at the stripes' edges.
      assertBicubicAlpha(await alphaOf(input, W, H), await alphaOf(output, 2 * W, 2 * H), 2);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  ignore: noWebm !== undefined,
  name: "alpha: VP9 with alpha in WebM into WebM keeps it, enlarged bicubically",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const lossless = ["-c:v", "libvpx-vp9", "-lossless", "1"];
      const input = await alphaClip(`${dir}/in.webm`, "yuva420p", lossless);
      assert.equal((await ffprobe(input)).streams[0].tags?.alpha_mode, "1", "the input has alpha");
      const output = `${dir}/out.webm`;
      const r = await cli([
        "upscale",
        input,
        output,
        "--weights",
        weights,
        "-q",
        "--crf",
        "0",
        "--encoder-args",
        "-lossless 1",
      ]);
      ok(r);
      assert.equal(r.stderr, "");
      // Lossless both ways and 8 bits throughout: only the pipeline's float32 arithmetic
      // against this test's doubles can round a sample the other way, by one code.
      assertBicubicAlpha(
        await alphaOf(input, W, H, "libvpx-vp9"),
        await alphaOf(output, 2 * W, 2 * H, "libvpx-vp9"),
        1,
      );
      // Into x264: named as dropped, and the source's alpha_mode tag does not follow.
      const mkv = `${dir}/out.mkv`;
      const r2 = await cli([
        "upscale",
        input,
        mkv,
        "--weights",
        weights,
        "-q",
        "--codec",
        "libx264",
      ]);
      ok(r2);
      assert.match(r2.stderr, /not kept: the alpha channel .* libx264 cannot hold one\n$/);
      const tags = (await ffprobe(mkv)).streams[0].tags ?? {};
      assert.ok(!Object.keys(tags).some((k) => /^alpha_mode$/i.test(k)), JSON.stringify(tags));
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "alpha: an RGBA PNG sequence into a PNG sequence keeps it (RGBA), enlarged bicubically",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      await Deno.mkdir(`${dir}/in`);
      await Deno.mkdir(`${dir}/out`);
      const input = await alphaClip(`${dir}/in/%04d.png`, "rgba", []);
      const output = `${dir}/out/%04d.png`;
      const r = await cli(["upscale", input, output, "--weights", weights, "-q"]);
      ok(r);
      assert.equal(r.stderr, "");
      assert.equal((await ffprobe(`${dir}/out/0001.png`)).streams[0].pix_fmt, "rgba");
      // PNG is lossless and the alpha stays 8-bit, but ffmpeg's RGBA ↔ Y′CbCrA conversion
      // (swscale) moves alpha by up to one code each way (240 comes back as 241), and float32
      // rounding may move it by one more at most where it does not: 2 codes.
      assertBicubicAlpha(await alphaOf(input, W, H), await alphaOf(output, 2 * W, 2 * H), 2);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "alpha: into MP4 (x264) it is named in one line as dropped, and the output has none",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await proresClip(`${dir}/in.mov`);
      const output = `${dir}/out.mp4`;
      const r = await cli(["upscale", input, output, "--weights", weights, "-q"]);
      ok(r);
      assert.equal(
        r.stderr,
        `fsrcnn: ${output}: not kept: the alpha channel (transparency) of ${input}; ` +
          "libx264 cannot hold one\n",
      );
      const v = (await ffprobe(output)).streams[0];
      assert.deepEqual([v.codec_name, v.pix_fmt], ["h264", "yuv444p10le"]);
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name:
    "alpha: a segmented run keeps it as a one-piece run does (ProRes segments; VP9 in one piece)",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const weights = await writeWeights(dir, 2);
      const input = await proresClip(`${dir}/in.mov`);
      const one = `${dir}/one.mov`, cut = `${dir}/cut.mov`;
      ok(await cli(["upscale", input, one, "--weights", weights, "-q"]));
      const r = await cli([
        "upscale",
        input,
        cut,
        "--weights",
        weights,
        "--segment-seconds",
        "0.1",
      ]);
      ok(r);
      assert.match(r.stdout + r.stderr, /\b2 segments\b/, "made in segments");
      assert.match((await ffprobe(cut)).streams[0].pix_fmt, /^yuva444p1[02]le$/);
      const raw = (path: string) =>
        ffmpeg("-i", path, "-f", "rawvideo", "-pix_fmt", "yuva444p12le", "-");
      assert.deepEqual(await raw(cut), await raw(one));
      if (noWebm) return;
      // VP9's alpha rides beside the picture, which segments cannot keep: one piece, said so.
      const webm = `${dir}/cut.webm`;
      const r2 = await cli([
        "upscale",
        input,
        webm,
        "--weights",
        weights,
        "-q",
        "--segment-seconds",
        "0.1",
      ]);
      ok(r2);
      assert.equal(
        r2.stderr,
        `fsrcnn: ${webm}: libvpx-vp9 with alpha is made in one piece, not in segments\n`,
      );
      const alpha = await alphaOf(webm, 2 * W, 2 * H, "libvpx-vp9");
      assert.equal(alpha.length, FRAMES * 4 * W * H);
      assert.ok(alpha.some((a) => a < 64), "the transparent stripes are kept");
      // A planned job is nothing but segments: refused, with the reason.
      const plan = await cli([
        "upscale",
        "plan",
        input,
        `${dir}/job.webm`,
        "--weights",
        weights,
        "--segment-seconds",
        "0.1",
      ]);
      assertFails(plan, 2, /in\.mov: its alpha, in libvpx-vp9, is made in one piece only/);
    } finally {
      await cleanup();
    }
  },
});
