/**
 * `eval` scores what `upscale` runs: without `--weights` the shipped weights for the scale,
 * bicubic only when asked for by name.
 */
import assert from "node:assert/strict";
import { shippedWeightsFile } from "../src/net/mod.ts";
import { cli, ffmpeg, tempDir } from "./helpers.ts";

Deno.test("eval without --weights scores the shipped weights, as upscale uses them", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    for (const [n, size] of [[1, "48x36"], [2, "60x48"]]) {
      await ffmpeg(
        "-f",
        "lavfi",
        "-i",
        `testsrc2=size=${size}`,
        "-frames:v",
        "1",
        `${dir}/${n}.png`,
      );
    }
    const score = async (...args: string[]) => {
      const r = await cli(["eval", "--data", dir, "--json", ...args]);
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const x2 = await score();
    assert.equal(x2.method, "fsrcnn");
    assert.equal(x2.scale, 2);
    assert.equal(x2.weights, await shippedWeightsFile("paper", 2));
    const x3 = await score("--scale", "3");
    assert.equal(x3.weights, await shippedWeightsFile("paper", 3));
    assert.equal(x3.scale, 3);
    const bicubic = await score("--method", "bicubic", "--scale", "2");
    assert.equal(bicubic.method, "bicubic");
    assert.equal(bicubic.weights, undefined);
    // Trained weights beat the baseline they were trained against.
    assert.ok(x2.meanPsnr > bicubic.meanPsnr + 0.5, `${x2.meanPsnr} vs ${bicubic.meanPsnr}`);
  } finally {
    await cleanup();
  }
});
