/**
 * The automatic choice of weights on real pictures: a generated picture (ffmpeg's
 * `mandelbrot`) degraded each way the suite degrades images is told apart, and `upscale`
 * runs the weights it names, says why with `--verbose`, takes `--weights paper|video|auto|FILE`,
 * and records one choice per video in a segmented plan.
 */
import assert from "node:assert/strict";
import { joinJob, runTask } from "../src/jobs/mod.ts";
import { degradeLuma } from "../src/eval/degradations/degrade_luma.ts";
import { evaluateDegradations } from "../src/eval/degradations/suite.ts";
import { hrFrame } from "../src/eval/hr_frame.ts";
import { readImage } from "../src/media/ffmpeg/image.ts";
import { lrStatistics } from "../src/net/weights/lr_statistics.ts";
import { loadWeights } from "../src/net/weights/file.ts";
import { shippedWeightsFor } from "../src/net/weights/shipped.ts";
import { chooseWeights, lrOrigin, ORIGIN_THRESHOLDS } from "../src/net/weights/choice.ts";
import {
  type LrOrigin,
  SHIPPED_WEIGHTS,
  shippedWeightsFile,
  type ShippedWeightsName,
} from "../src/net/weights/shipped.ts";
import { weightsDigest } from "../src/jobs/manifest.ts";
import { cli, decodeRaw, ffmpeg, ok, ROOT, tempDir, TOOLS, writeWeights } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/**
 * The shipped ×2 weights an origin gets here (the table's first shipped entry that serves it):
 * the specialists, where their files are shipped, else the video weights.
 */
async function weightsFor(origin: LrOrigin): Promise<ShippedWeightsName> {
  const shipped = await shippedWeightsFor(2);
  return SHIPPED_WEIGHTS.find((w) => shipped.includes(w.name) && w.chosenFor.includes(origin))!
    .name;
}

/**
 * The fractal blurred, scaled down bicubically and through x264 at CRF 23: 6 frames, and 50 with
 * a keyframe every 12. Committed, because ffmpeg's filters make slightly different frames from
 * one version to the next (the embedded ffmpeg 4.1 leaves such a clip where the scaler is
 * unclear); decoding H.264 does not. See the make.sh beside them.
 */
const COMPRESSED = `${ROOT}fixtures/weights_choice/compressed.mp4`;
const COMPRESSED_GOP12 = `${ROOT}fixtures/weights_choice/compressed_gop12.mp4`;

/** A 640x480 picture with detail at every scale. */
async function mandelbrot(path: string): Promise<string> {
  await ffmpeg("-f", "lavfi", "-i", "mandelbrot=size=640x480", "-frames:v", "1", path);
  return path;
}

Deno.test("a picture degraded each way is told apart, and gets the weights for its origin", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const frame = hrFrame(await readImage(TOOLS, await mandelbrot(`${dir}/hr.png`)), 2);
    const cases = [
      { way: "matlab", crf: undefined, origin: "clean", name: "paper" },
      { way: "bicubic", crf: undefined, origin: "clean", name: "paper" },
      { way: "bicubic", crf: 18, origin: "compressed", name: "video" },
      // This fractal keeps aliasing 0.675 through bilinear + CRF 28: the band where the scaler is
      // unclear, which gets the general video weights too.
      { way: "bilinear", crf: 28, origin: "compressed-unclear", name: "video" },
      { way: "neighbor", crf: undefined, origin: "aliased", name: "video" },
      { way: "neighbor", crf: 23, origin: "aliased", name: "video" },
    ] as const;
    for (const c of cases) {
      const [lr] = await degradeLuma(TOOLS, frame, [c.way], 2, c.crf);
      // As a picture holds it: 8-bit codes.
      const codes = Uint8Array.from(lr.data, (v) => Math.min(255, Math.max(0, Math.round(v))));
      const s = lrStatistics([{ data: codes, width: lr.width, height: lr.height }], 255);
      const what = `${c.way} ${c.crf ?? "no codec"}: ${JSON.stringify(s)}`;
      assert.equal(lrOrigin(s).origin, c.origin, what);
      assert.equal(chooseWeights(s, 2, ["video", "paper"]).name, c.name, what);
      // With an aliasing specialist shipped, aliased pictures (and only they) get it.
      const withSpecialist = chooseWeights(s, 2, ["video-aliased", "video", "paper"]).name;
      assert.equal(withSpecialist, c.origin === "aliased" ? "video-aliased" : c.name, what);
    }
  } finally {
    await cleanup();
  }
});

Deno.test({
  ...opts,
  name: "eval --degradations --weights auto: each LR image runs the weights chosen for it",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await Deno.mkdir(`${dir}/hr`);
      await mandelbrot(`${dir}/hr/mandelbrot.png`);
      const data = `${dir}/hr`;
      const degradations = ["matlab", "bicubic", "neighbor"] as const;
      const auto = await evaluateDegradations({ data, weights: { shipped: "auto" }, degradations });
      assert.equal(auto.weights, "auto");
      const expected = [
        await weightsFor("clean"),
        await weightsFor("compressed"),
        await weightsFor("aliased"),
      ];
      assert.deepEqual(auto.rows.map((r) => r.chosen), expected.map((n) => ({ [n]: 1 })));
      for (const [k, name] of expected.entries()) {
        const named = await evaluateDegradations({
          data,
          weights: { shipped: name },
          degradations: [degradations[k]],
        });
        assert.equal(named.weights, name);
        assert.equal(named.rows[0].chosen, undefined);
        assert.equal(auto.rows[k].psnr.fsrcnn, named.rows[0].psnr.fsrcnn, degradations[k]);
      }
    } finally {
      await cleanup();
    }
  },
});

/** The `--verbose` line about the weights, the only line naming them. */
function weightsLine(stderr: string, input: string): string {
  const lines = stderr.split("\n").filter((l) => l.startsWith(`fsrcnn: ${input}: `));
  assert.equal(lines.length, 1, stderr);
  return lines[0].slice(`fsrcnn: ${input}: `.length);
}

Deno.test({
  ...opts,
  name: "upscale: auto chooses by the input and runs what it names; --weights paper|video|FILE",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const hr = await mandelbrot(`${dir}/hr.png`);
      // A still made by an antialiasing scaler, never compressed; a video through x264.
      const still = `${dir}/still.png`;
      await ffmpeg("-i", hr, "-vf", "scale=320:240:flags=bicubic", still);
      const video = COMPRESSED;
      const upscale = async (input: string, output: string, ...args: string[]) => {
        const r = await cli(["upscale", input, output, "-q", "--verbose", ...args]);
        ok(r);
        return weightsLine(r.stderr, input);
      };
      assert.match(
        await upscale(still, `${dir}/auto.png`),
        new RegExp(
          `^paper weights: aliasing 0\\.\\d\\d < ${ORIGIN_THRESHOLDS.aliasing.toFixed(2)}, ` +
            `blocking [01]\\.\\d\\d < ${ORIGIN_THRESHOLDS.blocking.toFixed(2)}: ` +
            "an antialiasing scaler, no lossy codec$",
        ),
      );
      assert.equal(
        await upscale(still, `${dir}/paper.png`, "--weights", "paper"),
        "paper weights: asked for by name",
      );
      assert.equal(
        await upscale(still, `${dir}/video.png`, "--weights", "video"),
        "video weights: asked for by name",
      );
      // A frame sequence is measured as a video is.
      await Deno.mkdir(`${dir}/frames`);
      for (const n of [1, 2]) await Deno.copyFile(still, `${dir}/frames/${n}.png`);
      assert.match(await upscale(`${dir}/frames`, `${dir}/frames_x2`), /^paper weights: /);
      const readBytes = (name: string) => Deno.readFile(`${dir}/${name}`);
      assert.deepEqual(await readBytes("auto.png"), await readBytes("paper.png"));
      assert.notDeepEqual(await readBytes("auto.png"), await readBytes("video.png"));

      const compressed = await weightsFor("compressed");
      assert.equal(
        await upscale(video, `${dir}/auto.mkv`, "--codec", "ffv1").then((l) =>
          l.replace(/\d\.\d\d/g, "N")
        ),
        `${compressed} weights: aliasing N < N, blocking N ≥ N: an antialiasing scaler, ` +
          "then a lossy codec",
      );
      await upscale(video, `${dir}/named.mkv`, "--codec", "ffv1", "--weights", compressed);
      await upscale(video, `${dir}/paper.mkv`, "--codec", "ffv1", "--weights", "paper");
      const frames = (name: string) => decodeRaw(`${dir}/${name}`);
      assert.deepEqual(await frames("auto.mkv"), await frames("named.mkv"));
      assert.notDeepEqual(await frames("auto.mkv"), await frames("paper.mkv"));

      // x3 has video weights too, so it measures as well: the clean still gets the paper
      // weights. A file wins over any choice.
      assert.match(
        await upscale(still, `${dir}/x3.png`, "--scale", "3"),
        /^paper weights: aliasing \d\.\d\d < \d\.\d\d, blocking \d\.\d\d < \d\.\d\d/,
      );
      const file = await writeWeights(dir, 2, "random");
      assert.equal(
        await upscale(still, `${dir}/file.png`, "--weights", file),
        `${file}: the weights given`,
      );
    } finally {
      await cleanup();
    }
  },
});

Deno.test({
  ...opts,
  name: "upscale plan: one choice per video, in the plan, run by every segment",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const video = COMPRESSED_GOP12;
      const work = `${dir}/work`;
      const r = await cli([
        ...["upscale", "plan", video, `${dir}/out.mkv`, "--work", work, "--verbose"],
        ...["--segment-seconds", "1", "--codec", "ffv1"],
      ]);
      ok(r);
      const said = weightsLine(r.stderr, video);
      const compressed = await weightsFor("compressed");
      assert.match(said, new RegExp(`^${compressed} weights: .*then a lossy codec$`));
      const plan = JSON.parse(await Deno.readTextFile(`${work}/plan.json`));
      assert.equal(plan.settings.weights, "auto");
      assert.equal(plan.items.length, 1);
      const item = plan.items[0];
      assert.ok(item.segments.length >= 2, `${item.segments.length} segments`);
      const shipped = await loadWeights(await shippedWeightsFile(compressed, 2), 2);
      assert.deepEqual(item.weights, {
        name: compressed,
        reason: said,
        digest: await weightsDigest(shipped),
      });
      const kept = await loadWeights(`${work}/${item.folder}/weights.safetensors`, 2);
      assert.equal(await weightsDigest(kept), item.weights.digest);
      // Every segment runs those weights: the joined video is a one-piece run's with them.
      for (let index = 0; index < item.segments.length; index++) await runTask({ work, index });
      await joinJob({ work });
      ok(
        await cli([
          ...["upscale", video, `${dir}/one.mkv`, "-q", "--segment-seconds", "0"],
          ...["--codec", "ffv1", "--weights", compressed],
        ]),
      );
      assert.deepEqual(await decodeRaw(`${dir}/out.mkv`), await decodeRaw(`${dir}/one.mkv`));
    } finally {
      await cleanup();
    }
  },
});
