/** Tile planning and weight packing of the WGSL engine (no GPU needed). */
import assert from "node:assert/strict";
import { fsrcnnConfig } from "../config.ts";
import { subpixelFromDeconv } from "../subpixel.ts";
import { initWeights } from "../../weights/file.ts";
import {
  headKernel,
  type KernelLimits,
  mapKernel,
  pickTailTile,
  stackKernel,
  tailChannels,
  tailKernel,
} from "./kernels.ts";
import { packHead, packMapping, packTail, tailGeometry } from "./pack.ts";

/** WebGPU's guaranteed minimum limits. */
const MIN_LIMITS: KernelLimits = {
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupSizeX: 256,
  maxComputeWorkgroupSizeY: 256,
  maxUniformBufferBindingSize: 65536,
};

Deno.test("tail geometry: skipped taps are exactly the structurally zero ones", () => {
  for (const scale of [2, 3, 4]) {
    const cfg = fsrcnnConfig(scale, { d: 3, s: 4, m: 1 });
    const geo = tailGeometry(cfg);
    // With an all-ones deconvolution, a tap/group is valid iff its sub-pixel weights are not 0.
    const sp = subpixelFromDeconv(new Float32Array(3 * 81).fill(1), 0, 3, scale);
    assert.equal(sp.taps, geo.taps);
    assert.equal(sp.padBefore, geo.padBefore);
    const T2 = geo.taps ** 2;
    for (let tap = 0; tap < T2; tap++) {
      for (let g = 0; g < geo.groups; g++) {
        let any = false;
        for (let ph = 4 * g; ph < Math.min(4 * g + 4, scale * scale); ph++) {
          if (sp.weight[ph * 3 * T2 + tap] !== 0) any = true;
        }
        assert.equal(geo.valid[tap][g], any, `x${scale} tap ${tap} group ${g}`);
      }
    }
  }
});

Deno.test("tiles fit WebGPU's minimum limits, for f32 and f16, and d up to 1024", () => {
  for (const scale of [2, 3, 4]) {
    for (const shape of [{ d: 56, s: 12, m: 4 }, { d: 1024, s: 32, m: 8 }]) {
      const cfg = fsrcnnConfig(scale, shape);
      const w = initWeights(cfg, 1);
      for (const act of ["f32", "f16"] as const) {
        const t = pickTailTile(cfg, act, MIN_LIMITS);
        const tail = packTail(w, tailChannels(cfg, t));
        const head = packHead(w);
        const map = packMapping(w, 0, 1);
        const common = (n: number) => ({
          act,
          weightVec4s: n,
          weightsUniform: n * 16 <= MIN_LIMITS.maxUniformBufferBindingSize,
        });
        const kernels = [
          headKernel(cfg, common(head.data.length / 4), head.at, MIN_LIMITS),
          mapKernel(cfg, common(map.data.length / 4), map.at, MIN_LIMITS),
          tailKernel(cfg, common(tail.data.length / 4), tail.at, t),
        ];
        const stackBlob = packMapping(w, 0, cfg.m);
        const stack = stackKernel(
          cfg,
          common(stackBlob.data.length / 4),
          stackBlob.at,
          MIN_LIMITS,
        );
        if (stack) kernels.push(stack);
        for (const k of kernels) {
          assert.ok(k.sharedBytes <= MIN_LIMITS.maxComputeWorkgroupStorageSize, k.description);
          assert.ok(k.invocations <= 256 && k.invocations >= 1, k.description);
          assert.match(k.code, /@compute @workgroup_size/);
          assert.equal(k.code.includes("enable f16;"), act === "f16");
        }
      }
    }
  }
});

Deno.test("forced tiles that break the limits are refused", () => {
  const cfg = fsrcnnConfig(2);
  const w = initWeights(cfg, 1);
  const map = packMapping(w, 0, 1);
  const common = { act: "f32" as const, weightVec4s: map.data.length / 4, weightsUniform: true };
  assert.throws(
    () => mapKernel(cfg, common, map.at, MIN_LIMITS, { tw: 64, th: 64, p: 1 }),
    /does not fit/,
  );
  assert.throws(
    () => mapKernel(cfg, common, map.at, MIN_LIMITS, { tw: 5, th: 2, p: 2 }),
    /does not fit/,
  );
  assert.throws(() => stackKernel(cfg, common, map.at, MIN_LIMITS, 40), /does not fit/);
});

Deno.test("packing: padded channels carry zero weights, biases and slopes", () => {
  const cfg = fsrcnnConfig(3, { d: 9, s: 5, m: 1 });
  const w = initWeights(cfg, 2);
  for (const v of w.params.values()) v.fill(1);
  const head = packHead(w);
  // b1: 3 vec4s for 9 channels → lanes 9..11 zero.
  const b1 = head.data.subarray(4 * head.at.b1, 4 * head.at.b1 + 12);
  assert.deepEqual([...b1], [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  const a2 = head.data.subarray(4 * head.at.a2, 4 * head.at.a2 + 8);
  assert.deepEqual([...a2], [1, 1, 1, 1, 1, 0, 0, 0]);
  const tail = packTail(w, 4);
  const be = tail.data.subarray(4 * tail.at.be, 4 * tail.at.be + 16);
  assert.deepEqual([...be], [...Array(16).keys()].map((i) => (i < 9 ? 1 : 0)));
  assert.deepEqual([...tail.data.subarray(4 * tail.at.bl, 4 * tail.at.bl + 4)], [1, 1, 1, 1]);
});
