import assert from "node:assert/strict";
import { PAN_FRAMES, PAN_MOTIONS, panClip, panWindows } from "./pan_clip.ts";
import { hrFrame } from "./hr_frame.ts";
import type { Image8 } from "../media/frame/pixels.ts";

Deno.test("panWindows: windows of one size inside the image, moving by the pan", () => {
  // [width, height, dx, dy, frames] → [window width, height, corners]
  const table: [
    number,
    number,
    number,
    number,
    number,
    [number, number, [number, number][]] | null,
  ][] = [
    [10, 8, 1, 0, 3, [8, 8, [[0, 0], [1, 0], [2, 0]]]],
    [10, 8, -1, 0, 3, [8, 8, [[2, 0], [1, 0], [0, 0]]]],
    [10, 8, 2, -1, 3, [6, 6, [[0, 2], [2, 1], [4, 0]]]],
    [10, 8, 0, 0, 4, [10, 8, [[0, 0], [0, 0], [0, 0], [0, 0]]]],
    [10, 8, 0, 3, 1, [10, 8, [[0, 0]]]],
    [10, 8, 5, 0, 3, null], // the travel leaves nothing
    [10, 8, 0, 4, 3, null],
  ];
  for (const [width, height, dx, dy, frames, want] of table) {
    const got = panWindows(width, height, { dx, dy }, frames);
    const label = `${width}x${height} by (${dx}, ${dy}) × ${frames}`;
    if (want === null) {
      assert.equal(got, null, label);
      continue;
    }
    assert.ok(got, label);
    assert.deepEqual([got.width, got.height], [want[0], want[1]], label);
    assert.deepEqual(got.corners.map((c) => [c.x, c.y]), want[2], label);
    for (const c of got.corners) {
      assert.ok(c.x >= 0 && c.y >= 0 && c.x + got.width <= width && c.y + got.height <= height);
    }
  }
});

Deno.test("panClip: each frame is the suite's HR frame of its window", () => {
  const width = 40, height = 30;
  const image: Image8 = {
    width,
    height,
    channels: 3,
    data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37) % 251),
  };
  for (const motion of PAN_MOTIONS) {
    const clip = panClip(image, 2, motion)!;
    assert.equal(clip.length, PAN_FRAMES);
    const w = panWindows(width, height, motion, PAN_FRAMES)!;
    for (const [t, frame] of clip.entries()) {
      const { x, y } = w.corners[t];
      const window: Image8 = {
        width: w.width,
        height: w.height,
        channels: 3,
        data: new Uint8Array(w.width * w.height * 3),
      };
      for (let row = 0; row < w.height; row++) {
        for (let col = 0; col < w.width * 3; col++) {
          window.data[row * w.width * 3 + col] = image.data[((y + row) * width + x) * 3 + col];
        }
      }
      assert.deepEqual(frame, hrFrame(window, 2), `${JSON.stringify(motion)} frame ${t}`);
    }
  }
  // A pan longer than the image has room for.
  assert.equal(panClip(image, 2, { dx: 8, dy: 0 }), null);
});
