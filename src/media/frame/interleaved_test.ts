import assert from "node:assert/strict";
import { pickChannels, putChannels } from "./interleaved.ts";

const rgba = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);

Deno.test("pickChannels: colour, alpha and single channels of interleaved pixels", () => {
  const cases: Array<[number, number, number, number[]]> = [
    [4, 0, 3, [1, 2, 3, 5, 6, 7]],
    [4, 3, 1, [4, 8]],
    [4, 1, 2, [2, 3, 6, 7]],
    [2, 0, 1, [1, 3, 5, 7]],
    [2, 1, 1, [2, 4, 6, 8]],
    [1, 0, 1, [1, 2, 3, 4, 5, 6, 7, 8]],
  ];
  for (const [channels, first, count, want] of cases) {
    const got = pickChannels(rgba, channels, first, count);
    assert.ok(got instanceof Uint8Array);
    assert.deepEqual([...got], want, `${channels} channels, ${first}+${count}`);
  }
  const deep = pickChannels(Uint16Array.from([1000, 2000, 65535, 3]), 2, 0);
  assert.ok(deep instanceof Uint16Array);
  assert.deepEqual([...deep], [1000, 65535]);
});

Deno.test("putChannels undoes pickChannels", () => {
  // Each case splits the pixels into channel ranges that cover them.
  const cases: Array<[number, Array<[number, number]>]> = [
    [4, [[0, 3], [3, 1]]],
    [2, [[0, 1], [1, 1]]],
    [1, [[0, 1]]],
  ];
  for (const [channels, ranges] of cases) {
    const out = new Uint8Array(rgba.length);
    for (const [first, count] of ranges) {
      putChannels(out, channels, first, pickChannels(rgba, channels, first, count), count);
    }
    assert.deepEqual(out, rgba, `${channels} channels`);
  }
  const out = new Uint16Array(4);
  putChannels(out, 2, 1, Uint16Array.from([7, 65535]));
  assert.deepEqual([...out], [0, 7, 0, 65535]);
});

Deno.test("channel ranges and sizes are checked", () => {
  assert.throws(() => pickChannels(rgba, 3, 0), /not whole pixels/);
  assert.throws(() => pickChannels(rgba, 4, 3, 2), /channels 3\.\.4 of 4/);
  assert.throws(() => pickChannels(rgba, 4, -1), /not a channel range/);
  assert.throws(() => putChannels(new Uint8Array(8), 4, 0, new Uint8Array(5), 3), /5 samples/);
});
