/**
 * Writes the inputs of the golden test fixtures: random FSRCNN weights (with non-trivial
 * PReLU slopes and biases, unlike a fresh initialisation) and a random LR plane per scale.
 * `fixtures/golden/make.sh` then runs the PyTorch reference on them.
 *
 *   deno run -A tools/make_golden_inputs.ts fixtures/golden
 */
import { fsrcnnConfig } from "../src/net/fsrcnn/config.ts";
import { type FsrcnnWeights, initWeights, saveWeights } from "../src/net/weights/file.ts";
import { Rng } from "../src/core/random.ts";

export const GOLDEN_CASES = [
  { scale: 2, d: 56, s: 12, m: 4, width: 17, height: 13, dtype: "F16" },
  { scale: 3, d: 24, s: 8, m: 2, width: 15, height: 11, dtype: "F32" },
  { scale: 4, d: 16, s: 6, m: 3, width: 13, height: 9, dtype: "F32" },
] as const;

/**
 * Gives `w` random PReLU slopes (some negative), biases and last layer from `rng`, in place:
 * unlike a fresh initialisation, every layer then matters to the output. Returns `w`.
 */
export function randomizeWeights(w: FsrcnnWeights, rng: Rng): FsrcnnWeights {
  for (const [name, v] of w.params) {
    const isSlope = /^NN1\.\d*[13579]\.weight$/.test(name);
    for (let i = 0; i < v.length; i++) {
      if (isSlope) v[i] = rng.uniform() * 0.6 - 0.1;
      else if (name.endsWith("bias")) v[i] = (rng.uniform() - 0.5) * 0.2;
      else if (name === "NN2.weight") v[i] = rng.normal() * 0.05;
    }
  }
  return w;
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? "fixtures/golden";
  for (const c of GOLDEN_CASES) {
    const rng = new Rng(1000 + c.scale);
    const w = randomizeWeights(
      initWeights(fsrcnnConfig(c.scale, { d: c.d, s: c.s, m: c.m }), c.scale),
      rng,
    );
    w.metadata.note = "random weights for the golden test; not a trained model";
    await saveWeights(`${dir}/weights_x${c.scale}.safetensors`, w, c.dtype);
    const plane = new Float32Array(c.width * c.height).map(() => rng.uniform());
    await Deno.writeFile(`${dir}/input_x${c.scale}.f32`, new Uint8Array(plane.buffer));
  }
}
