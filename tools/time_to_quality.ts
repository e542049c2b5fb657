/**
 * One run of a training recipe for the time-to-quality comparison (docs/training.md): trains
 * from the given settings for a fixed wall-clock budget and appends, after every validation,
 * one JSON line {label, seconds, step, psnr} to --log. Run two at a time, one per core
 * (`--threads 1`), so that recipes compare on the same machine at the same moment.
 *
 *   deno run -A tools/time_to_quality.ts --label old --minutes 12 --steps 10000 \
 *     --log .train/ttq/runs.jsonl [--init bicubic] [--lr 1e-3] [--last-lr 1e-4] [--batch 64] \
 *     [--patch 24] [--scale 2] [--validate-every 500]
 */
import { parseArgs } from "node:util";
import { train } from "../src/train/mod.ts";
import type { TrainInit } from "../src/train/trainer.ts";

const { values: a } = parseArgs({
  options: {
    label: { type: "string" },
    minutes: { type: "string" },
    steps: { type: "string" },
    log: { type: "string" },
    init: { type: "string", default: "reference" },
    lr: { type: "string", default: "1e-3" },
    "last-lr": { type: "string", default: "1e-4" },
    batch: { type: "string", default: "64" },
    patch: { type: "string", default: "24" },
    scale: { type: "string", default: "2" },
    "validate-every": { type: "string", default: "500" },
    data: { type: "string", default: "../shared/datasets/T91,../shared/datasets/BSDS200" },
  },
});
if (!a.label || !a.minutes || !a.steps || !a.log) {
  console.error("time_to_quality: --label, --minutes, --steps and --log are required");
  Deno.exit(2);
}
const dir = `.train/ttq`;
await Deno.mkdir(dir, { recursive: true });
const out = `${dir}/${a.label}.safetensors`;
await Deno.remove(out).catch(() => {});
const settings = {
  init: a.init as TrainInit,
  lr: Number(a.lr),
  lastLr: Number(a["last-lr"]),
  batch: Number(a.batch),
  patch: Number(a.patch),
  steps: Number(a.steps),
  validateEvery: Number(a["validate-every"]),
};
const log = await Deno.open(a.log, { append: true, create: true });
const writes: Promise<number>[] = [];
const write = (o: unknown) => {
  writes.push(log.write(new TextEncoder().encode(JSON.stringify(o) + "\n")));
};
write({ label: a.label, settings, scale: Number(a.scale), minutes: Number(a.minutes) });
const progress = await train({
  scale: Number(a.scale),
  data: a.data.split(","),
  out,
  checkpoint: `${dir}/${a.label}.ckpt.safetensors`,
  threads: 1,
  maxMinutes: Number(a.minutes),
  checkpointMinutes: 1000,
  ...settings,
  onReport: (r) => {
    if (r.event === "validation") {
      write({ label: a.label, seconds: r.seconds, step: r.step, psnr: r.psnr });
      console.error(
        `${a.label}: ${r.seconds.toFixed(0)} s step ${r.step} ${r.psnr?.toFixed(3)} dB`,
      );
    }
  },
});
console.error(`${a.label}: best ${progress.bestPsnr.toFixed(3)} dB at step ${progress.bestStep}`);
await Promise.all(writes);
log.close();
