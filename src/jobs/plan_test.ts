import assert from "node:assert/strict";
import { parsePacketCsv, type VideoPacket } from "../media/ffmpeg/packets.ts";
import { microsBetween, planSegments, seekSeconds } from "./plan.ts";

/** `n` frames at 25 fps in a 1/12800 time base, a keyframe every `gop`, in presentation order. */
function cfr(n: number, gop: number): VideoPacket[] {
  return Array.from(
    { length: n },
    (_, i) => ({ pts: i * 512, key: i % gop === 0, discard: false }),
  );
}

const TB = { num: 1, den: 12800 };

Deno.test("planSegments: cuts at the first keyframe past each target, no short tail", () => {
  // 100 frames (4 s), keyframes every 12 frames (0.48 s), 1 s segments: cuts at 1.44 s and
  // 2.88 s (the keyframe at 3.84 s would leave 0.12 s, less than half a segment).
  const plan = planSegments(cfr(100, 12), TB, 1);
  assert.equal(plan.frames, 100);
  assert.deepEqual(plan.segments, [
    { index: 0, start: null, end: 36 * 512, firstPts: 0, frames: 36 },
    { index: 1, start: 36 * 512, end: 72 * 512, firstPts: 36 * 512, frames: 36 },
    { index: 2, start: 72 * 512, end: null, firstPts: 72 * 512, frames: 28 },
  ]);
  assert.equal(plan.uncuttable, undefined);
});

Deno.test("planSegments: every frame in exactly one segment, whatever the cut", () => {
  for (const [n, gop, seconds] of [[100, 12, 0.5], [250, 7, 1.3], [61, 1, 0.2], [48, 50, 0.1]]) {
    const plan = planSegments(cfr(n, gop), TB, seconds);
    assert.equal(plan.segments.reduce((s, x) => s + x.frames, 0), n);
    plan.segments.forEach((s, i) => {
      assert.equal(s.index, i);
      if (i > 0) {
        assert.equal(s.start, plan.segments[i - 1].end);
        assert.equal((s.start! / 512) % gop, 0, "a cut is at a keyframe");
      }
    });
  }
});

Deno.test("planSegments: short videos and a length of 0 stay one piece", () => {
  // 1.44 s is less than 1.5 segments of 1 s.
  assert.equal(planSegments(cfr(36, 12), TB, 1).segments.length, 1);
  assert.equal(planSegments(cfr(100, 12), TB, 0).segments.length, 1);
  assert.equal(planSegments(cfr(100, 12), TB, 0).uncuttable, undefined);
  // No keyframe after the first: nothing to cut at.
  assert.equal(planSegments(cfr(100, 1000), TB, 1).segments.length, 1);
});

Deno.test("planSegments: B-frames in decode order, and discarded packets, are placed by pts", () => {
  // Decode order I P B B | I P B B …; the demuxer discards one packet (an edit list).
  const packets: VideoPacket[] = [];
  for (let g = 0; g < 10; g++) {
    const base = g * 4;
    for (const k of [0, 3, 1, 2]) {
      packets.push({ pts: (base + k) * 100, key: k === 0, discard: false });
    }
  }
  packets.push({ pts: 4000, key: false, discard: true });
  const plan = planSegments(packets, { num: 1, den: 1000 }, 1);
  assert.equal(plan.frames, 40);
  assert.deepEqual(plan.segments.map((s) => [s.start, s.end, s.frames]), [
    [null, 1200, 12],
    [1200, 2400, 12],
    [2400, null, 16],
  ]);
});

Deno.test("planSegments: timestamps it cannot trust keep the video in one piece, and say why", () => {
  const missing = cfr(100, 12);
  missing[50] = { ...missing[50], pts: null };
  assert.match(planSegments(missing, TB, 1).uncuttable!, /no timestamp/);
  const twice = cfr(100, 12);
  twice[51] = { ...twice[51], pts: twice[50].pts };
  assert.match(planSegments(twice, TB, 1).uncuttable!, /share a timestamp/);
  const late = cfr(100, 12).map((p, i) => ({ ...p, key: i === 12 }));
  assert.match(planSegments(late, TB, 1).uncuttable!, /does not start with a keyframe/);
  assert.equal(planSegments([], TB, 1).frames, 0);
});

Deno.test("microsBetween and seekSeconds: exact microseconds, seeks rounded up", () => {
  assert.equal(microsBetween(0, 18432, TB), 1_440_000);
  // 29.97 fps: 1001/30000 per frame; 3 frames = 100100 µs exactly.
  assert.equal(microsBetween(1001, 4004, { num: 1, den: 30000 }), 100_100);
  // 1/3 s rounds to 333333 µs at each end: the differences add up without drift.
  const third = { num: 1, den: 3 };
  assert.equal(
    microsBetween(0, 1, third) + microsBetween(1, 2, third) + microsBetween(2, 3, third),
    1_000_000,
  );
  assert.equal(seekSeconds(18432, TB), "1.440000");
  assert.equal(seekSeconds(1, third), "0.333334");
  assert.equal(seekSeconds(0, TB), "0.000000");
});

Deno.test("parsePacketCsv: pts and flags, missing timestamps, side-data lines skipped", () => {
  assert.deepEqual(parsePacketCsv("0,K_\n2048,__\nN/A,_D\n\nside_data,foo\n-512,KD\n"), [
    { pts: 0, key: true, discard: false },
    { pts: 2048, key: false, discard: false },
    { pts: null, key: false, discard: true },
    { pts: -512, key: true, discard: true },
  ]);
});

Deno.test("parsePacketCsv: MPEG-TS lines end with an empty field (`133200,K_,`)", () => {
  assert.deepEqual(parsePacketCsv("133200,K_,\n\n147600,__,\n"), [
    { pts: 133200, key: true, discard: false },
    { pts: 147600, key: false, discard: false },
  ]);
});
