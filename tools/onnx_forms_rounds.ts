/**
 * The onnx engine's graph forms side by side, interleaved: every round runs each scale, picture
 * and form in turn (the forms' order rotating from round to round), so that a shared machine's
 * load falls on all of them alike. Prints, per scale and picture, each form's median ms per frame
 * over the rounds with the spread [min–max], and its ratio to the first form, taken round by
 * round (median [min–max]). The shipped weights of each scale are run; a picture's luma is the
 * input (real pictures: the forms' speed does not depend on values, but the reference form's
 * PRelu kernel does).
 *
 *   deno run -A tools/onnx_forms_rounds.ts [--rounds 5] [--reps 3] [--threads N]
 *     [--scales 2,3,4] [--forms blocked,blocked-subpixel,blocked-col2im] PICTURE…
 */
import { parseArgs } from "node:util";
import { lumaPlane } from "../src/eval/color.ts";
import { readImage } from "../src/media/ffmpeg/image.ts";
import { tools } from "../src/media/ffmpeg/resolve.ts";
import { quantile } from "../src/bench/stats.ts";
import { fsrcnnOnnxGraph, type GraphForm } from "../src/net/fsrcnn/onnx_graph.ts";
import { OnnxEngine } from "../src/net/onnx/engine.ts";
import { loadWeights } from "../src/net/weights/file.ts";
import { shippedWeightsFile } from "../src/net/weights/shipped.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    rounds: { type: "string", default: "5" },
    reps: { type: "string", default: "3" },
    threads: { type: "string", default: String(navigator.hardwareConcurrency) },
    scales: { type: "string", default: "2,3,4" },
    forms: { type: "string", default: "blocked,blocked-subpixel,blocked-col2im" },
  },
});
if (positionals.length === 0) {
  console.error("usage: onnx_forms_rounds.ts [options] PICTURE…");
  Deno.exit(2);
}
const rounds = Number(values.rounds), reps = Number(values.reps);
const threads = Number(values.threads);
const scales = values.scales.split(",").map(Number);
const forms = values.forms.split(",") as GraphForm[];

const ffmpeg = await tools();
const pictures = [];
for (const path of positionals) {
  const y = lumaPlane(await readImage(ffmpeg, path));
  pictures.push({
    name: `${y.width}x${y.height}`,
    batch: { data: y.data.map((v) => v / 255), count: 1, width: y.width, height: y.height },
  });
}

/** ms per frame of every round, by "scale|picture|form". */
const samples = new Map<string, number[]>();
const key = (scale: number, picture: string, form: string) => `${scale}|${picture}|${form}`;
for (let round = 0; round < rounds; round++) {
  const order = forms.map((_, i) => forms[(i + round) % forms.length]);
  for (const scale of scales) {
    const weights = await loadWeights(await shippedWeightsFile("paper", scale));
    // One engine per form at a time keeps memory to one session's arena at 1280x720.
    for (const picture of pictures) {
      for (const form of order) {
        const engine = await OnnxEngine.create(weights, fsrcnnOnnxGraph, { form, threads });
        try {
          await engine.run(picture.batch); // the first run plans the graph
          const times = [];
          for (let i = 0; i < reps; i++) {
            const t0 = performance.now();
            await engine.run(picture.batch);
            times.push(performance.now() - t0);
          }
          const k = key(scale, picture.name, form);
          samples.set(k, [...(samples.get(k) ?? []), quantile(times, 0.5)]);
        } finally {
          engine.dispose();
        }
      }
    }
    console.error(`round ${round + 1}/${rounds} x${scale} done`);
  }
}

const f1 = (v: number) => v.toFixed(1), f2 = (v: number) => v.toFixed(2);
const head = [
  "input",
  "×",
  ...forms.map((f) => `${f} ms`),
  ...forms.slice(1).map((f) => `${f} ÷ ${forms[0]}`),
];
console.log(`| ${head.join(" | ")} |`);
console.log(`| ${head.map((_, i) => (i < 2 ? "---" : "---:")).join(" | ")} |`);
for (const scale of scales) {
  for (const picture of pictures) {
    const ms = forms.map((f) => samples.get(key(scale, picture.name, f))!);
    const cells = ms.map((v) =>
      `${f1(quantile(v, 0.5))} [${f1(Math.min(...v))}–${f1(Math.max(...v))}]`
    );
    const ratios = ms.slice(1).map((v) => {
      const r = v.map((x, i) => x / ms[0][i]);
      return `${f2(quantile(r, 0.5))} [${f2(Math.min(...r))}–${f2(Math.max(...r))}]`;
    });
    console.log(`| ${[picture.name, String(scale), ...cells, ...ratios].join(" | ")} |`);
  }
}
console.log(
  `\n${threads} threads, ${rounds} rounds of ${reps} runs (each round's median), ` +
    `${new Date().toISOString()}`,
);
