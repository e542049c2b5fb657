import assert from "node:assert/strict";
import { concatList, encoderTimeBase, movTimescale, segmentOffsets } from "./join.ts";

const segs = (firsts: number[]) =>
  firsts.map((firstPts, index) => ({ index, start: null, end: null, firstPts, frames: 1 }));

Deno.test("encoderTimeBase: 1/fps for constant rate (or without -enc_time_base), else the source's", () => {
  const cfr = {
    frameRate: { num: 30000, den: 1001 },
    avgFrameRate: { num: 30000, den: 1001 },
    timeBase: { num: 1, den: 1000 },
  };
  const vfr = { ...cfr, avgFrameRate: { num: 2997, den: 125 } };
  assert.deepEqual(encoderTimeBase(cfr, { encTimeBase: "demux" }), { num: 1001, den: 30000 });
  assert.deepEqual(encoderTimeBase(vfr, { encTimeBase: "demux" }), { num: 1, den: 1000 });
  assert.deepEqual(encoderTimeBase(vfr, { encTimeBase: null }), { num: 1001, den: 30000 });
});

Deno.test("segmentOffsets: segments start on the one-piece run's grid, not on rounded source times", () => {
  // 29.97 fps in Matroska milliseconds: frame 44 is stored at 1468 ms, 1468.13 ms on the grid.
  const item = { segments: segs([0, 1468, 2936]), timeBase: { num: 1, den: 1000 } };
  assert.deepEqual(segmentOffsets(item, { num: 1001, den: 30000 }), [0, 44, 88]);
  // ffmpeg 4.1's Matroska: first frame at 0, the rest 21 ms late: the grid rounds them up.
  const late = { segments: segs([0, 1461, 2901]), timeBase: { num: 1, den: 1000 } };
  assert.deepEqual(segmentOffsets(late, { num: 1, den: 25 }), [0, 37, 73]);
  assert.equal(
    concatList(late, { num: 1, den: 25 }),
    "ffconcat version 1.0\nfile seg-00000.nut\nduration 1.480000\n" +
      "file seg-00001.nut\nduration 1.440000\nfile seg-00002.nut\n",
  );
  // Spans that are not whole microseconds: the durations add up to the grid, without drift.
  const ntsc = { segments: segs([0, 3003, 6006, 9009]), timeBase: { num: 1, den: 90000 } };
  const list = concatList(ntsc, { num: 1001, den: 30000 });
  const us = [...list.matchAll(/duration (\d+)\.(\d+)/g)].map((m) =>
    Number(m[1]) * 1e6 + Number(m[2])
  );
  assert.deepEqual(us, [33367, 33366, 33367]);
  assert.equal(us.reduce((a, b) => a + b), 100100);
});

Deno.test("movTimescale: the encoder's denominator doubled up to 10000, as the mov muxer does", () => {
  assert.equal(movTimescale({ num: 1, den: 25 }), 12800);
  assert.equal(movTimescale({ num: 1001, den: 30000 }), 30000);
  assert.equal(movTimescale({ num: 1, den: 24 }), 12288);
  assert.equal(movTimescale({ num: 1, den: 90000 }), 90000);
});
