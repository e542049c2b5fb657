/**
 * Calibrates the automatic choice of weights (src/net/weights/choice.ts) on training images
 * only: the images held out of the video weights' training (their `validation_data`
 * metadata), degraded the suite's ways (src/eval/degradations.ts) with x264 at CRF 18, 23 and
 * 28 and without a codec. For each degraded image it records the statistics of its LR luma
 * (as a picture holds it, 8-bit) and the Y-PSNR of every weights file shipped for the scale (×2
 * unless `--scale` says otherwise), then prints
 * per degradation the statistics' spread and each weights' mean score, which weights win each
 * origin, thresholds that part the origins, and how often they are wrong.
 *
 *   deno run -A tools/calibrate_choice.ts [--scale 2|3|4] [--json records.json] [--threads N]
 *
 * A test set (Set5, Set14, …) is refused: the choice must never be tuned on one.
 */
import { degradeLuma } from "../src/eval/degradations/degrade_luma.ts";
import { DEFAULT_DEGRADATIONS } from "../src/eval/degradations/suite.ts";
import { hrFrame } from "../src/eval/hr_frame.ts";
import { imageName, listImages } from "../src/eval/dataset.ts";
import { modelMethod } from "../src/eval/model_method.ts";
import { scoreLuma } from "../src/eval/protocol.ts";
import { readImage } from "../src/media/ffmpeg/image.ts";
import { tools as resolveTools } from "../src/media/ffmpeg/resolve.ts";
import { type LrStatistics, lrStatistics } from "../src/net/weights/lr_statistics.ts";
import { checkScale } from "../src/net/arch.ts";
import { createEngine } from "../src/net/create.ts";
import { TiledUpscaler } from "../src/net/tiling/tiled.ts";
import { loadWeights } from "../src/net/weights/file.ts";
import { shippedWeightsFor } from "../src/net/weights/shipped.ts";
import { chooseWeights, lrOrigin, ORIGIN_THRESHOLDS } from "../src/net/weights/choice.ts";
import {
  type LrOrigin,
  shippedWeightsFile,
  type ShippedWeightsName,
} from "../src/net/weights/shipped.ts";
import { isTestSet } from "../src/eval/holdout.ts";

const CODECS: (number | undefined)[] = [undefined, 18, 23, 28];

const args = Deno.args;
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};
const jsonOut = flag("--json");
const threads = Number(flag("--threads") ?? 1);
// The project's own scale check: --scale 5 or x is refused, not run as NaN.
const SCALE = checkScale(Number(flag("--scale") ?? 2));

/** One degraded LR image: how it was made, its statistics, and each weights' Y-PSNR. */
interface CalibrationRecord {
  image: string;
  degradation: string;
  crf: number | null;
  /** The origin it has by construction. */
  truth: LrOrigin;
  statistics: LrStatistics;
  psnr: Partial<Record<ShippedWeightsName, number>>;
}

/** The origin of an LR image by how it was made. */
function truthOf(degradation: string, crf: number | undefined): LrOrigin {
  if (degradation === "neighbor") return "aliased";
  return crf === undefined ? "clean" : "compressed";
}

/** The held-out images named in the video weights' metadata, as paths. */
async function heldOutImages(): Promise<string[]> {
  const w = await loadWeights(await shippedWeightsFile("video", SCALE), SCALE);
  const text = w.metadata.validation_data ?? "";
  const match = text.match(/held out of the training data: ([^;]+)/);
  if (!match) throw new Error("the video weights' metadata names no held-out images");
  const paths: string[] = [];
  for (const entry of match[1].split(",").map((s) => s.trim())) {
    const dir = entry.slice(0, entry.lastIndexOf("/"));
    const name = entry.slice(entry.lastIndexOf("/") + 1);
    if (isTestSet(dir)) throw new Error(`${dir} is a test set: refusing to calibrate on it`);
    const file = (await listImages(dir)).find((p) => imageName(p) === name);
    if (!file) throw new Error(`${entry}: no such image`);
    paths.push(file);
  }
  return paths;
}

const tools = await resolveTools();
const shipped = await shippedWeightsFor(SCALE);
const methods = new Map<ShippedWeightsName, ReturnType<typeof modelMethod>>();
for (const name of shipped) {
  const engine = await createEngine(
    await loadWeights(await shippedWeightsFile(name, SCALE), SCALE),
    {
      backend: "onnx",
      threads,
    },
  );
  methods.set(name, modelMethod(new TiledUpscaler(engine)));
}

const records: CalibrationRecord[] = [];
const images = await heldOutImages();
for (const path of images) {
  const image = await readImage(tools, path);
  const frame = hrFrame(image, SCALE);
  const hrY = { width: frame.width, height: frame.height, data: Float32Array.from(frame.y) };
  for (const crf of CODECS) {
    const degradations = crf === undefined
      ? DEFAULT_DEGRADATIONS
      : DEFAULT_DEGRADATIONS.filter((d) => d !== "matlab");
    const lrs = await degradeLuma(tools, frame, degradations, SCALE, crf);
    for (const [k, lrY] of lrs.entries()) {
      const codes = Uint8Array.from(lrY.data, (v) => Math.min(255, Math.max(0, Math.round(v))));
      const psnr: CalibrationRecord["psnr"] = {};
      for (const [name, method] of methods) {
        psnr[name] = scoreLuma(await method({ lrY, scale: SCALE }), hrY, SCALE).psnr;
      }
      records.push({
        image: imageName(path),
        degradation: degradations[k],
        crf: crf ?? null,
        truth: truthOf(degradations[k], crf),
        statistics: lrStatistics([{ data: codes, width: lrY.width, height: lrY.height }], 255),
        psnr,
      });
    }
  }
  console.error(`${imageName(path)} done`);
}
if (jsonOut) await Deno.writeTextFile(jsonOut, JSON.stringify(records, null, 1));

// The report.
const groups = new Map<string, CalibrationRecord[]>();
for (const r of records) {
  const key = `${r.degradation} ${r.crf === null ? "no codec" : `CRF ${r.crf}`}`;
  groups.set(key, [...(groups.get(key) ?? []), r]);
}
const quantiles = (values: number[]) => {
  const v = [...values].sort((a, b) => a - b);
  const q = (f: number) => v[Math.min(v.length - 1, Math.round(f * (v.length - 1)))];
  return `${q(0).toFixed(2)} / ${q(0.5).toFixed(2)} / ${q(1).toFixed(2)}`;
};
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const names = [...methods.keys()];
console.log(
  `| LR made by | origin | aliasing min / median / max | blocking min / median / max | ${
    names.map((n) => `${n} dB`).join(" | ")
  } | chosen as |`,
);
console.log(`| --- | --- | --- | --- | ${names.map(() => "---").join(" | ")} | --- |`);
for (const [key, rs] of groups) {
  const verdicts = rs.map((r) => lrOrigin(r.statistics).origin ?? "none");
  const counts = [...new Set(verdicts)].map((o) =>
    `${o} ${verdicts.filter((v) => v === o).length}`
  );
  console.log(
    `| ${key} | ${rs[0].truth} | ${quantiles(rs.map((r) => r.statistics.aliasing))} | ${
      quantiles(rs.map((r) => r.statistics.blocking))
    } | ${names.map((n) => mean(rs.map((r) => r.psnr[n]!)).toFixed(2)).join(" | ")} | ${
      counts.join(", ")
    } |`,
  );
}
// Which weights win each origin, on the mean over its degraded images.
for (const origin of ["clean", "compressed", "aliased"] as LrOrigin[]) {
  const rs = records.filter((r) => r.truth === origin);
  const scores = names.map((n) => `${n} ${mean(rs.map((r) => r.psnr[n]!)).toFixed(3)}`);
  console.log(`${origin} (${rs.length} LR images): ${scores.join(", ")} dB`);
}

/**
 * The threshold that parts `positive` values (at or above it) from `negative` ones (below)
 * with the fewest errors: the middle of the widest gap among the best cuts.
 */
function bestThreshold(positive: number[], negative: number[]): { at: number; errors: number } {
  const values = [...new Set([...positive, ...negative])].sort((a, b) => a - b);
  const cuts = values.slice(1).map((v, i) => (v + values[i]) / 2);
  let best = { at: NaN, errors: Infinity, gap: 0 };
  for (const [i, at] of cuts.entries()) {
    const errors = positive.filter((v) => v < at).length + negative.filter((v) => v >= at).length;
    const gap = values[i + 1] - values[i];
    if (errors < best.errors || (errors === best.errors && gap > best.gap)) {
      best = { at, errors, gap };
    }
  }
  return { at: best.at, errors: best.errors };
}
const aliasingCut = bestThreshold(
  records.filter((r) => r.truth === "aliased").map((r) => r.statistics.aliasing),
  records.filter((r) => r.truth !== "aliased").map((r) => r.statistics.aliasing),
);
const blockingCut = bestThreshold(
  records.filter((r) => r.crf !== null).map((r) => r.statistics.blocking),
  records.filter((r) => r.crf === null).map((r) => r.statistics.blocking),
);
console.log(
  `fewest errors: aliasing at ${aliasingCut.at.toFixed(3)} (${aliasingCut.errors} of ` +
    `${records.length} wrong about nearest-neighbour scaling), blocking at ` +
    `${blockingCut.at.toFixed(3)} (${blockingCut.errors} wrong about a codec)`,
);
// What the choice costs against the best weights for each image, and against no choice.
const best = (r: CalibrationRecord) => Math.max(...names.map((n) => r.psnr[n]!));
const auto = (r: CalibrationRecord) => r.psnr[chooseWeights(r.statistics, SCALE, shipped).name!]!;
for (const origin of ["clean", "compressed", "aliased", null] as (LrOrigin | null)[]) {
  const rs = records.filter((r) => origin === null || r.truth === origin);
  const line = [
    `auto ${mean(rs.map(auto)).toFixed(3)}`,
    ...names.map((n) => `always ${n} ${mean(rs.map((r) => r.psnr[n]!)).toFixed(3)}`),
    `best per image ${mean(rs.map(best)).toFixed(3)}`,
  ];
  console.log(`${origin ?? "all"} (${rs.length}): ${line.join(", ")} dB`);
}
// The weights each origin should get: the best on the mean over its LR images (ties: each).
const originMean = (origin: LrOrigin, n: ShippedWeightsName) =>
  mean(records.filter((r) => r.truth === origin).map((r) => r.psnr[n]!));
const winners = (origin: LrOrigin) => {
  const top = Math.max(...names.map((n) => originMean(origin, n)));
  return names.filter((n) => originMean(origin, n) === top);
};
const otherWeights = records.filter((r) =>
  !winners(r.truth).includes(chooseWeights(r.statistics, SCALE, shipped).name!)
);
const listed = otherWeights.slice(0, 12).map((r) =>
  `${r.image} ${r.degradation} ${r.crf ?? "none"}`
);
console.log(
  `${otherWeights.length} of ${records.length} LR images ` +
    `(${(100 * otherWeights.length / records.length).toFixed(1)}%) get other weights than ` +
    `their origin's best (${
      (["clean", "compressed", "aliased"] as LrOrigin[]).map((o) => `${o}: ${winners(o).join("/")}`)
        .join(", ")
    }): ${listed.join("; ")}${otherWeights.length > listed.length ? "; …" : ""}`,
);
// "Scaler unclear" is right for any LR that went through the codec (either scaler).
const readsAs = (r: CalibrationRecord) => lrOrigin(r.statistics).origin;
const wrong = records.filter((r) =>
  readsAs(r) !== r.truth && !(readsAs(r) === "unclear" && r.crf !== null)
);
console.log(
  `thresholds ${JSON.stringify(ORIGIN_THRESHOLDS)}: ${wrong.length} of ${records.length} ` +
    `LR images (${(100 * wrong.length / records.length).toFixed(1)}%) get another origin than ` +
    "the one they were made with",
);
