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
import { loadWeights, saveWeights } from "../src/net/weights/file.ts";
import { blendFsrcnn } from "../src/net/fsrcnn/blend.ts";
import { blendLabel } from "../src/eval/model_method.ts";
import { shippedWeightsFor } from "../src/net/weights/shipped.ts";
import { chooseWeights, lrOrigin, ORIGIN_THRESHOLDS } from "../src/net/weights/choice.ts";
import {
  shippedWeightsFile,
  type ShippedWeightsName,
  UNCLEAR_BLEND,
} from "../src/net/weights/shipped.ts";
import { weightsDigest } from "../src/jobs/manifest.ts";
import { cli, decodeRaw, ffmpeg, ok, ROOT, tempDir, TOOLS, writeWeights } from "./helpers.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/**
 * The fractal blurred, scaled down bicubically and through x264 at CRF 23: 6 frames, and 50 with
 * a keyframe every 12. Committed, because ffmpeg's filters make slightly different frames from
 * one version to the next (the embedded ffmpeg 4.1 leaves such a clip where the scaler is
 * unclear); decoding H.264 does not. See the make.sh beside them.
 */
const COMPRESSED = `${ROOT}fixtures/weights_choice/compressed.mp4`;
const COMPRESSED_GOP12 = `${ROOT}fixtures/weights_choice/compressed_gop12.mp4`;

/** The blend of the two shipped ×2 specialists at `share`, written as a weights file. */
async function blendFile(dir: string, share: number): Promise<string> {
  const [a, b] = await Promise.all(
    UNCLEAR_BLEND.map(async (n) => loadWeights(await shippedWeightsFile(n, 2), 2)),
  );
  const path = `${dir}/blend_${share}.safetensors`;
  await saveWeights(path, blendFsrcnn(a, b, share));
  return path;
}

/** A 640x480 picture with detail at every scale. */
async function mandelbrot(path: string): Promise<string> {
  await ffmpeg("-f", "lavfi", "-i", "mandelbrot=size=640x480", "-frames:v", "1", path);
  return path;
}

Deno.test("a picture degraded each way is told apart, and gets the weights for its origin", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const frame = hrFrame(await readImage(TOOLS, await mandelbrot(`${dir}/hr.png`)), 2);
    const four = ["video-aliased", "video-compressed", "video", "paper"] as const;
    // This fractal has detail at every scale: coded after an antialiasing scaler it reads
    // 0.59–0.68, in the band where the scaler is unclear, and so does its nearest-neighbour
    // picture with no codec (1.01, under the uncoded cut).
    const cases = [
      { way: "matlab", crf: undefined, origin: "clean", name: "paper" },
      { way: "bicubic", crf: undefined, origin: "clean", name: "paper" },
      { way: "bicubic", crf: 18, origin: "unclear", name: "blend" },
      { way: "bilinear", crf: 28, origin: "unclear", name: "blend" },
      { way: "neighbor", crf: undefined, origin: "unclear", name: "blend" },
      { way: "neighbor", crf: 23, origin: "aliased", name: "video-aliased" },
    ] as const;
    for (const c of cases) {
      const [lr] = await degradeLuma(TOOLS, frame, [c.way], 2, c.crf);
      // As a picture holds it: 8-bit codes.
      const codes = Uint8Array.from(lr.data, (v) => Math.min(255, Math.max(0, Math.round(v))));
      const s = lrStatistics([{ data: codes, width: lr.width, height: lr.height }], 255);
      const what = `${c.way} ${c.crf ?? "no codec"}: ${JSON.stringify(s)}`;
      assert.equal(lrOrigin(s).origin, c.origin, what);
      const choice = chooseWeights(s, 2, four);
      assert.equal(choice.blend ? "blend" : choice.name, c.name, what);
      // Without both specialists, an unclear scaler gets the weights trained on every scaler.
      const general = chooseWeights(s, 2, ["video", "paper"]).name;
      assert.equal(general, c.name === "paper" ? "paper" : "video", what);
    }
  } finally {
    await cleanup();
  }
});

Deno.test({
  ...opts,
  name:
    "eval --degradations --weights auto: each LR image runs the weights chosen for it, a blend as its network",
  fn: async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await Deno.mkdir(`${dir}/hr`);
      await mandelbrot(`${dir}/hr/mandelbrot.png`);
      const data = `${dir}/hr`;
      const degradations = ["matlab", "bicubic", "neighbor"] as const;
      const auto = await evaluateDegradations({ data, weights: { shipped: "auto" }, degradations });
      assert.equal(auto.weights, "auto");
      const blend = blendLabel(UNCLEAR_BLEND);
      const expected = ["paper", blend, "video-aliased"];
      assert.deepEqual(auto.rows.map((r) => r.chosen), expected.map((n) => ({ [n]: 1 })));
      for (const [k, name] of expected.entries()) {
        let weights: string | { shipped: ShippedWeightsName } = {
          shipped: name as ShippedWeightsName,
        };
        if (name === blend) {
          // The network a run of this picture would build: the share chosen from the keyframe
          // the suite measures, the bicubic + x264 LR.
          const frame = hrFrame(await readImage(TOOLS, `${data}/mandelbrot.png`), 2);
          const [lr] = await degradeLuma(TOOLS, frame, ["bicubic"], 2, 23);
          const codes = Uint8Array.from(lr.data, (v) => Math.min(255, Math.max(0, Math.round(v))));
          const s = lrStatistics([{ data: codes, width: lr.width, height: lr.height }], 255);
          const c = chooseWeights(s, 2, await shippedWeightsFor(2), "h264");
          weights = await blendFile(dir, c.blend!.share);
        }
        const named = await evaluateDegradations({
          data,
          weights,
          degradations: [degradations[k]],
        });
        assert.equal(named.rows[0].chosen, undefined);
        // A blend mixes two engines' outputs where the network sums both halves: float rounding.
        const tolerance = name === blend ? 0.005 : 0;
        const [x, y] = [auto.rows[k].psnr.fsrcnn, named.rows[0].psnr.fsrcnn];
        assert.ok(Math.abs(x - y) <= tolerance, `${degradations[k]}: ${x} against ${y}`);
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
      const T = ORIGIN_THRESHOLDS;
      assert.match(
        await upscale(still, `${dir}/auto.png`),
        new RegExp(
          `^paper weights: aliasing 0\\.\\d{3} < ${T.unclearAliasingUncoded.toFixed(2)}, ` +
            `blocking [01]\\.\\d{3} < ${T.blocking.toFixed(2)}: ` +
            "looks made by an antialiasing scaler, with no lossy codec$",
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

      // The fractal through x264 reads in the band where the scaler is unclear: both
      // specialists, blended, run as one network, as a file of that network runs.
      const said = await upscale(video, `${dir}/auto.mkv`, "--codec", "ffv1");
      const blended = said.match(
        /^video-aliased and video-compressed weights blended (\d+):(\d+): aliasing 0\.\d{3} in \[0\.55, 0\.88\), blocking \d\.\d{3} ≥ 1\.07: the scaler could be either kind$/,
      );
      assert.ok(blended, said);
      assert.equal(Number(blended[1]) + Number(blended[2]), 100);
      const file = await blendFile(dir, Number(blended[1]) / 100);
      await upscale(video, `${dir}/named.mkv`, "--codec", "ffv1", "--weights", file);
      await upscale(video, `${dir}/paper.mkv`, "--codec", "ffv1", "--weights", "paper");
      const frames = (name: string) => decodeRaw(`${dir}/${name}`);
      assert.deepEqual(await frames("auto.mkv"), await frames("named.mkv"));
      assert.notDeepEqual(await frames("auto.mkv"), await frames("paper.mkv"));

      // x3 has video weights too, so it measures as well: the clean still gets the paper
      // weights. A file wins over any choice.
      assert.match(
        await upscale(still, `${dir}/x3.png`, "--scale", "3"),
        /^paper weights: aliasing \d\.\d{3} < \d\.\d\d, blocking \d\.\d{3} < \d\.\d\d/,
      );
      const random = await writeWeights(dir, 2, "random");
      assert.equal(
        await upscale(still, `${dir}/file.png`, "--weights", random),
        `${random}: the weights given`,
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
      const blended = said.match(/^video-aliased and video-compressed weights blended (\d+):/);
      assert.ok(blended, said);
      const file = await blendFile(dir, Number(blended[1]) / 100);
      const plan = JSON.parse(await Deno.readTextFile(`${work}/plan.json`));
      assert.equal(plan.settings.weights, "auto");
      assert.equal(plan.items.length, 1);
      const item = plan.items[0];
      assert.ok(item.segments.length >= 2, `${item.segments.length} segments`);
      assert.deepEqual(item.weights, {
        name: null,
        reason: said,
        digest: await weightsDigest(await loadWeights(file, 2)),
      });
      const kept = await loadWeights(`${work}/${item.folder}/weights.safetensors`, 2);
      assert.equal(await weightsDigest(kept), item.weights.digest);
      // Every segment runs those weights: the joined video is a one-piece run's with them.
      for (let index = 0; index < item.segments.length; index++) await runTask({ work, index });
      await joinJob({ work });
      ok(
        await cli([
          ...["upscale", video, `${dir}/one.mkv`, "-q", "--segment-seconds", "0"],
          ...["--codec", "ffv1", "--weights", file],
        ]),
      );
      assert.deepEqual(await decodeRaw(`${dir}/out.mkv`), await decodeRaw(`${dir}/one.mkv`));
    } finally {
      await cleanup();
    }
  },
});
