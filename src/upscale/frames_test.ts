import assert from "node:assert/strict";
import { YUV420P } from "../media/frame/format.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "../net/engine.ts";
import { fsrcnnConfig } from "../net/fsrcnn/config.ts";
import { TiledUpscaler } from "../net/tiling/tiled.ts";
import { frameStage, type VideoFrame } from "./frames.ts";

/** An engine that upscales by pixel replication after a random delay, counting overlap. */
class SlowNearest implements SrEngine {
  readonly network = "fsrcnn";
  readonly config = fsrcnnConfig(2);
  readonly info: EngineInfo = { backend: "cpu", device: "test", fallback: false };
  running = 0;
  maxRunning = 0;
  async run(b: PlaneBatch): Promise<PlaneBatch> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise((r) => setTimeout(r, Math.random() * 10));
    const w = b.width * 2, h = b.height * 2;
    const out = new Float32Array(b.count * w * h);
    for (let n = 0; n < b.count; n++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          out[(n * h + y) * w + x] = b.data[(n * b.height + (y >> 1)) * b.width + (x >> 1)];
        }
      }
    }
    this.running--;
    return { data: out, count: b.count, width: w, height: h };
  }
  dispose(): void {}
}

for (const inFlight of [1, 2, 3]) {
  Deno.test(`frame stage keeps order and timestamps with ${inFlight} batch(es) in flight`, async () => {
    const engine = new SlowNearest();
    const width = 8, height = 6, frameBytes = width * height * 1.5;
    const frames: VideoFrame[] = Array.from({ length: 11 }, (_, i) => ({
      pts: 100 + 7 * i,
      data: new Uint8Array(frameBytes).fill(10 + i),
    }));
    const out: VideoFrame[] = [];
    await ReadableStream.from(frames)
      .pipeThrough(frameStage({
        upscaler: new TiledUpscaler(engine),
        format: YUV420P,
        width,
        height,
        batch: 2,
        siting: "center",
        inFlight,
      }))
      .pipeTo(new WritableStream({ write: (f) => void out.push(f) }));
    assert.deepEqual(out.map((f) => f.pts), frames.map((f) => f.pts));
    out.forEach((f, i) => {
      assert.equal(f.data.length, frameBytes * 4);
      assert.ok(f.data.every((v) => v === 10 + i), `frame ${i} content`);
    });
    assert.ok(engine.maxRunning <= inFlight, `at most ${inFlight} engine calls at once`);
    if (inFlight > 1) assert.ok(engine.maxRunning > 1, "batches overlapped");
  });
}
