import assert from "node:assert/strict";
import { Rng } from "../core/random.ts";
import { LEVEL_GAINS, PatchSampler, remapLevels, type TrainPair } from "./data.ts";

Deno.test("remapLevels maps LR and HR alike and clips to [0, 1]", () => {
  // [input, gain, shift, output]
  const table: [number, number, number, number][] = [
    [0.5, 1, 0, 0.5],
    [0.5, 2, 0, 1],
    [0.7, 2, 0, 1], // clipped at white
    [0.2, 0.5, 0.1, 0.2],
    [0.1, 1, -0.3, 0], // clipped at black
    [1, 0.125, 0.875, 1],
    [0, 0.125, 0.03, 0.03],
  ];
  for (const [v, gain, shift, want] of table) {
    const lr = Float32Array.of(v), hr = Float32Array.of(v, v);
    remapLevels(lr, hr, gain, shift);
    assert.ok(Math.abs(lr[0] - want) < 1e-6, `${v}·${gain}+${shift}: ${lr[0]} not ${want}`);
    assert.deepEqual([...hr], [lr[0], lr[0]]);
  }
});

/**
 * A ×2 pair whose HR is its LR with every pixel repeated 2×2, so an aligned HR patch is its LR
 * patch repeated, however it is turned or remapped.
 */
function replicatedPair(width: number, height: number, seed: number): TrainPair {
  const rng = new Rng(seed);
  const lr = new Float32Array(width * height).map(() => 0.1 + 0.8 * rng.uniform());
  const hr = new Float32Array(4 * width * height);
  for (let y = 0; y < 2 * height; y++) {
    for (let x = 0; x < 2 * width; x++) hr[y * 2 * width + x] = lr[(y >> 1) * width + (x >> 1)];
  }
  return {
    name: "r",
    lr: { width, height, data: lr },
    hr: { width: 2 * width, height: 2 * height, data: hr },
  };
}

/** Whether every HR pixel of patch n equals the LR pixel it repeats. */
function aligned(lr: Float32Array, hr: Float32Array, size: number, n: number): boolean {
  const hs = 2 * size;
  for (let y = 0; y < hs; y++) {
    for (let x = 0; x < hs; x++) {
      const want = lr[n * size * size + (y >> 1) * size + (x >> 1)];
      if (hr[n * hs * hs + y * hs + x] !== want) return false;
    }
  }
  return true;
}

Deno.test("remapped patches stay aligned, span the code range and include clipped ones", () => {
  const size = 6, count = 400;
  const sampler = new PatchSampler([replicatedPair(20, 16, 1)], 2, size, 1);
  const { lr, hr } = sampler.sample(new Rng(5), count);
  let clipped = 0, flatDark = 0, lowContrast = 0;
  let lowest = 1, highest = 0;
  for (let n = 0; n < count; n++) {
    assert.ok(aligned(lr, hr, size, n), `patch ${n} is not aligned`);
    const patch = lr.subarray(n * size * size, (n + 1) * size * size);
    const mean = patch.reduce((a, v) => a + v, 0) / patch.length;
    const spread = Math.max(...patch) - Math.min(...patch);
    lowest = Math.min(lowest, mean);
    highest = Math.max(highest, mean);
    if (patch.some((v) => v === 0 || v === 1)) clipped++;
    if (mean < 0.05) flatDark++;
    // The source patches spread over 0.8 at gain 1; a gain under 1/4 leaves under 0.2.
    if (spread < 0.2) lowContrast++;
  }
  // Every patch remapped: levels near both ends, some clipped, some nearly flat.
  assert.ok(lowest < 0.05 && highest > 0.95, `patch means span ${lowest}..${highest}`);
  assert.ok(clipped > count / 10, `${clipped} clipped patches`);
  assert.ok(flatDark > 0, "no dark patch");
  // log-uniform gains in [1/8, 2]: a third of them under 1/4.
  const underQuarter = Math.log(0.25 / LEVEL_GAINS[0]) / Math.log(LEVEL_GAINS[1] / LEVEL_GAINS[0]);
  assert.ok(lowContrast > 0.5 * underQuarter * count, `${lowContrast} low-contrast patches`);
});

Deno.test("without remapping the sampler draws what it drew before it could remap", () => {
  const pair = replicatedPair(20, 16, 2);
  const size = 6;
  const rng = new Rng(7);
  const plain = new PatchSampler([pair], 2, size).sample(rng, 50);
  // Four draws per patch (image position, x, y, turn), as before remapping existed, so a run
  // recorded without it resumes on the same patches.
  const reference = new Rng(7);
  for (let i = 0; i < 4 * 50; i++) reference.uniform();
  assert.deepEqual(rng.state(), reference.state());
  const zero = new PatchSampler([pair], 2, size, 0).sample(new Rng(7), 50);
  assert.deepEqual(zero.lr, plain.lr);
  // Unremapped patches keep the source's values, all within its 0.1..0.9.
  assert.ok(plain.lr.every((v) => v >= 0.1 && v <= 0.9));
  for (let n = 0; n < 50; n++) assert.ok(aligned(plain.lr, plain.hr, size, n));
  const some = new PatchSampler([pair], 2, size, 0.25).sample(new Rng(7), 50);
  assert.notDeepEqual(some.lr, plain.lr);
});

Deno.test("a fraction of remapped patches outside [0, 1] is refused", () => {
  const pair = replicatedPair(8, 8, 3);
  for (const bad of [-0.1, 1.5, NaN]) {
    assert.throws(() => new PatchSampler([pair], 2, 6, bad), RangeError);
  }
});
