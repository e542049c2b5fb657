import assert from "node:assert/strict";
import { idetParity, parseIdet } from "./interlace.ts";

Deno.test("idetParity: one field order throughout is interlaced; mixed or few woven is not", () => {
  const table: Array<[string, [number, number, number, number], string | null]> = [
    // tff, bff, progressive, undetermined (idet's multi-frame counts on 60 pictures)
    ["x264 TFF", [60, 0, 0, 0], "tff"],
    ["x264 BFF", [0, 60, 0, 0], "bff"],
    ["interlaced with still parts", [20, 0, 5, 35], "tff"],
    ["camera footage", [0, 0, 61, 0], null],
    ["a still", [0, 0, 0, 61], null],
    ["woven a fifth of the time", [12, 0, 0, 49], null],
    ["more progressive than woven", [20, 0, 30, 10], null],
    ["testsrc2 96x64: both orders", [35, 26, 0, 0], null],
    ["testsrc2 320x240: 77% one order", [41, 12, 8, 0], null],
    ["four in five agree", [48, 12, 0, 0], "tff"],
  ];
  for (const [what, [tff, bff, progressive, undetermined], want] of table) {
    assert.equal(idetParity({ tff, bff, progressive, undetermined }), want, what);
  }
});

Deno.test("parseIdet reads the multi-frame counts of ffmpeg's log", () => {
  const log = "[Parsed_idet_0 @ 0x1] Single frame detection: TFF:    28 BFF:    21 " +
    "Progressive:     0 Undetermined:    12\n[Parsed_idet_0 @ 0x1] Multi frame detection: " +
    "TFF:    35 BFF:    26 Progressive:     0 Undetermined:     0\n";
  assert.deepEqual(parseIdet(log), { tff: 35, bff: 26, progressive: 0, undetermined: 0 });
  assert.equal(parseIdet("no idet here"), null);
});
