/**
 * This machine's own fp32 multiply-accumulate rate, as onnxruntime's SGEMM reaches it: a
 * cache-resident 384×384×384 MatMul. `bench` measures it first and gives every model row as a
 * share of it, so that a figure from any machine reads on its own (a VM's cores may run AVX-512
 * at full or half width, at whatever clock its host allows).
 */

/** What {@link sgemmPeak} measured. */
export interface SgemmPeak {
  /** onnxruntime intra-op threads it ran on. */
  threads: number;
  /** The fastest burst's rate, in billions of multiply-accumulates per second. */
  gmacPerSecond: number;
}

/** Side of the square matrices: 384² floats are 576 KiB each, so A, B and C stay in L2. */
const N = 384;
/** Runs per timed burst (short, to catch the moments a shared machine leaves the cores free). */
const BURST = 5;

/**
 * Times bursts of an N³ MatMul on `threads` threads for about `seconds` and keeps the fastest
 * burst: on a shared machine, the rate the cores reach when they get to run, which is what a
 * peak is. onnxruntime is loaded only here (it is an optional package).
 */
export async function sgemmPeak(threads: number, seconds = 1): Promise<SgemmPeak> {
  const ort = await import("onnxruntime-node");
  const { encodeModel } = await import("../net/onnx/proto.ts");
  const b = new Float32Array(N * N).map((_, i) => ((i * 7919) % 1000) / 1000);
  const model = encodeModel({
    name: "sgemm",
    nodes: [{ op: "MatMul", inputs: ["a", "b"], outputs: ["c"] }],
    initializers: [{ name: "b", dims: [N, N], data: b }],
    inputs: [{ name: "a", dims: [N, N] }],
    outputs: [{ name: "c", dims: [N, N] }],
  });
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
  try {
    const a = new ort.Tensor("float32", b.slice().reverse(), [N, N]);
    const run = async () => (await session.run({ a })).c.dispose();
    for (let i = 0; i < BURST; i++) await run();
    let best = Infinity;
    const start = performance.now();
    do {
      const t0 = performance.now();
      for (let i = 0; i < BURST; i++) await run();
      best = Math.min(best, (performance.now() - t0) / BURST);
    } while (performance.now() - start < seconds * 1000);
    return { threads, gmacPerSecond: N ** 3 / best / 1e6 };
  } finally {
    await session.release();
  }
}
