import assert from "node:assert/strict";
import { opusPreSkip, videoStart } from "./start.ts";

Deno.test("opusPreSkip reads an OpusHead's pre-skip from ffprobe's hexdump", () => {
  const cases: [string, number | null][] = [
    [
      "\n00000000: 4f70 7573 4865 6164 0101 3801 80bb 0000  OpusHead..8.....\n" +
      "00000010: 0000 00                                  ...\n",
      312,
    ],
    ["00000000: 4f70 7573 4865 6164 0102 0000 80bb 0000  OpusHead........\n", 0],
    ["00000000: 4f70 7573 4865 6164 01                  OpusHead.\n", null],
    ["00000000: 0102 0304 0506 0708 0910 1112 1314 1516  ................\n", null],
    ["", null],
  ];
  for (const [dump, want] of cases) assert.equal(opusPreSkip(dump), want, dump);
});

Deno.test("videoStart: the first frame less the source's start and the Opus delay", () => {
  const cases: [number, number | undefined, number, number][] = [
    [0.5, 0, 0, 0.5],
    [1.421, 1.4, 0, 0.021],
    [0.007, -0.007, 0.007, 0.007],
    [0, 0, 0.007, -0.007],
    [2, undefined, 0, 2],
  ];
  for (const [first, start, delay, want] of cases) {
    assert.ok(Math.abs(videoStart(first, { start }, delay) - want) < 1e-9, `${first} ${start}`);
  }
});
