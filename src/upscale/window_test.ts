import assert from "node:assert/strict";
import { rescale, WindowMissedError, windowStage } from "./window.ts";

async function through(
  pts: number[],
  window: Parameters<typeof windowStage>[0],
  streamTb = window.timeBase,
) {
  let pulled = 0;
  const source = new ReadableStream<{ pts: number }>({
    pull(c) {
      if (pulled < pts.length) c.enqueue({ pts: pts[pulled++] });
      else c.close();
    },
  });
  const w = windowStage<{ pts: number }>(window, streamTb);
  const out: number[] = [];
  await source.pipeThrough(w.stream).pipeTo(
    new WritableStream({ write: (f) => void out.push(f.pts) }),
  );
  return { out, state: w.state, pulled };
}

const TB = { num: 1, den: 25 };

Deno.test("window: keeps start <= pts < end and stops reading at the end", async () => {
  const r = await through([8, 9, 10, 11, 12, 13, 14, 15, 16], { start: 10, end: 13, timeBase: TB });
  assert.deepEqual(r.out, [10, 11, 12]);
  assert.equal(r.state.reachedEnd, true);
  assert.equal(r.state.frames, 3);
  // The decoder is not read past the first frame after the window.
  assert.ok(r.pulled <= 7, `pulled ${r.pulled}`);
});

Deno.test("window: open ends take everything on that side", async () => {
  assert.deepEqual((await through([0, 1, 2, 3], { start: null, end: 2, timeBase: TB })).out, [
    0,
    1,
  ]);
  const tail = await through([1, 2, 3, 4], { start: 2, end: null, timeBase: TB });
  assert.deepEqual(tail.out, [2, 3, 4]);
  assert.equal(tail.state.reachedEnd, false);
});

Deno.test("window: bounds in the source's time base are converted to the stream's", async () => {
  // Source 1/12800, decoder output 1/25 (ffmpeg 4.1 without -enc_time_base).
  const r = await through([0, 1, 2, 3, 4], {
    start: 1024,
    end: 2048,
    timeBase: { num: 1, den: 12800 },
  }, TB);
  assert.deepEqual(r.out, [2, 3]);
  assert.equal(rescale(18432, { num: 1, den: 12800 }, { num: 1, den: 51200 }), 73728);
  assert.equal(rescale(1, { num: 1, den: 3 }, { num: 1, den: 1000 }), 333);
  assert.equal(rescale(2, { num: 1, den: 3 }, { num: 1, den: 1000 }), 667);
});

Deno.test("window: a decoder that starts after the window's first frame is an error", async () => {
  await assert.rejects(
    through([11, 12, 13], { start: 10, end: 20, timeBase: TB }),
    WindowMissedError,
  );
  // Even when it starts past the whole window.
  await assert.rejects(
    through([25, 26], { start: 10, end: 20, timeBase: TB }),
    WindowMissedError,
  );
});
