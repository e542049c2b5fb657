import assert from "node:assert/strict";
import { describeSizeChanges } from "./treatment.ts";

const WH = { width: 64, height: 48 };

Deno.test("describeSizeChanges: the first size, then each change, times from the start", () => {
  const cases: [Parameters<typeof describeSizeChanges>[1], string][] = [
    [
      { changes: [{ width: 48, height: 32, seconds: 3.4 }], count: 1, start: 1.4 },
      "64x48, then 48x32 at 2.00 s",
    ],
    [
      {
        changes: [{ width: 48, height: 32, seconds: 2 }, { width: 64, height: 48, seconds: null }],
        count: 2,
        start: null,
      },
      "64x48, then 48x32 at 2.00 s, 64x48",
    ],
    [
      { changes: [{ width: 48, height: 32, seconds: 1 }], count: 2, start: 0 },
      "64x48, then 48x32 at 1.00 s, and 1 more change",
    ],
    [
      { changes: [{ width: 48, height: 32, seconds: 1 }], count: 4, start: 0 },
      "64x48, then 48x32 at 1.00 s, and 3 more changes",
    ],
  ];
  for (const [found, want] of cases) assert.equal(describeSizeChanges(WH, found), want);
});
