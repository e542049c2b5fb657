import assert from "node:assert/strict";
import { progressLine, splitArgs } from "./commands/upscale.ts";

Deno.test("--encoder-args splits into separate arguments, quotes grouping", () => {
  assert.deepEqual(splitArgs("-tune film  -x264-params keyint=60"), [
    "-tune",
    "film",
    "-x264-params",
    "keyint=60",
  ]);
  assert.deepEqual(splitArgs(`-metadata "title=My film" -vf 'scale=1:2'`), [
    "-metadata",
    "title=My film",
    "-vf",
    "scale=1:2",
  ]);
  assert.deepEqual(splitArgs(`a "b \\" c"`), ["a", 'b " c']);
  assert.deepEqual(splitArgs("   "), []);
});

Deno.test("progress line shows frames, percentage, fps and ETA", () => {
  assert.equal(
    progressLine({ frames: 50, total: 200, seconds: 10, fps: 5, eta: 30 }),
    "frame 50/200 (25%) 5.0 fps 0:10 ETA 0:30",
  );
  assert.equal(progressLine({ frames: 7, seconds: 3725, fps: 0.0019 }), "frame 7 0.0 fps 1:02:05");
});
