/**
 * A network on onnxruntime's native CPU library (npm:onnxruntime-node, which ships the shared
 * library inside the package). The graph is built from the weights in memory by the network's
 * architecture (one input [N, 1, H, W], one output [N, 1, scale·H, scale·W]); the session is
 * created once and reused for every batch.
 *
 * onnxruntime starts Microsoft's telemetry with its first session, which leaves files in
 * ~/.cache/Microsoft/DeveloperTools/ and the temporary folder, unless ORT_DISABLE_TELEMETRY=1 is
 * in the environment when it starts. The CLI sets it (cli/environment.ts); a program embedding
 * the library decides for itself, since the setting is process-wide.
 */
import * as ort from "onnxruntime-node";
import type { NetConfig, NetworkWeights } from "../arch.ts";
import type { EngineInfo, PlaneBatch, SrEngine } from "../engine.ts";
import type { NetworkName } from "../networks.ts";
import { encodeModel, type OnnxGraphSpec } from "./proto.ts";

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

export class OnnxEngine implements SrEngine {
  readonly network: NetworkName;
  readonly config: NetConfig;
  readonly info: EngineInfo;
  #session: ort.InferenceSession;
  #input: string;
  #output: string;

  private constructor(
    weights: NetworkWeights,
    session: ort.InferenceSession,
    graph: OnnxGraphSpec,
    threads: number,
  ) {
    this.network = weights.network;
    this.config = weights.config;
    this.#input = graph.inputs[0].name;
    this.#output = graph.outputs[0].name;
    this.#session = session;
    this.info = {
      backend: "onnx",
      device: `onnxruntime CPU (${threads} thread${threads === 1 ? "" : "s"})`,
      fallback: false,
    };
  }

  /**
   * Creates the session.
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
    const model = encodeModel(graph);
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      enableCpuMemArena: true,
      // Idle pool threads sleep instead of spinning: the same speed for one session, 12% less
      // CPU time end to end (ffmpeg needs those cycles), and two sessions in one process (bench,
      // tests) no longer steal each other's cores (55 against 30 ms per frame).
      extra: { session: { intra_op: { allow_spinning: "0" } } },
    });
    return new OnnxEngine(weights, session, graph, threads);
  }

  async run(batch: PlaneBatch): Promise<PlaneBatch> {
    const { count, width, height } = batch;
    const input = new ort.Tensor("float32", batch.data, [
      count,
      1,
      height,
      width,
    ]);
    const result = await this.#session.run({ [this.#input]: input });
    const out = result[this.#output];
    const s = this.config.scale;
    const data = out.data as Float32Array;
    out.dispose();
    return { data, count, width: width * s, height: height * s };
  }

  dispose(): void {
    void this.#session.release();
  }
}
