/**
 * Every backend against golden outputs of the independent PyTorch reference
 * (fixtures/golden, made by fixtures/golden/make.sh with ../shared/bench/torch_fsrcnn.py).
 */
import assert from "node:assert/strict";
import { GOLDEN_CASES } from "../../tools/make_golden_inputs.ts";
import { maxAbsDiff } from "./create.ts";
import { createEngineFor } from "./create.ts";
import { BACKEND_NAMES, backendSpec } from "./backends.ts";
import { getGpu } from "./gpu.ts";
import { referenceForward } from "./fsrcnn/reference.ts";
import { loadWeights } from "./weights/file.ts";

const DIR = new URL("../../fixtures/golden/", import.meta.url).pathname;

async function readF32(path: string): Promise<Float32Array> {
  const bytes = await Deno.readFile(path);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const hasGpu = (await getGpu()) !== null;
if (!hasGpu) console.log("golden_test: no WebGPU adapter at all; WebGPU cases are skipped");

for (const c of GOLDEN_CASES) {
  Deno.test(`golden x${c.scale}: TypeScript reference matches PyTorch`, async () => {
    const w = await loadWeights(`${DIR}/weights_x${c.scale}.safetensors`);
    const input = await readF32(`${DIR}/input_x${c.scale}.f32`);
    const expected = await readF32(`${DIR}/output_x${c.scale}.f32`);
    const got = referenceForward(w, input, c.width, c.height);
    assert.ok(maxAbsDiff(expected, got) <= 1e-4, `max diff ${maxAbsDiff(expected, got)}`);
  });
  for (const backend of BACKEND_NAMES) {
    Deno.test({
      name: `golden x${c.scale}: ${backend} backend matches PyTorch within 1e-4`,
      ignore: backendSpec(backend).gpu && !hasGpu,
      sanitizeResources: false,
      sanitizeOps: false,
      fn: async () => {
        const w = await loadWeights(`${DIR}/weights_x${c.scale}.safetensors`);
        const input = await readF32(`${DIR}/input_x${c.scale}.f32`);
        const expected = await readF32(`${DIR}/output_x${c.scale}.f32`);
        const engine = await createEngineFor(w, backend);
        try {
          // Twice in one batch: the batch dimension must not mix planes.
          const both = new Float32Array(input.length * 2);
          both.set(input);
          both.set(input, input.length);
          const out = await engine.run({ data: both, count: 2, width: c.width, height: c.height });
          assert.equal(out.width, c.width * c.scale);
          assert.equal(out.height, c.height * c.scale);
          assert.equal(out.data.length, 2 * expected.length);
          for (
            const half of [
              out.data.subarray(0, expected.length),
              out.data.subarray(expected.length),
            ]
          ) {
            const diff = maxAbsDiff(expected, half);
            assert.ok(diff <= 1e-4, `max abs difference ${diff}`);
          }
        } finally {
          engine.dispose();
        }
      },
    });
  }
}
