/**
 * Calibrates the automatic choice of weights on real footage: reads reports of
 * `eval --footage … --compare paper,video,video-compressed,video-aliased --json` (each cell holds
 * the statistics the choice measured and every shipped file's score), replays the choice with
 * other thresholds, and prints, for the shipped thresholds and the best ones found, the mean
 * gain over lanczos, the worst cell and the cells below −0.1 dB. Calibrate on reports of the
 * training clips; judge on the validation split's. A cell whose report lacks the statistics takes
 * them from another report of the same clip and degradation (a run without `--compare`).
 *
 *   deno run -A tools/calibrate_footage.ts REPORT.json [REPORT.json …]
 */
import type { FootageCell } from "../src/eval/footage.ts";
import { lrOrigin, ORIGIN_THRESHOLDS, type OriginThresholds } from "../src/net/weights/choice.ts";
import { SHIPPED_WEIGHTS, type ShippedWeightsName } from "../src/net/weights/shipped.ts";

const all: FootageCell[] = [];
for (const path of Deno.args) {
  all.push(...(JSON.parse(await Deno.readTextFile(path)).cells as FootageCell[]));
}
const key = (c: FootageCell) => `${c.clip}\n${c.description}`;
const measured = new Map(all.filter((c) => c.statistics).map((c) => [key(c), c.statistics]));
const cells = all
  .filter((c) => c.compared)
  .map((c) => ({ ...c, statistics: c.statistics ?? measured.get(key(c)) }))
  .filter((c) => c.statistics);
if (cells.length === 0) {
  console.error("usage: calibrate_footage.ts REPORT.json … (reports made with --compare)");
  Deno.exit(2);
}

/** The codec a cell's LR is stored in, as ffprobe names it (what `upscale` sees). */
const codecOf = (c: FootageCell) => c.degradation.codec === "x264" ? "h264" : c.degradation.codec;

/**
 * The file the choice takes for a cell under thresholds `t` (×2: every file shipped), with or
 * without the rule that pictures stored by a lossy codec are never clean.
 */
function chosen(c: FootageCell, t: OriginThresholds, lossy = true): ShippedWeightsName {
  const origin = lrOrigin(c.statistics!, t, lossy ? codecOf(c) : undefined).origin ??
    "compressed-unclear";
  return SHIPPED_WEIGHTS.find((w) =>
    w.chosenFor.includes(origin) && c.compared![w.name] !== undefined
  )!
    .name;
}

function score(t: OriginThresholds, lossy = true) {
  const gains = cells.map((c) => c.compared![chosen(c, t, lossy)]! - c.psnr.lanczos);
  return {
    mean: gains.reduce((a, b) => a + b, 0) / gains.length,
    worst: Math.min(...gains),
    below: gains.filter((g) => g < -0.1).length,
  };
}

const line = (what: string, t: OriginThresholds, lossy = true) => {
  const s = score(t, lossy);
  console.log(
    `${what}: aliasing ${t.aliasing.toFixed(2)}, unclear ${t.unclearAliasing.toFixed(2)}, ` +
      `blocking ${t.blocking.toFixed(2)}: mean ${s.mean.toFixed(3)} dB, worst ${
        s.worst.toFixed(2)
      }, ${s.below} of ${cells.length} cells below -0.1`,
  );
};

line("statistics alone (without the lossy-codec rule)", ORIGIN_THRESHOLDS, false);
line("shipped (a lossy codec is never clean)", ORIGIN_THRESHOLDS);
let best = { t: ORIGIN_THRESHOLDS as OriginThresholds, key: -Infinity };
for (let aliasing = 0.6; aliasing <= 1.2; aliasing += 0.01) {
  for (let unclear = 0.5; unclear <= aliasing + 1e-9; unclear += 0.01) {
    // The blocking threshold parts clean from compressed pictures, and footage has no clean
    // ones: it stays where the stills' calibration put it (tools/calibrate_choice.ts).
    {
      const t = { ...ORIGIN_THRESHOLDS, aliasing, unclearAliasing: unclear };
      const s = score(t);
      // A wrong choice costs more than a right one gains: the worst cell first, then the mean.
      const key = Math.min(s.worst, -0.1) * 10 + s.mean;
      if (key > best.key + 1e-9) best = { t, key };
    }
  }
}
line("best aliasing cuts on these cells", best.t);
for (const name of SHIPPED_WEIGHTS.map((w) => w.name)) {
  const gains = cells.map((c) => (c.compared![name] ?? NaN) - c.psnr.lanczos);
  console.log(
    `always ${name}: mean ${(gains.reduce((a, b) => a + b, 0) / gains.length).toFixed(3)} dB, ` +
      `worst ${Math.min(...gains).toFixed(2)}`,
  );
}
