import assert from "node:assert/strict";
import { CancelledError } from "../core/errors.ts";
import { evaluate } from "../eval/run.ts";
import { evaluateDegradations } from "../eval/degradations/suite.ts";
import { makeTestClip } from "../media/ffmpeg/generate.ts";
import { localName } from "../media/ffmpeg/input_name.ts";
import { runTool } from "../media/ffmpeg/process.ts";
import { tools } from "../media/ffmpeg/resolve.ts";
import { loadWeights } from "../net/weights/file.ts";
import { referenceForward64 } from "../net/fsrcnn/reference.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { OptionError, UsageError } from "../core/errors.ts";
import { trainFromFolders } from "./run.ts";
import { buildDegradedPairs } from "./degraded_data.ts";
import type { TrainPair } from "./data.ts";
import { loadDataset } from "../eval/dataset.ts";
import { imresizePlane } from "../eval/imresize.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };

/** A folder of small generated training images (frames of testsrc2). */
async function imageFolder(dir: string, count: number, size: string): Promise<string> {
  const t = await tools();
  const clip = `${dir}/clip.mp4`;
  const [w, h] = size.split("x").map(Number);
  await makeTestClip(t, clip, { width: w, height: h, frames: count * 7, preset: "veryfast" });
  await Deno.mkdir(`${dir}/img`);
  const r = await runTool(t.ffmpeg, [
    "-v",
    "error",
    "-i",
    localName(clip),
    "-vf",
    "select=not(mod(n\\,7))",
    "-vsync",
    "0",
    localName(`${dir}/img/%03d.png`),
  ]);
  assert.equal(r.code, 0, r.stderr);
  return `${dir}/img`;
}

const shape = { d: 8, s: 4, m: 1, batch: 4, patch: 10, validateEvery: 1000, threads: 1, seed: 5 };

Deno.test({
  ...opts,
  name: "train: stopping and resuming gives exactly the weights of an uninterrupted run",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 3, "96x64");
      const common = { ...shape, scale: 2, data: [data], val: data, steps: 6 };
      await trainFromFolders({ ...common, out: `${dir}/a.safetensors` });
      const straight = await loadCheckpoint(`${dir}/a.safetensors.ckpt.safetensors`);
      await trainFromFolders({ ...common, out: `${dir}/b.safetensors`, maxSteps: 3 });
      const half = await loadCheckpoint(`${dir}/b.safetensors.ckpt.safetensors`);
      assert.equal(half.progress.step, 3);
      assert.notDeepEqual(half.weights.params, straight.weights.params);
      await trainFromFolders({ ...common, out: `${dir}/b.safetensors`, resume: true });
      const resumed = await loadCheckpoint(`${dir}/b.safetensors.ckpt.safetensors`);
      assert.equal(resumed.progress.step, 6);
      assert.deepEqual(resumed.weights.params, straight.weights.params);
      assert.deepEqual(resumed.adam.m, straight.adam.m);
      assert.deepEqual(resumed.adam.v, straight.adam.v);

      // Resumed under a new --out and stopped before any validation: --out still gets this
      // run's weights (the summary line names it).
      const moved = `${dir}/moved.ckpt.safetensors`;
      await Deno.copyFile(`${dir}/b.safetensors.ckpt.safetensors`, moved);
      const m = await trainFromFolders({
        ...common,
        out: `${dir}/m.safetensors`,
        checkpoint: moved,
        resume: true,
        steps: 8,
        maxSteps: 1,
      });
      assert.equal(m.step, 7);
      assert.equal(m.bestStep, 7);
      assert.equal((await loadWeights(`${dir}/m.safetensors`)).metadata.train_steps, "7");

      // Ctrl-C (the CLI aborts this signal) saves a checkpoint that resumes just as exactly.
      const ctrlC = new AbortController();
      await assert.rejects(
        trainFromFolders({
          ...common,
          out: `${dir}/c.safetensors`,
          validateEvery: 2,
          signal: ctrlC.signal,
          onReport: (r) => r.step >= 4 && ctrlC.abort(),
        }),
        CancelledError,
      );
      const interrupted = await loadCheckpoint(`${dir}/c.safetensors.ckpt.safetensors`);
      assert.equal(interrupted.progress.step, 4);
      await trainFromFolders({ ...common, out: `${dir}/c.safetensors`, resume: true });
      const continued = await loadCheckpoint(`${dir}/c.safetensors.ckpt.safetensors`);
      assert.deepEqual(continued.weights.params, straight.weights.params);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name: "train: line-art pictures join the training images only, and a resume keeps them",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 3, "64x48");
      const common = { ...shape, scale: 2, data: [data], steps: 2, validateEvery: 1, holdout: 1 };
      await assert.rejects(
        trainFromFolders({ ...common, lineArt: 1.5, out: `${dir}/x.safetensors` }),
        OptionError,
      );
      await trainFromFolders({ ...common, out: `${dir}/p.safetensors` });
      await trainFromFolders({ ...common, lineArt: 2, out: `${dir}/l.safetensors` });
      const plain = await loadCheckpoint(`${dir}/p.safetensors.ckpt.safetensors`);
      const art = await loadCheckpoint(`${dir}/l.safetensors.ckpt.safetensors`);
      assert.equal(art.weights.metadata.validation_data, plain.weights.metadata.validation_data);
      assert.equal(plain.weights.metadata.train_images, "2");
      assert.equal(art.weights.metadata.train_images, "2 and 2 synthetic line-art pictures");
      assert.equal(art.options.lineArt, 2);
      assert.equal(art.progress.history.length, 2);
      assert.notDeepEqual(art.weights.params, plain.weights.params);
      await trainFromFolders({ ...common, steps: 3, resume: true, out: `${dir}/l.safetensors` });
      const resumed = await loadCheckpoint(`${dir}/l.safetensors.ckpt.safetensors`);
      assert.equal(resumed.weights.metadata.train_images, "2 and 2 synthetic line-art pictures");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name: "train: the validation PSNR it reports is what eval reports for the saved weights",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 2, "80x60");
      const progress = await trainFromFolders({
        ...shape,
        scale: 3,
        data: [data],
        val: data,
        steps: 4,
        validateEvery: 2,
        out: `${dir}/w.safetensors`,
      });
      assert.equal(progress.history.length, 2);
      const best = Math.max(...progress.history.map(([, p]) => p));
      assert.equal(progress.bestPsnr, best);
      const w = await loadWeights(`${dir}/w.safetensors`);
      assert.equal(w.metadata.trained_by, "fsrcnn-deno train");
      assert.equal(w.config.scale, 3);
      const report = await evaluate({ weights: `${dir}/w.safetensors`, data, backend: "onnx" });
      assert.ok(Math.abs(report.meanPsnr - best) < 1e-9, `${report.meanPsnr} vs ${best}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("train: its data folders are a list, not a command line's comma-separated string", async () => {
  const cases: Array<[unknown, string]> = [
    ["a,b", "data must be a list of folders"],
    [[], "data names no folder"],
  ];
  for (const [data, message] of cases) {
    await assert.rejects(
      trainFromFolders({ ...shape, scale: 2, data: data as string[], out: "/nonexistent/w" }),
      (e) => e instanceof OptionError && e.option === "data" && e.message === message,
    );
  }
});

Deno.test({
  ...opts,
  name: "train: validates on images held out of the training data; refuses a test set",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 3, "64x48");
      const common = { ...shape, scale: 2, data: [data], steps: 2, validateEvery: 1 };
      await assert.rejects(
        trainFromFolders({
          ...common,
          val: "../shared/datasets/Set5",
          out: `${dir}/t.safetensors`,
        }),
        UsageError,
      );
      await trainFromFolders({ ...common, holdout: 1, out: `${dir}/h.safetensors` });
      const held = await loadCheckpoint(`${dir}/h.safetensors.ckpt.safetensors`);
      assert.equal(
        held.weights.metadata.validation_data,
        `held out of the training data: ${data}/002`,
      );
      assert.equal(held.weights.metadata.train_images, "2");
      assert.equal(held.progress.history.length, 2);

      // Resumed with another validation set: the old scores do not compare, "best" starts over.
      const resumed = await trainFromFolders({
        ...common,
        val: data,
        resume: true,
        steps: 3,
        out: `${dir}/h.safetensors`,
      });
      assert.deepEqual(resumed.history.map(([step]) => step), [3]);
      assert.equal(resumed.bestStep, 3);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name:
    "train --degradations: video pairs through ffmpeg, validated the suite's way, resumed alike",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 3, "64x48");
      const common = {
        ...shape,
        scale: 2,
        data: [data],
        steps: 2,
        validateEvery: 1,
        holdout: 1,
        out: `${dir}/v.safetensors`,
      };
      const degradations = ["neighbor" as const, "matlab" as const];
      await assert.rejects(
        trainFromFolders({ ...common, degradations: ["nearest" as "neighbor"] }),
        UsageError,
      );
      const made: Array<[number, number]> = [];
      const first = await trainFromFolders({
        ...common,
        degradations,
        crfs: [23],
        onPairsProgress: (done, total) => made.push([done, total]),
      });
      // Two training images, then the held-out one.
      assert.deepEqual(made, [[1, 2], [2, 2], [1, 1]]);
      assert.equal(first.history.length, 2);
      const ckpt = await loadCheckpoint(`${dir}/v.safetensors.ckpt.safetensors`);
      assert.deepEqual(ckpt.options.degradations, degradations);
      assert.deepEqual(ckpt.options.crfs, [23]);
      assert.equal(ckpt.options.inter, 0.75);
      assert.equal(
        ckpt.weights.metadata.validation_data,
        `held out of the training data: ${data}/002; degraded: neighbor,matlab, x264 CRF 23, ` +
          "75% predicted frames of pans",
      );

      // The validation PSNR is the suite's FSRCNN score on the held-out image (the first pair of
      // a run is a picture coded alone: predicted ones are spread over the later turns).
      await Deno.mkdir(`${dir}/held`);
      await Deno.copyFile(`${data}/002.png`, `${dir}/held/002.png`);
      const suite = await evaluateDegradations({
        data: `${dir}/held`,
        weights: `${dir}/v.safetensors`,
        degradations,
        crf: 23,
      });
      const suiteMean = (suite.rows[0].psnr.fsrcnn + suite.rows[1].psnr.fsrcnn) / 2;
      assert.ok(Math.abs(first.bestPsnr - suiteMean) < 1e-3, `${first.bestPsnr} vs ${suiteMean}`);

      // Resumed without the flags: the checkpoint's data, the same validation set.
      const resumed = await trainFromFolders({ ...common, resume: true, steps: 3 });
      assert.deepEqual(resumed.history.map(([step]) => step), [1, 2, 3]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name: "train: --m above the --from weights' grows them, starting from the same function",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 2, "64x48");
      const common = { ...shape, scale: 2, data: [data], val: data };
      await trainFromFolders({ ...common, steps: 2, out: `${dir}/small.safetensors` });
      const small = await loadWeights(`${dir}/small.safetensors`);
      // One step with a negligible learning rate: what comes out is what training started from.
      await trainFromFolders({
        ...common,
        m: 3,
        steps: 1,
        lr: 1e-12,
        lastLr: 1e-12,
        from: `${dir}/small.safetensors`,
        out: `${dir}/grown.safetensors`,
      });
      const grown = await loadCheckpoint(`${dir}/grown.safetensors.ckpt.safetensors`);
      assert.equal(grown.weights.config.m, 3);
      const input = new Float32Array(12 * 9).map((_, i) => (i * 37 % 101) / 101);
      const before = referenceForward64(small, input, 12, 9);
      const after = referenceForward64(grown.weights, input, 12, 9);
      for (let i = 0; i < before.length; i++) assert.ok(Math.abs(before[i] - after[i]) < 1e-6);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name: "train: --from weights keep their own shape when no network or shape is named",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 2, "64x48");
      const { d, s, m, ...settings } = shape;
      const common = { ...settings, scale: 2, data: [data], val: data, steps: 1 };
      await trainFromFolders({ ...common, d, s, m, out: `${dir}/small.safetensors` });
      await trainFromFolders({
        ...common,
        from: `${dir}/small.safetensors`,
        out: `${dir}/again.safetensors`,
      });
      const again = await loadWeights(`${dir}/again.safetensors`);
      assert.deepEqual([again.config.d, again.config.s, again.config.m], [d, s, m]);
      // A named network wins over the file's shape (its weights are grown into it).
      await trainFromFolders({
        ...common,
        network: "fsrcnn-s",
        from: `${dir}/small.safetensors`,
        out: `${dir}/named.safetensors`,
      });
      const named = await loadWeights(`${dir}/named.safetensors`);
      assert.deepEqual([named.config.d, named.config.s, named.config.m], [32, 5, 1]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name:
    "train: the default bicubic start scores about bicubic at once, far above the reference start",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 2, "96x64");
      // One step at a negligible learning rate: the validation scores the starting point.
      const common = {
        ...shape,
        d: 56,
        s: 12,
        m: 4,
        scale: 2,
        data: [data],
        val: data,
        steps: 1,
        lr: 1e-12,
        lastLr: 1e-12,
      };
      const bicubicStart = await trainFromFolders({ ...common, out: `${dir}/b.safetensors` });
      const referenceStart = await trainFromFolders({
        ...common,
        init: "reference",
        out: `${dir}/r.safetensors`,
      });
      const bicubic = await evaluate({ data, method: "bicubic", scale: 2 });
      const start = bicubicStart.history[0][1];
      assert.ok(Math.abs(start - bicubic.meanPsnr) < 1, `${start} vs bicubic ${bicubic.meanPsnr}`);
      assert.ok(
        start > referenceStart.history[0][1] + 10,
        `reference start ${referenceStart.history[0][1]}`,
      );
      const saved = await loadCheckpoint(`${dir}/b.safetensors.ckpt.safetensors`);
      assert.equal((saved.options as { init?: string }).init, "bicubic");
      await assert.rejects(
        trainFromFolders({
          ...common,
          init: "bicubic",
          from: `${dir}/r.safetensors`,
          out: `${dir}/f.safetensors`,
        }),
        /init bicubic is for a run from scratch/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  ...opts,
  name: "degraded pairs: a share of them predicted frames of pans, each LR aligned with its window",
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-train-" });
    try {
      const data = await imageFolder(dir, 2, "64x48");
      const t = await tools();
      const images = await loadDataset(data, t);
      const make = (inter: number) =>
        buildDegradedPairs(t, images, {
          scale: 2,
          degradations: ["area", "matlab"],
          crfs: [23],
          factors: [1, 0.8],
          inter,
        });
      const stills = await make(0), half = await make(0.5), all = await make(1);
      for (const pairs of [stills, half, all]) assert.equal(pairs.length, 2 * 2 * 2);
      const panned = (pairs: TrainPair[]) => pairs.filter((p) => p.name.includes("pan")).length;
      assert.equal(panned(stills), 0);
      // Area pairs only (MATLAB's LR is not coded): half of the four (image, factor) turns.
      assert.equal(panned(half), 2);
      assert.equal(panned(all), 4);
      for (const p of all) {
        assert.deepEqual([p.lr.width * 2, p.lr.height * 2], [p.hr.width, p.hr.height], p.name);
        // The pan's window is smaller than the picture: the HR is the window, not the image.
        if (p.name.includes("pan") && !p.name.includes("pan0,0")) {
          const still = stills.find((s) => s.name.split("/")[0] === p.name.split("/")[0])!;
          assert.ok(p.hr.width * p.hr.height < still.hr.width * still.hr.height, p.name);
        }
      }
      // MATLAB's LR of every pair, predicted frames' windows included, is its HR's own
      // downscale: the pair's LR and HR are of one window.
      for (const p of all.filter((p) => p.name.endsWith("matlab"))) {
        const hr255 = { ...p.hr, data: p.hr.data.map((v) => Math.round(v * 255)) };
        const want = imresizePlane(hr255, 1 / 2).data;
        let worst = 0;
        p.lr.data.forEach((v, k) => worst = Math.max(worst, Math.abs(v * 255 - want[k])));
        assert.ok(worst < 1e-3, `${p.name}: ${worst}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
