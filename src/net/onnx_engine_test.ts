/**
 * The onnx engine runs its session in a worker: the calling thread stays free while the network
 * runs (onnxruntime-node's own run blocks the thread that calls it), the caller keeps its batch,
 * and a disposed engine fails in words.
 */
import assert from "node:assert/strict";
import { fsrcnnConfig } from "./fsrcnn/config.ts";
import { fsrcnnOnnxGraph } from "./fsrcnn/onnx_graph.ts";
import { initWeights } from "./weights/file.ts";
import { OnnxEngine } from "./onnx/engine.ts";

Deno.test("onnx engine: the calling thread runs timers while the network runs", async () => {
  const engine = await OnnxEngine.create(initWeights(fsrcnnConfig(2), 3), fsrcnnOnnxGraph, {
    threads: 1,
  });
  try {
    // A 1920x1080 plane takes the network about a second on one thread of a 2-core VM: long
    // after the timer is due. On the calling thread, the run would end first.
    const width = 1920, height = 1080;
    const data = new Float32Array(width * height).fill(0.5);
    const order: string[] = [];
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        order.push("timer");
        resolve();
      }, 20)
    );
    const out = await engine.run({ data, count: 1, width, height }).then((r) => {
      order.push("run");
      return r;
    });
    await timer;
    assert.deepEqual(order, ["timer", "run"]);
    assert.equal(out.data.length, 4 * width * height);
    assert.equal(out.width, 2 * width);
    // The caller's batch is copied to the worker, not taken from it.
    assert.equal(data.length, width * height);
    assert.equal(data[0], 0.5);
  } finally {
    engine.dispose();
  }
});

Deno.test("onnx engine: a run after dispose fails in words", async () => {
  const engine = await OnnxEngine.create(initWeights(fsrcnnConfig(2), 3), fsrcnnOnnxGraph, {
    threads: 1,
  });
  engine.dispose();
  await assert.rejects(
    engine.run({ data: new Float32Array(16), count: 1, width: 4, height: 4 }),
    /disposed/,
  );
});

Deno.test("onnx engine: a disposed engine gives its session's memory back", async () => {
  const weights = initWeights(fsrcnnConfig(2), 3);
  // A batch of four 480x270 planes: about 235 MB of onnxruntime's arena per session, which
  // stayed allocated when the worker was stopped without releasing its session (1,167 MB over
  // five engines). The bound leaves room for the tests running beside this one.
  const width = 480, height = 270, data = new Float32Array(4 * width * height).fill(0.5);
  const cycle = async () => {
    const engine = await OnnxEngine.create(weights, fsrcnnOnnxGraph, { threads: 1 });
    await engine.run({ data, count: 4, width, height });
    engine.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
  };
  await cycle();
  const before = Deno.memoryUsage().rss;
  for (let i = 0; i < 5; i++) await cycle();
  const grown = (Deno.memoryUsage().rss - before) / 2 ** 20;
  assert.ok(grown < 600, `the process grew ${grown.toFixed(0)} MB over five engines`);
});
