import assert from "node:assert/strict";
import { defaultForm } from "./engine.ts";

Deno.test("the onnx engine's default graph form per CPU", () => {
  // The sub-pixel tail was measured faster at every size and scale (docs/benchmarks.md); off
  // x86 onnxruntime has no NCHWc layout for the blocked forms.
  assert.equal(defaultForm(), Deno.build.arch === "x86_64" ? "blocked-subpixel" : "transposed");
});
