import assert from "node:assert/strict";
import { fullToStudio, studioRange, studioToFull } from "./luma_range.ts";

Deno.test("studioRange: black and white codes of the studio range at each depth", () => {
  // [bit depth, black code, white code]
  const table: [number, number, number][] = [[8, 16, 235], [10, 64, 940], [16, 4096, 60160]];
  for (const [depth, blackCode, whiteCode] of table) {
    const max = 2 ** depth - 1;
    const { black, span } = studioRange(depth);
    assert.ok(Math.abs(black * max - blackCode) < 1e-9, `${depth}-bit black`);
    assert.ok(Math.abs((black + span) * max - whiteCode) < 1e-9, `${depth}-bit white`);
  }
  for (const bad of [7, 17, 9.5]) assert.throws(() => studioRange(bad), RangeError);
});

Deno.test("fullToStudio maps full black and white to studio black and white, and back", () => {
  // [full code, studio code] at 8 bits: 0 → 16, 255 → 235, grey halfway between.
  const table: [number, number][] = [[0, 16], [255, 235], [127.5, 125.5], [51, 59.8]];
  for (const [full, studio] of table) {
    const v = Float32Array.of(full / 255);
    fullToStudio(v, 8);
    assert.ok(Math.abs(v[0] * 255 - studio) < 1e-4, `${full} → ${v[0] * 255}, not ${studio}`);
    studioToFull(v, 8);
    assert.ok(Math.abs(v[0] * 255 - full) < 1e-4, `${full} back → ${v[0] * 255}`);
  }
  // Out of range stays out of range, unclamped, on the way back.
  const over = studioToFull(Float32Array.of(1), 8);
  assert.ok(over[0] > 1);
});
