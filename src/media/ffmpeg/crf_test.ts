import assert from "node:assert/strict";
import { defaultCrf } from "./crf.ts";

Deno.test("default CRF only where it applies and nothing else sets the rate", () => {
  assert.equal(defaultCrf("libx264", []), 18);
  assert.equal(defaultCrf("libx265", ["-tune", "grain"]), 18);
  assert.equal(defaultCrf("libx264", ["-qp", "0"]), undefined);
  assert.equal(defaultCrf("libx264", ["-b:v", "8M"]), undefined);
  assert.equal(defaultCrf("ffv1", []), undefined);
  assert.equal(defaultCrf("libvpx-vp9", []), 31);
  assert.equal(defaultCrf("libvpx-vp9", ["-crf", "20"]), undefined);
});
