/**
 * A network on onnxruntime's native CPU library (npm:onnxruntime-node, which ships the shared
 * library inside the package). The graph is built from the weights in memory by the network's
 * architecture (one input [N, 1, H, W], one output [N, 1, scale·H, scale·W]); the session is
 * created once and reused for every batch, in a worker of its own (session_worker.ts), so that
 * the thread that calls {@link OnnxEngine.run} stays free while the network runs.
 *
 * onnxruntime starts Microsoft's telemetry with its first session, which leaves files in
 * ~/.cache/Microsoft/DeveloperTools/ and the temporary folder, unless ORT_DISABLE_TELEMETRY=1 is
 * in the environment when it starts. The CLI sets it (cli/environment.ts); a program embedding
 * the library decides for itself, since the setting is process-wide.
 */
import type { NetConfig, NetworkWeights } from "../arch.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "../engine.ts";
import type { NetworkName } from "../networks.ts";
import { encodeModel, type OnnxGraphSpec } from "./proto.ts";
import type { SessionReply, SessionRequest } from "./session_worker.ts";

/** Builds a network's ONNX graph in one of its forms (its default form when none is named). */
export type OnnxGraphBuild = (weights: NetworkWeights, form?: string) => OnnxGraphSpec;

export interface OnnxEngineOptions {
  /** Intra-op threads; default: every core. */
  threads?: number;
  /**
   * How the graph is expressed, one of the architecture's forms (all compute the same
   * function); default: the architecture's choice for this CPU.
   */
  form?: string;
}

/**
 * The main thread's end of a session worker: requests go out in order and are answered in
 * order; a worker that dies fails every request still waiting and every later one.
 */
class SessionWorker {
  #worker = new Worker(new URL("./session_worker.ts", import.meta.url).href, { type: "module" });
  #waiting: Array<
    { resolve: (r: SessionReply & { ok: true }) => void; reject: (e: Error) => void }
  > = [];
  #failure: Error | undefined;

  constructor() {
    this.#worker.onmessage = (e: MessageEvent<SessionReply>) => {
      const next = this.#waiting.shift()!;
      if (e.data.ok) next.resolve(e.data);
      else next.reject(new Error(e.data.message));
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(new Error(`the onnxruntime worker stopped: ${e.message}`));
    };
  }

  #fail(error: Error) {
    this.#failure ??= error;
    for (const w of this.#waiting.splice(0)) w.reject(this.#failure);
  }

  ask(request: SessionRequest): Promise<SessionReply & { ok: true }> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
      this.#worker.postMessage(request);
    });
  }

  /**
   * Frees the session, then stops the worker; requests after this one fail. Terminating the
   * worker alone would leave the session's native memory (its arena, hundreds of MB for a large
   * batch) allocated for the life of the process. A worker that already failed is stopped at
   * once.
   */
  close(): void {
    if (this.#failure) {
      this.#worker.terminate();
      return;
    }
    const released = this.ask({ kind: "release" });
    // Later requests fail at once; those already sent (the release last) are still answered,
    // so nothing is left waiting when the worker stops.
    this.#failure = new Error("the onnx engine was disposed");
    released.catch(() => {}).finally(() => this.#worker.terminate());
  }
}

export class OnnxEngine implements SrEngine {
  readonly network: NetworkName;
  readonly config: NetConfig;
  readonly info: EngineInfo;
  #worker: SessionWorker;
  #input: string;
  #output: string;

  private constructor(
    weights: NetworkWeights,
    worker: SessionWorker,
    graph: OnnxGraphSpec,
    threads: number,
  ) {
    this.network = weights.network;
    this.config = weights.config;
    this.#input = graph.inputs[0].name;
    this.#output = graph.outputs[0].name;
    this.#worker = worker;
    this.info = {
      backend: "onnx",
      device: `onnxruntime CPU (${threads} thread${threads === 1 ? "" : "s"})`,
      fallback: false,
    };
  }

  /**
   * Creates the session, in a worker of its own.
   *
   * @param weights The network's weights.
   * @param build Its architecture's ONNX graph.
   * @param options Threads and graph form.
   */
  static async create(
    weights: NetworkWeights,
    build: OnnxGraphBuild,
    options: OnnxEngineOptions = {},
  ): Promise<OnnxEngine> {
    const threads = options.threads ?? navigator.hardwareConcurrency ?? 1;
    const graph = build(weights, options.form);
    const worker = new SessionWorker();
    try {
      await worker.ask({ kind: "create", model: encodeModel(graph), threads });
    } catch (e) {
      worker.close();
      throw e;
    }
    return new OnnxEngine(weights, worker, graph, threads);
  }

  async run(batch: PlaneBatch): Promise<PlaneBatch> {
    const { count, width, height } = batch;
    // The planes are copied to the worker (the caller keeps its batch); the result comes back
    // without a copy.
    const { data } = await this.#worker.ask({
      kind: "run",
      input: this.#input,
      output: this.#output,
      data: batch.data,
      dims: [count, 1, height, width],
    });
    const s = this.config.scale;
    return { data: data!, count, width: width * s, height: height * s };
  }

  dispose(): void {
    this.#worker.close();
  }
}
