/**
 * The contract between the training loop and the backends that compute gradients
 * (onnxruntime in onnx_step.ts, tfjs in tfjs_step.ts).
 */

/** A batch of aligned LR/HR patches, NCHW with C = 1. */
export interface PatchBatch {
  count: number;
  /** LR patch side. */
  size: number;
  lr: Float32Array;
  hr: Float32Array;
}

export interface StepResult {
  loss: number;
  /** Gradients keyed by the reference parameter names. */
  grads: Map<string, Float32Array>;
}

/** Computes loss and gradients of a batch; the optimiser lives elsewhere. */
export interface GradientStep {
  run(params: Map<string, Float32Array>, batch: PatchBatch): Promise<StepResult>;
  dispose(): void;
}
