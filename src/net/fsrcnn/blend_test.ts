import assert from "node:assert/strict";
import { UsageError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import type { NetworkWeights } from "../arch.ts";
import { initWeights } from "../weights/file.ts";
import { blendFsrcnn } from "./blend.ts";
import { fsrcnnConfig, paramSpecs } from "./config.ts";
import { referenceForward64 } from "./reference.ts";

/** Weights whose every parameter (biases and PReLU slopes too) is random. */
function randomWeights(scale: number, shape: { d: number; s: number; m: number }, seed: number) {
  const w = initWeights(fsrcnnConfig(scale, shape), seed);
  const rng = new Rng(seed + 100);
  for (const p of w.params.values()) {
    for (let i = 0; i < p.length; i++) p[i] = 0.3 * rng.normal();
  }
  return w;
}

const CASES: Array<{
  scale: number;
  a: { d: number; s: number; m: number };
  b: { d: number; s: number; m: number };
  share: number;
}> = [
  { scale: 2, a: { d: 4, s: 3, m: 2 }, b: { d: 5, s: 2, m: 2 }, share: 0.3 },
  { scale: 3, a: { d: 3, s: 2, m: 1 }, b: { d: 3, s: 2, m: 1 }, share: 0.5 },
  { scale: 4, a: { d: 2, s: 1, m: 0 }, b: { d: 6, s: 4, m: 0 }, share: 1 },
  { scale: 2, a: { d: 4, s: 3, m: 1 }, b: { d: 4, s: 3, m: 1 }, share: 0 },
];

for (const c of CASES) {
  Deno.test(`blendFsrcnn x${c.scale} ${JSON.stringify(c.a)} + ${JSON.stringify(c.b)} at ${c.share}: the reference gives the blend of the two outputs`, () => {
    const a = randomWeights(c.scale, c.a, 1), b = randomWeights(c.scale, c.b, 2);
    const blend = blendFsrcnn(a, b, c.share);
    assert.deepEqual(
      { d: blend.config.d, s: blend.config.s, m: blend.config.m, scale: blend.config.scale },
      { d: c.a.d + c.b.d, s: c.a.s + c.b.s, m: c.a.m, scale: c.scale },
    );
    // Every tensor the reference names, in its shape.
    for (const spec of paramSpecs(blend.config)) {
      assert.equal(blend.params.get(spec.name)?.length, spec.shape.reduce((x, y) => x * y, 1));
    }
    const width = 11, height = 7;
    const rng = new Rng(7);
    const plane = Float32Array.from({ length: width * height }, () => rng.uniform());
    const ya = referenceForward64(a, plane, width, height);
    const yb = referenceForward64(b, plane, width, height);
    const y = referenceForward64(blend, plane, width, height);
    let worst = 0;
    for (let i = 0; i < y.length; i++) {
      worst = Math.max(worst, Math.abs(y[i] - (c.share * ya[i] + (1 - c.share) * yb[i])));
    }
    // The scaled float32 taps of the last layer round at about 1e-7 of their size.
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });
}

Deno.test("blendFsrcnn refuses other scales, other depths and a share outside [0, 1]", () => {
  const a = randomWeights(2, { d: 4, s: 3, m: 2 }, 1);
  const cases: Array<[NetworkWeights, number, RegExp]> = [
    [randomWeights(3, { d: 4, s: 3, m: 2 }, 2), 0.5, /x2 d=4 s=3 m=2 and x3 d=4 s=3 m=2/],
    [randomWeights(2, { d: 4, s: 3, m: 1 }, 2), 0.5, /one scale and depth/],
    [randomWeights(2, { d: 4, s: 3, m: 2 }, 2), 1.5, /from 0 to 1, not 1.5/],
    [randomWeights(2, { d: 4, s: 3, m: 2 }, 2), NaN, /not NaN/],
  ];
  for (const [b, share, message] of cases) {
    assert.throws(() => blendFsrcnn(a, b, share), (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, message);
      return true;
    });
  }
});
