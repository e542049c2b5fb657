/**
 * tfjs set-up: registers the backends once (wasm pointed at its own files, WebGPU on our
 * shared device) and switches between them. tfjs has one active backend per process.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { createRequire } from "node:module";
import { UsageError } from "../../core/errors.ts";
import { getGpu } from "../gpu.ts";

/** The tfjs backends we register. */
export type TfjsBackendName = "webgpu" | "wasm" | "cpu";

let registered = false;

function registerOnce(): void {
  if (registered) return;
  registered = true;
  // The wasm backend fetches its .wasm binaries; point it at the installed package's dist/.
  const require = createRequire(import.meta.url);
  const entry = require.resolve("@tensorflow/tfjs-backend-wasm");
  setWasmPaths(new URL(".", `file://${entry}`).href);
  // Replace the webgpu package's own factory (which requests a second adapter) with one on
  // the process-wide device.
  tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", async () => {
    const gpu = await getGpu();
    if (!gpu) throw new Error("no WebGPU adapter");
    // tfjs' type for the device comes from an older @webgpu/types; the object is the same.
    return new WebGPUBackend(gpu.device as never, gpu.adapter.info as never);
  }, 1);
}

let active: Promise<void> = Promise.resolve();

/** Makes `name` the active tfjs backend, initialising it on first use. */
export function useTfjsBackend(name: TfjsBackendName): Promise<void> {
  registerOnce();
  active = active.then(async () => {
    if (tf.getBackend() === name) return;
    let ok = false;
    try {
      ok = await tf.setBackend(name);
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new UsageError(
        `the ${name} backend is not available on this machine`,
      );
    }
    // The cpu backend nags about tfjs-node on first write; we know.
    const backend = tf.engine().backend as unknown as { firstUse?: boolean };
    if ("firstUse" in backend) backend.firstUse = false;
  });
  return active;
}

/**
 * A network as tfjs ops, built by its architecture (src/net/<network>/) and run by the tfjs
 * engine on any tfjs backend.
 */
export interface TfjsGraph {
  /** The network on an NHWC batch of one-channel planes; the caller owns the returned tensor. */
  forward(x: tf.Tensor4D): tf.Tensor4D;
  /** Frees the graph's weight tensors. */
  dispose(): void;
}

export { tf };
