import assert from "node:assert/strict";
import { UsageError } from "../mod.ts";
import { parseBackend, parseBenchBackend, parseSizes } from "./flags.ts";

Deno.test("backends: auto or a name; anything else refused with the names to choose from", () => {
  assert.equal(parseBackend("auto"), "auto");
  assert.equal(parseBackend("webgpu-wgsl"), "webgpu-wgsl");
  assert.throws(() => parseBackend("cuda"), UsageError);
  assert.throws(() => parseBackend("cuda"), /unknown backend "cuda" \(choose auto, webgpu/);
  assert.throws(() => parseBackend("all"), /unknown backend "all"/);
});

Deno.test("sizes parse and bad ones are refused", () => {
  assert.deepEqual(parseSizes("480x270, 1920x1080"), [[480, 270], [1920, 1080]]);
  assert.throws(() => parseSizes("480*270"), /bad size/);
  assert.throws(() => parseSizes("0x10"), /bad size/);
});

Deno.test("bench backends: a name, auto or all; anything else refused", () => {
  for (const b of ["onnx", "webgpu-wgsl", "auto", "all"]) assert.equal(parseBenchBackend(b), b);
  assert.throws(() => parseBenchBackend("cuda"), /unknown backend "cuda" \(choose auto, all, /);
});
