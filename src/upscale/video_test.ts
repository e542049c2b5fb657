import assert from "node:assert/strict";
import { inputProblem } from "./video.ts";

Deno.test("how an input ended: clean, short, noisy or failed", () => {
  const clean = { decodeError: null, exitCode: 0, stderr: "", written: 30, expected: 30 };
  assert.equal(inputProblem(clean), null);
  // An MP4 edit list may hide a frame or two that the header counts.
  assert.equal(inputProblem({ ...clean, written: 28 }), null);
  assert.equal(inputProblem({ ...clean, expected: undefined }), null);
  assert.equal(inputProblem({ ...clean, written: 12 }), "input ends after 12 of 30 frames");
  assert.equal(
    inputProblem({ ...clean, written: 12, stderr: "[h264] error while decoding MB 1 2\n" }),
    "input ends after 12 of 30 frames: [h264] error while decoding MB 1 2",
  );
  assert.equal(inputProblem({ ...clean, exitCode: 1 }), "ffmpeg exit status 1");
  assert.equal(
    inputProblem({ ...clean, decodeError: new Error("NUT: bad checksum") }),
    "NUT: bad checksum",
  );
});
