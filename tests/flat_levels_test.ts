/**
 * Flat pictures keep their level: every shipped weights file, given a flat plane at any code of
 * the studio range it was trained on (16..235, where the pipeline puts full-range pictures
 * too), gives back a flat plane at that code; the video weights, which also see limited-range
 * video's excursions below black and above white as they are, do so over every code 0..255.
 * Video is full of such areas (black bars, fades, titles, animation); the video weights trained
 * on photographs alone had lifted black by up to 27 codes and dimmed white by 4
 * (docs/quality.md), where any interpolation keeps them exactly.
 */
import assert from "node:assert/strict";
import { createEngine } from "../src/net/create.ts";
import { TiledUpscaler } from "../src/net/tiling/tiled.ts";
import { loadWeights } from "../src/net/weights/file.ts";
import { shippedWeightsFor } from "../src/net/weights/shipped.ts";
import { shippedWeightsFile } from "../src/net/weights/shipped.ts";

/**
 * Largest difference allowed, in 8-bit codes, between a flat input and its output: every file
 * is within 0.7 of every level but the ×4 video weights at 255, a limited-range video's
 * super-white (−1.14 when shipped; the files before were off by up to 27).
 */
const TOLERANCE = 1.25;

/** The output level of a flat plane at each code 0..255 (its centre pixel, 8-bit units). */
async function flatResponse(upscaler: TiledUpscaler): Promise<number[]> {
  const side = 2 * upscaler.context + 8;
  const planes = Array.from({ length: 256 }, (_, code) => ({
    data: new Float32Array(side * side).fill(code / 255),
    width: side,
    height: side,
  }));
  const outs = await upscaler.upscale(planes);
  return outs.map((o) => o.data[(o.height >> 1) * o.width + (o.width >> 1)] * 255);
}

for (const scale of [2, 3, 4]) {
  Deno.test(`every shipped x${scale} weights file keeps flat pictures at their level`, async () => {
    const worst: string[] = [];
    for (const name of await shippedWeightsFor(scale)) {
      const weights = await loadWeights(await shippedWeightsFile(name, scale), scale);
      const engine = await createEngine(weights, { backend: "onnx", threads: 1 });
      try {
        const levels = await flatResponse(new TiledUpscaler(engine));
        const [lo, hi] = name === "paper" ? [16, 235] : [0, 255];
        let code = lo;
        for (let c = lo; c <= hi; c++) {
          if (Math.abs(levels[c] - c) > Math.abs(levels[code] - code)) code = c;
        }
        const error = levels[code] - code;
        if (Math.abs(error) > TOLERANCE) {
          worst.push(`${name}: code ${code} comes out ${error > 0 ? "+" : ""}${error.toFixed(2)}`);
        }
      } finally {
        engine.dispose();
      }
    }
    assert.deepEqual(worst, [], `flat levels off by more than ${TOLERANCE}: ${worst.join("; ")}`);
  });
}
