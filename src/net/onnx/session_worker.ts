/**
 * The worker that holds an {@link OnnxEngine}'s onnxruntime session. onnxruntime-node runs a
 * session synchronously on the thread that calls it, so on the main thread every batch would
 * block the pipeline's own work (chroma, format conversion, reading the decoder and feeding the
 * encoder) for as long as the network runs; here it blocks only this worker.
 *
 * Messages in: {@link SessionRequest}; out: {@link SessionReply}, one per request, in order.
 */
import * as ort from "onnxruntime-node";

/** What the engine asks of its worker. */
export type SessionRequest =
  | { kind: "create"; model: Uint8Array; threads: number }
  | { kind: "run"; input: string; output: string; data: Float32Array; dims: number[] }
  | { kind: "release" };

/** The worker's answer to one request: the result, or the error's message. */
export type SessionReply =
  | { ok: true; data?: Float32Array }
  | { ok: false; message: string };

let session: ort.InferenceSession | undefined;

async function answer(request: SessionRequest): Promise<SessionReply> {
  switch (request.kind) {
    case "create":
      session = await ort.InferenceSession.create(request.model, {
        executionProviders: ["cpu"],
        graphOptimizationLevel: "all",
        intraOpNumThreads: request.threads,
        interOpNumThreads: 1,
        executionMode: "sequential",
        enableCpuMemArena: true,
        // Idle pool threads sleep instead of spinning: the same speed for one session, 12% less
        // CPU time end to end (ffmpeg needs those cycles), and two sessions in one process
        // (bench, tests) no longer steal each other's cores (55 against 30 ms per frame).
        extra: { session: { intra_op: { allow_spinning: "0" } } },
      });
      return { ok: true };
    case "run": {
      const input = new ort.Tensor("float32", request.data, request.dims);
      const result = await session!.run({ [request.input]: input });
      const out = result[request.output];
      const data = out.data as Float32Array;
      out.dispose();
      return { ok: true, data };
    }
    case "release":
      await session?.release();
      session = undefined;
      return { ok: true };
  }
}

/** This worker's side of its channel (typed here: the project's checks use the window's lib). */
const port = self as unknown as {
  onmessage: (e: MessageEvent<SessionRequest>) => void;
  postMessage(message: SessionReply, transfer: Transferable[]): void;
};

// Requests are answered one at a time, in the order they came.
let queue = Promise.resolve();
port.onmessage = (e) => {
  queue = queue.then(async () => {
    let reply: SessionReply;
    try {
      reply = await answer(e.data);
    } catch (err) {
      reply = { ok: false, message: (err as Error).message ?? String(err) };
    }
    port.postMessage(reply, reply.ok && reply.data ? [reply.data.buffer as ArrayBuffer] : []);
  });
};
