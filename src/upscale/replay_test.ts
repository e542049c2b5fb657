import assert from "node:assert/strict";
import { ReplayableBytes } from "./replay.ts";

/** A source of `n` one-byte chunks (0, 1, 2, …) that counts how many were read. */
function counted(n: number) {
  const state = { read: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (state.read === n) return c.close();
      c.enqueue(new Uint8Array([state.read++]));
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

async function all(s: ReadableStream<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const c of s) out.push(...c);
  return out;
}

Deno.test("replay: the start is kept up to the limit, and read no further", async () => {
  const src = counted(10);
  const bytes = new ReplayableBytes(src.stream, 4);
  assert.deepEqual(await all(bytes.start()), [0, 1, 2, 3]);
  assert.equal(src.state.read, 4);
  assert.deepEqual([...bytes.kept()], [0, 1, 2, 3]);
  // A second look at the start costs nothing more.
  assert.deepEqual(await all(bytes.start()), [0, 1, 2, 3]);
  assert.equal(src.state.read, 4);
});

Deno.test("replay: every branch gets the whole input, kept start first", async () => {
  const bytes = new ReplayableBytes(counted(50).stream, 8);
  await all(bytes.start());
  const [a, b] = bytes.branches([3, 100]);
  const [x, y] = await Promise.all([all(a), all(b)]);
  const whole = Array.from({ length: 50 }, (_, i) => i);
  assert.deepEqual(x, whole);
  assert.deepEqual(y, whole);
});

Deno.test("replay: a branch not read holds the input back once its queue is full", async () => {
  const src = counted(1000);
  const bytes = new ReplayableBytes(src.stream, 8);
  const [fast, slow] = bytes.branches([1000, 5]);
  const reader = fast.getReader();
  const got: number[] = [];
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      got.push(...value);
    }
  })();
  await new Promise((r) => setTimeout(r, 50));
  // The slow branch queues about 5 bytes, so no more than that is read ahead of it.
  assert.ok(src.state.read <= 6, `read ${src.state.read}`);
  assert.ok(got.length <= 6);
  // Once it is cancelled, the other branch gets the rest.
  await slow.cancel();
  await reading;
  assert.equal(got.length, 1000);
});
