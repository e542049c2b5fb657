import assert from "node:assert/strict";
import { SizeTracker } from "./keyframe_sizes.ts";

/** ffprobe's `-of default` section of one frame, its fields in the given order. */
const frame = (
  fields: Record<string, string | number>,
  sideData = "",
) => ["[FRAME]", ...Object.entries(fields).map(([k, v]) => `${k}=${v}`), sideData, "[/FRAME]"];

function track(first: { width: number; height: number }, lines: string[], keep?: number) {
  const t = new SizeTracker(first, keep);
  for (const l of lines) t.line(l);
  return t.result;
}

const WH = { width: 64, height: 48 };
const at = (t: number | string, w: number, h: number) =>
  frame({ best_effort_timestamp_time: t, width: w, height: h });

Deno.test("SizeTracker: changes from the first size, in any field order, side data ignored", () => {
  const cases: [string, string[], ReturnType<typeof track>][] = [
    ["one size", [...at(0, 64, 48), ...at(0.48, 64, 48)], { changes: [], count: 0, start: 0 }],
    [
      "a change and back",
      [
        ...at(1.4, 64, 48),
        ...frame({ height: 32, width: 48, best_effort_timestamp_time: 2.4 }),
        ...frame(
          { width: 64, height: 48, best_effort_timestamp_time: "N/A" },
          "[SIDE_DATA]\nwidth=1\n[/SIDE_DATA]",
        ),
      ],
      {
        changes: [{ width: 48, height: 32, seconds: 2.4 }, {
          width: 64,
          height: 48,
          seconds: null,
        }],
        count: 2,
        start: 1.4,
      },
    ],
    [
      "the first keyframe differs from the stream's size",
      at(0, 32, 32),
      { changes: [{ width: 32, height: 32, seconds: 0 }], count: 1, start: 0 },
    ],
    ["no frames, noise", ["", "width=3", "[/FRAME]", "x"], { changes: [], count: 0, start: null }],
  ];
  for (const [name, lines, want] of cases) assert.deepEqual(track(WH, lines), want, name);
  // Only the first `keep` are kept, every one is counted.
  const many = [0, 1, 2, 3, 4].flatMap((i) => at(i, 64 + (i % 2) * 16, 48));
  assert.deepEqual(track(WH, many, 1), {
    changes: [{ width: 80, height: 48, seconds: 1 }],
    count: 4,
    start: 0,
  });
});
