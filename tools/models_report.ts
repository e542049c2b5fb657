/**
 * Scores the shipped weights with the eval protocol and prints the table and provenance for
 * models/README.md:
 *
 *   deno run -A tools/models_report.ts [models/fsrcnn_x2.safetensors …]
 */
import { evaluate } from "../src/eval/run.ts";
import { loadWeights } from "../src/net/weights/file.ts";

const files = Deno.args.length > 0
  ? Deno.args
  : [2, 3, 4].map((s) => `models/fsrcnn_x${s}.safetensors`);
const sets = ["../shared/datasets/Set5", "../shared/datasets/Set14"];
/** The FSRCNN paper's Set5 / Set14 PSNR (Dong et al., ECCV 2016, Table 3) per network and scale. */
const paper: Record<string, Record<number, [number, number]>> = {
  "fsrcnn": { 2: [37.0, 32.63], 3: [33.16, 29.43], 4: [30.71, 27.59] },
  "fsrcnn-s": { 2: [36.57, 32.28] },
};
const bicubic: Record<number, [number, number]> = {
  2: [33.66, 30.23],
  3: [30.39, 27.54],
  4: [28.42, 26.0],
};
console.log(
  "| file | scale | Set5 PSNR / SSIM | Set14 PSNR / SSIM | paper (Set5 / Set14) | bicubic | steps | patches | training time |",
);
console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
for (const file of files) {
  try {
    await Deno.stat(file);
  } catch {
    continue;
  }
  const w = await loadWeights(file);
  const s = w.config.scale;
  const scores = [];
  for (const data of sets) {
    const r = await evaluate({ weights: file, data, backend: "onnx" });
    scores.push(`${r.meanPsnr.toFixed(2)} / ${r.meanSsim.toFixed(4)}`);
  }
  const m = w.metadata;
  const hours = (Number(m.train_seconds ?? 0) / 3600).toFixed(1);
  console.log(
    `| ${file.split("/").pop()} | ×${s} | ${scores[0]} | ${scores[1]} | ${
      paper[w.network]?.[s]?.map((v) => v.toFixed(2)).join(" / ") ?? "–"
    } | ` +
      `${bicubic[s].map((v) => v.toFixed(2)).join(" / ")} | ${m.train_steps ?? "?"} | ${
        m.train_patches ?? "?"
      } | ${hours} h |`,
  );
}
