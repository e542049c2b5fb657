/**
 * The forms of the FSRCNN graph on onnxruntime, per scale: the reference's layer-by-layer form
 * (PRelu, ConvTranspose), the same with a sub-pixel last layer, and the blocked forms (with a
 * ConvTranspose, sub-pixel or Col2Im tail). For comparisons between forms on a shared machine,
 * tools/onnx_forms_rounds.ts interleaves them (what chose the OnnxEngine default; results in
 * docs/benchmarks.md).
 *
 *   deno bench -A src/bench/onnx_forms_bench.ts
 *
 * Environment (optional): FSRCNN_BENCH_IMAGE, a picture whose luma is the input (the reference
 * form's PRelu kernel branches on each value's sign, so its speed depends on the picture: random
 * noise is its worst case, a flat plane its best); else FSRCNN_BENCH_SIZE, the size of a smooth
 * pattern with noise (default 480x270). FSRCNN_BENCH_THREADS, onnxruntime's threads (default:
 * every core). The shipped weights of each scale are run.
 */
import { lumaPlane } from "../eval/color.ts";
import { readImage } from "../media/ffmpeg/image.ts";
import { tools } from "../media/ffmpeg/resolve.ts";
import { OnnxEngine } from "../net/onnx/engine.ts";
import { fsrcnnOnnxGraph } from "../net/fsrcnn/onnx_graph.ts";
import { Rng } from "../core/random.ts";
import { loadWeights } from "../net/weights/file.ts";
import { shippedWeightsFile } from "../net/weights/shipped.ts";

const threads = Number(Deno.env.get("FSRCNN_BENCH_THREADS") ?? navigator.hardwareConcurrency);
const batch = await benchInput();

async function benchInput() {
  const image = Deno.env.get("FSRCNN_BENCH_IMAGE");
  if (image) {
    const y = lumaPlane(await readImage(await tools(), image));
    return { data: y.data.map((v) => v / 255), count: 1, width: y.width, height: y.height };
  }
  const [width, height] = (Deno.env.get("FSRCNN_BENCH_SIZE") ?? "480x270").split("x").map(Number);
  const rng = new Rng(1);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data[y * width + x] = 0.5 + 0.3 * Math.sin(x / 17) * Math.cos(y / 11) +
        0.15 * (rng.uniform() - 0.5);
    }
  }
  return { data, count: 1, width, height };
}
const { width, height } = batch;

for (const scale of [2, 3, 4]) {
  // The shipped weights: trained slopes and activations decide how often PRelu mispredicts.
  const weights = await loadWeights(await shippedWeightsFile("paper", scale));
  const forms = [
    "transposed",
    "subpixel",
    "blocked",
    "blocked-subpixel",
    "blocked-col2im",
  ] as const;
  for (const form of forms) {
    const engine = await OnnxEngine.create(weights, fsrcnnOnnxGraph, { form, threads });
    await engine.run(batch); // warm-up: the first run plans the graph
    Deno.bench(
      `x${scale} ${form} ${width}x${height}, ${threads} threads`,
      { group: `x${scale}`, baseline: form === "transposed" },
      async () => {
        await engine.run(batch);
      },
    );
  }
}
