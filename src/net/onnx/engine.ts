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
import type { EngineInfo, PlaneBatch, SrEngine } from "../engine.ts";
import { fsrcnnGraph, type GraphForm, INPUT_NAME, OUTPUT_NAME } from "../fsrcnn/onnx_graph.ts";
import { encodeModel } from "./proto.ts";
import type { FsrcnnWeights } from "../weights/file.ts";

export interface OnnxEngineOptions {
  /** Intra-op threads; default: every core. */
  threads?: number;
  /**
   * How the graph is expressed (all forms compute the same function). Default: on x86-64,
   * `blocked-subpixel`, which keeps onnxruntime in its NCHWc layout with no PRelu kernel (4–9%
   * faster on real pictures, 1.7× on noise, than the reference's layer-by-layer `transposed`
   * form) and ends in a sub-pixel convolution instead of a Concat, a reorder and a ConvTranspose
   * (`blocked`; the sub-pixel tail takes 0.67–0.87 of its time from 480x270 to 1280x720 at every
   * scale: tools/onnx_forms_rounds.ts, docs/benchmarks.md). Elsewhere `transposed`, because
   * onnxruntime has no NCHWc layout off x86 and the blocked forms' padded channels would be pure
   * extra work there.
   */
  form?: GraphForm;
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
    const model = encodeModel(fsrcnnGraph(weights, options.form ?? defaultForm()));
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

/** The graph form for this CPU (see {@link OnnxEngineOptions.form}). */
export function defaultForm(): GraphForm {
  return Deno.build.arch === "x86_64" ? "blocked-subpixel" : "transposed";
}
