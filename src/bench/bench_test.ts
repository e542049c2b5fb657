import assert from "node:assert/strict";
import { fsrcnnConfig, macsPerFrame } from "../net/fsrcnn/config.ts";
import { runBench } from "./bench.ts";
import { formatTable, plotSvg } from "./report.ts";
import { quantile } from "./stats.ts";

Deno.test("MAC count of FSRCNN(56,12,4) matches the hand count", () => {
  // Per LR pixel: conv 5x5 1→56: 1400; 1x1 56→12: 672; 4 × 3x3 12→12: 5184; 1x1 12→56: 672;
  // 9x9 deconvolution 56→1, every LR pixel scattering 81 taps per channel: 4536. Sum 12464.
  assert.equal(macsPerFrame(fsrcnnConfig(2), 1, 1), 12464);
  assert.equal(macsPerFrame(fsrcnnConfig(2), 480, 270), 1_615_334_400);
  // The deconvolution's cost does not depend on the scale (it scatters per input pixel).
  assert.equal(macsPerFrame(fsrcnnConfig(4), 480, 270), 1_615_334_400);
  // 1080p → 4K: about 26 GMAC per frame.
  assert.ok(Math.abs(macsPerFrame(fsrcnnConfig(2), 1920, 1080) / 1e9 - 25.85) < 0.01);
});

Deno.test({
  name: "no peak is measured when asked not to, and no row claims a share of one",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const r = await runBench({
      sizes: [[16, 16]],
      backends: ["onnx"],
      seconds: 0.05,
      warmup: 0,
      peakSeconds: 0,
    });
    assert.equal(r.peak, null);
    assert.equal(r.cells[0].peakShare, null);
    assert.match(formatTable(r), /^SGEMM peak \(onnxruntime, fp32\): not measured/m);
  },
});

Deno.test("a bad thread count or scale is refused before the SGEMM peak starts", async () => {
  // onnxruntime would try to start a pool of a million threads for the peak first.
  const t0 = performance.now();
  await assert.rejects(
    () => runBench({ sizes: [[16, 16]], backends: ["onnx"], threads: 1_000_000 }),
    /threads must be a whole number/,
  );
  await assert.rejects(
    () => runBench({ sizes: [[16, 16]], backends: ["onnx"], scales: [5] }),
    /unsupported scale 5/,
  );
  assert.ok(performance.now() - t0 < 1000, "no peak was measured");
});

Deno.test("quantiles", () => {
  assert.equal(quantile([3, 1, 2], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([10, 20], 0.1), 11);
});

Deno.test({
  name: "a tiny bench run reports every field with sane values",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const r = await runBench({
      sizes: [[40, 24]],
      scales: [3],
      backends: ["onnx"],
      seconds: 0.2,
      warmup: 1,
    });
    assert.equal(r.cells.length, 1);
    const c = r.cells[0];
    assert.equal(c.mode, "model");
    assert.equal(c.backend, "onnx");
    assert.deepEqual([c.outWidth, c.outHeight], [120, 72]);
    assert.ok(c.msPerFrame.runs >= 3);
    assert.ok(c.msPerFrame.median > 0 && c.msPerFrame.p10 <= c.msPerFrame.median);
    assert.ok(c.msPerFrame.median <= c.msPerFrame.p90);
    assert.ok(c.fps > 0 && Math.abs(c.fps - 1000 / c.msPerFrame.median) < 1e-9);
    assert.ok(Math.abs(c.megapixelsPerSecond - (c.fps * 120 * 72) / 1e6) < 1e-9);
    assert.ok(Math.abs(c.gmacPerSecond - (c.fps * 12464 * 40 * 24) / 1e9) < 1e-9);
    assert.ok(c.startRssMiB > 10 && c.startRssMiB <= c.peakRssMiB);
    assert.deepEqual(r.backends, ["onnx"]);
    // The machine's own peak, measured first, and each row's share of it.
    assert.ok(r.peak && r.peak.gmacPerSecond > 0.1, `peak ${JSON.stringify(r.peak)}`);
    assert.equal(r.peak.threads, navigator.hardwareConcurrency);
    assert.ok(
      c.peakShare !== null &&
        Math.abs(c.peakShare - c.gmacPerSecond / r.peak.gmacPerSecond) < 1e-12,
    );
    assert.ok(r.device.cpu.model.length > 0);
    if (Deno.build.arch === "x86_64") assert.ok(r.device.cpu.flags.includes("sse4_2"));
    assert.ok(r.device.cpu.cores >= 1 && r.device.deno && r.device.tfjs && r.device.onnxruntime);
    const json = JSON.parse(JSON.stringify(r));
    for (const k of ["device", "networks", "cells"]) assert.ok(k in json, k);
    const table = formatTable(r);
    assert.match(table, /onnx\s+40x24\s+3\s+1\s+120x72/);
    assert.match(table, /^SGEMM peak \(onnxruntime, fp32\): \d+\.\d GMAC\/s on \d+ threads?;/m);
    assert.match(table, /of peak/);
    assert.ok(table.includes(` ${(100 * c.peakShare).toFixed(0)}%`), table);
    const svg = plotSvg(r);
    assert.match(svg, /^<svg[^>]*>/);
    assert.match(svg, /<polyline|<circle/);
  },
});
