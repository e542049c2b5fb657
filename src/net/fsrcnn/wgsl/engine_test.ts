/**
 * The hand-written WebGPU engine against the PyTorch golden fixtures and the plain TypeScript
 * reference (random non-trivial weights, odd sizes, batches of different planes, every kernel
 * variant), plus buffer reuse, dispose, limits and f16. Skipped without a WebGPU adapter.
 */
import assert from "node:assert/strict";
import { GOLDEN_CASES, randomizeWeights } from "../../../../tools/make_golden_inputs.ts";
import { FsrcnnError } from "../../../core/errors.ts";
import { Rng } from "../../../core/random.ts";
import { fsrcnnConfig } from "../config.ts";
import { createEngineFor, maxAbsDiff } from "../../create.ts";
import { getGpu } from "../../gpu.ts";
import { referenceForward } from "../reference.ts";
import { TiledUpscaler } from "../../tiling/tiled.ts";
import { initWeights, loadWeights } from "../../weights/file.ts";
import type { NetworkWeights } from "../../arch.ts";
import { WgslEngine, type WgslEngineOptions } from "./engine.ts";

const gpu = await getGpu();
if (!gpu) console.log("wgsl_engine_test: no WebGPU adapter (getGpu() is null); tests skipped");
const ignore = gpu === null;
const hasF16 = gpu?.device.features.has("shader-f16") ?? false;

const GOLDEN = new URL("../../../../fixtures/golden/", import.meta.url).pathname;

function test(name: string, fn: () => Promise<void>) {
  Deno.test({
    name: `webgpu-wgsl: ${name}`,
    ignore,
    sanitizeResources: false,
    sanitizeOps: false,
    fn,
  });
}

async function readF32(path: string): Promise<Float32Array> {
  const bytes = await Deno.readFile(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

/** Weights with random PReLU slopes (some negative), biases and last layer, as the fixtures. */
function randomWeights(scale: number, d: number, s: number, m: number, seed: number) {
  return randomizeWeights(initWeights(fsrcnnConfig(scale, { d, s, m }), seed), new Rng(seed + 100));
}

function randomPlanes(count: number, width: number, height: number, seed: number) {
  const rng = new Rng(seed);
  return new Float32Array(count * width * height).map(() => rng.uniform());
}

/** Runs a batch and compares every plane with the reference; returns the largest difference. */
async function checkAgainstReference(
  engine: WgslEngine,
  weights: NetworkWeights,
  count: number,
  width: number,
  height: number,
  seed: number,
): Promise<number> {
  const data = randomPlanes(count, width, height, seed);
  const out = await engine.run({ data, count, width, height });
  const s = weights.config.scale;
  assert.equal(out.count, count);
  assert.equal(out.width, width * s);
  assert.equal(out.height, height * s);
  assert.equal(out.data.length, count * width * height * s * s);
  let worst = 0;
  const n = width * height, on = n * s * s;
  for (let i = 0; i < count; i++) {
    const expected = referenceForward(weights, data.subarray(i * n, (i + 1) * n), width, height);
    worst = Math.max(worst, maxAbsDiff(expected, out.data.subarray(i * on, (i + 1) * on)));
  }
  return worst;
}

const VARIANTS: Array<[string, WgslEngineOptions]> = [
  ["per-layer", {}],
  ["fused mapping", { fuseMapping: true }],
];

for (const c of GOLDEN_CASES) {
  test(`golden x${c.scale} (d=${c.d} s=${c.s} m=${c.m}) matches PyTorch within 1e-4`, async () => {
    const w = await loadWeights(`${GOLDEN}/weights_x${c.scale}.safetensors`);
    const input = await readF32(`${GOLDEN}/input_x${c.scale}.f32`);
    const expected = await readF32(`${GOLDEN}/output_x${c.scale}.f32`);
    const both = new Float32Array(input.length * 2);
    both.set(input);
    both.set(input, input.length);
    for (const [variant, options] of VARIANTS) {
      const engine = await WgslEngine.create(w, options);
      try {
        const out = await engine.run({ data: both, count: 2, width: c.width, height: c.height });
        assert.equal(out.width, c.width * c.scale);
        assert.equal(out.height, c.height * c.scale);
        assert.equal(out.data.length, 2 * expected.length);
        for (const half of [0, 1]) {
          const got = out.data.subarray(half * expected.length, (half + 1) * expected.length);
          const diff = maxAbsDiff(expected, got);
          assert.ok(diff <= 1e-4, `${variant}, plane ${half}: max abs difference ${diff}`);
        }
      } finally {
        engine.dispose();
      }
    }
  });
}

/** Shapes: the paper's, the fixtures', odd d and s (channel padding), and m = 0. */
const SHAPES = [
  { scale: 2, d: 56, s: 12, m: 4 },
  { scale: 3, d: 24, s: 8, m: 2 },
  { scale: 4, d: 16, s: 6, m: 3 },
  { scale: 2, d: 18, s: 5, m: 1 },
  { scale: 3, d: 9, s: 3, m: 0 },
];
/** Sizes below, at and across the tiles (32x8, 16x16), batches of different planes. */
const SIZES: Array<[number, number]> = [[1, 1], [7, 3], [33, 17], [16, 16], [35, 9]];

for (const sh of SHAPES) {
  test(`matches the reference: x${sh.scale} d=${sh.d} s=${sh.s} m=${sh.m}, odd sizes, batch 3`, async () => {
    const w = randomWeights(sh.scale, sh.d, sh.s, sh.m, 7 * sh.scale + sh.d);
    for (const [variant, options] of VARIANTS) {
      const engine = await WgslEngine.create(w, options);
      try {
        for (const [width, height] of SIZES) {
          const diff = await checkAgainstReference(
            engine,
            w,
            3,
            width,
            height,
            width * 31 + height,
          );
          assert.ok(diff <= 1e-4, `${variant} ${width}x${height}: max abs difference ${diff}`);
        }
      } finally {
        engine.dispose();
      }
    }
  });
}

test("unusual tiles (p = 1 and 3, tiny and odd tiles, storage weights) stay exact", async () => {
  const tunings: WgslEngineOptions[] = [
    {
      tuning: {
        head: { tw: 6, th: 3, p: 3 },
        map: { tw: 2, th: 1, p: 2 },
        tail: { tw: 3, th: 5, p: 1, ec: 1 },
        weights: "storage",
      },
    },
    {
      fuseMapping: true,
      tuning: { head: { tw: 1, th: 1, p: 1 }, tail: { tw: 8, th: 2, p: 4, ec: 3 }, stack: 5 },
    },
  ];
  for (const sh of [SHAPES[1], SHAPES[2]]) {
    const w = randomWeights(sh.scale, sh.d, sh.s, sh.m, 99 + sh.scale);
    for (const options of tunings) {
      const engine = await WgslEngine.create(w, options);
      try {
        const diff = await checkAgainstReference(engine, w, 2, 19, 11, 5);
        assert.ok(diff <= 1e-4, `${engine.plan}: max abs difference ${diff}`);
      } finally {
        engine.dispose();
      }
    }
  }
});

test("f16 activations: close to the reference, or refused cleanly without shader-f16", async () => {
  const w = randomWeights(2, 56, 12, 4, 3);
  if (!hasF16) {
    await assert.rejects(WgslEngine.create(w, { f16: true }), /shader-f16/);
    return;
  }
  for (const fuseMapping of [false, true]) {
    const engine = await WgslEngine.create(w, { f16: true, fuseMapping });
    try {
      assert.match(engine.plan, /f16/);
      const diff = await checkAgainstReference(engine, w, 2, 21, 13, 8);
      assert.ok(diff <= 5e-3, `f16 max abs difference ${diff}`);
    } finally {
      engine.dispose();
    }
  }
});

test("buffers are reused across sizes, runs raise no validation errors, dispose frees", async () => {
  const device = gpu!.device;
  const w = randomWeights(3, 24, 8, 2, 11);
  device.pushErrorScope("validation");
  const engine = await WgslEngine.create(w);
  assert.equal(engine.bufferBytes, 0, "nothing allocated before the first run");
  const sizes: Array<[number, number, number]> = [
    [1, 8, 8],
    [3, 33, 17],
    [1, 5, 5],
    [3, 33, 17],
    [2, 40, 30],
    [1, 1, 1],
    [2, 17, 33],
  ];
  const held: number[] = [];
  for (const [i, [count, width, height]] of sizes.entries()) {
    const diff = await checkAgainstReference(engine, w, count, width, height, i);
    assert.ok(diff <= 1e-4, `run ${i} (${count}x${width}x${height}): max abs difference ${diff}`);
    held.push(engine.bufferBytes);
  }
  // Buffers only grow, and only when a batch needs more than any before it.
  assert.ok(held.every((b, i) => i === 0 || b >= held[i - 1]), `held ${held}`);
  assert.equal(held[2], held[1], "a smaller batch reuses the buffers");
  assert.equal(held[3], held[1]);
  assert.equal(held[6], held[4], "the same pixel count in another shape reuses the buffers");
  engine.dispose();
  assert.equal(engine.bufferBytes, 0);
  const error = await device.popErrorScope();
  assert.equal(error, null, `validation error: ${error?.message}`);
  await assert.rejects(
    engine.run({ data: new Float32Array(4), count: 1, width: 2, height: 2 }),
    /dispose/,
  );
  engine.dispose();
});

test("concurrent runs are serialised and each gets its own result", async () => {
  const w = randomWeights(2, 18, 5, 1, 4);
  const engine = await WgslEngine.create(w);
  try {
    const jobs: Array<[number, number, number]> = [[2, 9, 7], [1, 20, 3], [3, 4, 11]];
    const planes = jobs.map(([count, width, height], i) => randomPlanes(count, width, height, i));
    const results = await Promise.all(
      jobs.map(([count, width, height], i) =>
        engine.run({ data: planes[i], count, width, height })
      ),
    );
    jobs.forEach(([count, width, height], i) => {
      const n = width * height, on = n * 4;
      for (let k = 0; k < count; k++) {
        const expected = referenceForward(w, planes[i].subarray(k * n, (k + 1) * n), width, height);
        const diff = maxAbsDiff(expected, results[i].data.subarray(k * on, (k + 1) * on));
        assert.ok(diff <= 1e-4, `job ${i} plane ${k}: ${diff}`);
      }
    });
  } finally {
    engine.dispose();
  }
});

test("device limits: batches split over z-dispatches; too-big planes throw clearly", async () => {
  const w = randomWeights(4, 16, 6, 3, 21);
  // With at most 2 workgroups per dimension, 5 planes take 3 dispatches per layer.
  const split = await WgslEngine.create(w, { maxWorkgroupsPerDimension: 2 });
  try {
    const diff = await checkAgainstReference(split, w, 5, 20, 10, 3);
    assert.ok(diff <= 1e-4, `split dispatches: max abs difference ${diff}`);
    await assert.rejects(
      split.run({ data: new Float32Array(100 * 10), count: 1, width: 100, height: 10 }),
      (e) => e instanceof FsrcnnError && /too big for one webgpu-wgsl call/.test(e.message),
    );
  } finally {
    split.dispose();
  }
  const small = await WgslEngine.create(w, { maxBufferBytes: 64 * 1024 });
  try {
    await assert.rejects(
      small.run({ data: new Float32Array(64 * 64), count: 1, width: 64, height: 64 }),
      (e) => e instanceof FsrcnnError && /over this device's limit/.test(e.message),
    );
    // Still usable after refusing.
    const diff = await checkAgainstReference(small, w, 1, 12, 9, 1);
    assert.ok(diff <= 1e-4);
    await assert.rejects(
      small.run({ data: new Float32Array(5), count: 1, width: 2, height: 2 }),
      RangeError,
    );
  } finally {
    small.dispose();
  }
});

test("profile() times every kernel with timestamp queries (when the device has them)", async () => {
  const w = randomWeights(2, 18, 5, 2, 6);
  const engine = await WgslEngine.create(w);
  try {
    gpu!.device.pushErrorScope("validation");
    const stages = await engine.profile({
      data: randomPlanes(2, 23, 9, 1),
      count: 2,
      width: 23,
      height: 9,
    }, 2);
    assert.equal(await gpu!.device.popErrorScope(), null);
    if (!gpu!.device.features.has("timestamp-query")) {
      assert.equal(stages, null);
      return;
    }
    assert.ok(stages);
    assert.deepEqual(stages.map((s) => s.stage.split(" ")[0]), ["head", "map", "map", "tail"]);
    assert.ok(stages.every((s) => Number.isFinite(s.ms)), JSON.stringify(stages));
    // The engine still runs normally afterwards.
    assert.ok(await checkAgainstReference(engine, w, 1, 10, 10, 2) <= 1e-4);
  } finally {
    engine.dispose();
  }
});

test("TiledUpscaler over the engine equals one untiled run", async () => {
  const w = randomWeights(2, 16, 6, 2, 13);
  const engine = await WgslEngine.create(w);
  try {
    const [width, height] = [70, 41];
    const planes = [0, 1].map((i) => ({ data: randomPlanes(1, width, height, i), width, height }));
    const tiled = await new TiledUpscaler(engine, { tile: 24, maxBatch: 5 }).upscale(planes);
    for (const [i, p] of planes.entries()) {
      const whole = await engine.run({ data: p.data, count: 1, width, height });
      assert.ok(maxAbsDiff(whole.data, tiled[i].data) <= 1e-5, `plane ${i}`);
    }
  } finally {
    engine.dispose();
  }
});

test("registered as backend webgpu-wgsl", async () => {
  const w = randomWeights(2, 8, 4, 1, 2);
  const engine = await createEngineFor(w, "webgpu-wgsl");
  try {
    assert.equal(engine.info.backend, "webgpu-wgsl");
    assert.equal(engine.info.device, gpu!.summary.description);
    const out = await engine.run({ data: new Float32Array(0), count: 0, width: 3, height: 3 });
    assert.equal(out.data.length, 0);
  } finally {
    engine.dispose();
  }
});
