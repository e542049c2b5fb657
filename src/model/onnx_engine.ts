/**
 * FSRCNN on onnxruntime's native CPU library (npm:onnxruntime-node, which ships the shared
 * library inside the package). The graph is built from our weights in memory; the session is
 * created once and reused for every batch.
 *
 * onnxruntime starts Microsoft's telemetry with its first session, which leaves files in
 * ~/.cache/Microsoft/DeveloperTools/ and the temporary folder, unless ORT_DISABLE_TELEMETRY=1 is
 * in the environment when it starts. The CLI sets it (cli/environment.ts); a program embedding
 * the library decides for itself, since the setting is process-wide.
 */
import * as ort from "onnxruntime-node";
import type { EngineInfo, PlaneBatch, SrEngine } from "./engine.ts";
import { type DeconvForm, fsrcnnGraph, INPUT_NAME, OUTPUT_NAME } from "./onnx/fsrcnn_graph.ts";
import { encodeModel } from "./onnx/proto.ts";
import type { FsrcnnWeights } from "./weights.ts";

export interface OnnxEngineOptions {
  /** Intra-op threads; default: every core. */
  threads?: number;
  /**
   * Form of the last layer. onnxruntime runs the reference's ConvTranspose faster than the
   * sub-pixel convolution for ×2 and ×3 and about as fast for ×4 (onnx_forms_bench.ts:
   * 480x270, 2 threads: 56 vs 77 ms at ×2), so that is the default.
   */
  form?: DeconvForm;
}

export class OnnxEngine implements SrEngine {
  readonly config;
  readonly info: EngineInfo;
  #session: ort.InferenceSession;

  private constructor(
    weights: FsrcnnWeights,
    session: ort.InferenceSession,
    threads: number,
  ) {
    this.config = weights.config;
    this.#session = session;
    this.info = {
      backend: "onnx",
      device: `onnxruntime CPU (${threads} thread${threads === 1 ? "" : "s"})`,
      fallback: false,
    };
  }

  static async create(
    weights: FsrcnnWeights,
    options: OnnxEngineOptions = {},
  ): Promise<OnnxEngine> {
    const threads = options.threads ?? navigator.hardwareConcurrency ?? 1;
    const model = encodeModel(fsrcnnGraph(weights, options.form ?? "transposed"));
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ["cpu"],
      graphOptimizationLevel: "all",
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: "sequential",
      enableCpuMemArena: true,
    });
    return new OnnxEngine(weights, session, threads);
  }

  async run(batch: PlaneBatch): Promise<PlaneBatch> {
    const { count, width, height } = batch;
    const input = new ort.Tensor("float32", batch.data, [
      count,
      1,
      height,
      width,
    ]);
    const result = await this.#session.run({ [INPUT_NAME]: input });
    const out = result[OUTPUT_NAME];
    const s = this.config.scale;
    const data = out.data as Float32Array;
    out.dispose();
    return { data, count, width: width * s, height: height * s };
  }

  dispose(): void {
    void this.#session.release();
  }
}
