import assert from "node:assert/strict";
import { runTool } from "./process.ts";
import { tools } from "./resolve.ts";

Deno.test({
  name: "runTool: a tool that answers each frame as it reads it, with megabytes either way",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const t = await tools();
    // 16 greyscale frames of 512x512 (4 MiB): far more than a pipe holds, in and out.
    const input = new Uint8Array(16 * 512 * 512);
    for (let i = 0; i < input.length; i++) input[i] = (i * 7) & 255;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("runTool deadlocked")), 60_000);
    });
    try {
      const r = await Promise.race([
        runTool(t.ffmpeg, [
          "-v",
          "error",
          "-f",
          "rawvideo",
          "-pix_fmt",
          "gray",
          "-s",
          "512x512",
          "-i",
          "pipe:0",
          "-f",
          "rawvideo",
          "pipe:1",
        ], { stdin: input }),
        stuck,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout, input);
    } finally {
      clearTimeout(timer);
    }
  },
});
