import assert from "node:assert/strict";
import {
  type ChromaSiting,
  chromaSiting,
  keysCubic,
  planeSiting,
  sitingOffsets,
  sourceCoordinate,
  upsamplePlane,
  upsamplePlaneFloat,
} from "./resample.ts";

const SITINGS: ChromaSiting[] = ["left", "center", "topleft", "top", "bottomleft", "bottom"];

/** Deterministic pseudo-random integers in [0, max] (xorshift32). */
function noise(n: number, max: number, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % (max + 1);
  });
}

Deno.test("Keys cubic (a = −0.5): known values", () => {
  // By hand: for |x| ≤ 1, 1.5|x|³ − 2.5|x|² + 1; for 1 < |x| < 2, −0.5|x|³ + 2.5|x|² − 4|x| + 2.
  assert.equal(keysCubic(0), 1);
  assert.equal(keysCubic(1), 0);
  assert.equal(keysCubic(2), 0);
  assert.equal(keysCubic(0.5), 0.5625);
  assert.equal(keysCubic(-1.5), -0.0625);
  assert.equal(keysCubic(0.25), 0.8671875);
  assert.equal(keysCubic(1.25), -0.0703125);
  assert.equal(keysCubic(3), 0);
});

Deno.test("cubic kernel matches the hand-computed values", () => {
  assert.equal(keysCubic(0), 1);
  assert.equal(keysCubic(0.25), 0.8671875);
  assert.equal(keysCubic(-0.75), 0.2265625);
  assert.equal(keysCubic(1.25), -0.0703125);
  assert.equal(keysCubic(1.75), -0.0234375);
  assert.equal(keysCubic(2), 0);
  assert.equal(keysCubic(2.5), 0);
});

Deno.test("a constant plane stays constant at every siting, scale and size", () => {
  for (const siting of SITINGS) {
    for (const scale of [1, 2, 3, 4, 5]) {
      for (const [w, h] of [[1, 1], [2, 3], [7, 5]]) {
        const label = `${siting} x${scale} ${w}x${h}`;
        const dstWidth = Math.ceil((scale * (2 * w - 1)) / 2); // odd luma → one short
        const dstHeight = scale * h;
        const o = { scale, siting, dstWidth, dstHeight };
        const u8 = upsamplePlane(new Uint8Array(w * h).fill(201), w, h, { ...o, bitDepth: 8 });
        assert.equal(u8.length, dstWidth * dstHeight, label);
        assert.ok(u8.every((v) => v === 201), label);
        const u10 = upsamplePlane(new Uint16Array(w * h).fill(1019), w, h, { ...o, bitDepth: 10 });
        assert.ok(u10.every((v) => v === 1019), label);
        const f = upsamplePlaneFloat(new Float32Array(w * h).fill(0.375), w, h, o);
        assert.ok(f.every((v) => Math.abs(v - 0.375) < 1e-6), label);
      }
    }
  }
});

Deno.test("scale 1 is the identity at every siting", () => {
  const [w, h] = [6, 5];
  const src = Uint8Array.from(noise(w * h, 255, 9));
  for (const siting of SITINGS) {
    const out = upsamplePlane(src, w, h, { scale: 1, siting, bitDepth: 8 });
    assert.deepEqual(out, src, siting);
  }
});

Deno.test("sourceCoordinate follows from where chroma samples physically sit", () => {
  // Positions in input-luma "edge" units (the image spans [0, W), luma column i centred at
  // i + ½; an s× upscale keeps the edges, so output luma column o is centred at (o + ½)/s).
  // A chroma sample co-sited with luma column 2k lies at 2k + ½; a centred one at 2k + 1.
  for (const scale of [1, 2, 3, 4, 7]) {
    for (const cosited of [true, false]) {
      const inputPos = (k: number) => 2 * k + (cosited ? 0.5 : 1);
      const outputPos = (j: number) => (2 * j + (cosited ? 0.5 : 1)) / scale;
      const offset = sitingOffsets(cosited ? "topleft" : "center").x;
      for (let j = 0; j < 20; j++) {
        const k = sourceCoordinate(j, scale, offset);
        assert.ok(Math.abs(inputPos(k) - outputPos(j)) < 1e-12, `s=${scale} j=${j}`);
      }
    }
  }
  // Bottom siting: co-sited with odd luma rows, 2k + 1.5.
  const k = sourceCoordinate(3, 2, sitingOffsets("bottom").y);
  assert.ok(Math.abs(2 * k + 1.5 - (2 * 3 + 1.5) / 2) < 1e-12);
});

Deno.test("a 2-D linear ramp stays linear in the interior, at every siting", () => {
  // Sample g(X, Y) = 3 + 5X − 2Y at each input chroma sample's physical position; the
  // output must hold g at each output chroma sample's position, since a cubic convolution
  // with a = −0.5 reproduces linear functions exactly away from the borders.
  const [w, h] = [12, 10];
  const g = (x: number, y: number) => 3 + 5 * x - 2 * y;
  for (const siting of SITINGS) {
    const cx = siting.endsWith("left") ? 0.5 : 1; // first/centre of the 2-luma block
    const cy = siting.startsWith("top") ? 0.5 : siting.startsWith("bottom") ? 1.5 : 1;
    for (const scale of [2, 3, 4]) {
      const src = new Float32Array(w * h);
      for (let k = 0; k < h; k++) {
        for (let i = 0; i < w; i++) src[k * w + i] = g(2 * i + cx, 2 * k + cy);
      }
      const out = upsamplePlaneFloat(src, w, h, { scale, siting });
      const [dw, dh] = [scale * w, scale * h];
      let checked = 0;
      for (let j = 0; j < dh; j++) {
        const Y = (2 * j + cy) / scale;
        // Interior: all four taps inside the input; the input index is (Y − cy)/2.
        const ky = Math.floor((Y - cy) / 2);
        if (ky < 1 || ky + 2 > h - 1) continue;
        for (let i = 0; i < dw; i++) {
          const X = (2 * i + cx) / scale;
          const kx = Math.floor((X - cx) / 2);
          if (kx < 1 || kx + 2 > w - 1) continue;
          const got = out[j * dw + i];
          assert.ok(Math.abs(got - g(X, Y)) < 1e-4, `${siting} x${scale} (${i},${j}): ${got}`);
          checked++;
        }
      }
      assert.ok(checked > dw * dh / 4, `${siting} x${scale}: only ${checked} interior`);
    }
  }
});

Deno.test("an 8-bit horizontal ramp with centre siting rounds to the analytic value", () => {
  const [w, h, scale] = [10, 3, 3];
  const src = new Uint8Array(w * h);
  for (let k = 0; k < h; k++) for (let i = 0; i < w; i++) src[k * w + i] = 10 + 20 * i;
  const out = upsamplePlane(src, w, h, { scale, siting: "center", bitDepth: 8 });
  const dw = scale * w;
  for (let j = 0; j < scale * h; j++) {
    for (let i = 0; i < dw; i++) {
      const x = (i + 0.5) / scale - 0.5; // centred mapping
      if (Math.floor(x) < 1 || Math.floor(x) + 2 > w - 1) continue;
      const want = 10 + 20 * x;
      assert.ok(Math.abs(out[j * dw + i] - want) <= 0.5 + 1e-6, `(${i},${j})`);
    }
  }
});

Deno.test("output samples that land on an input sample copy it exactly", () => {
  // Centred chroma at an odd scale: output j = s·k + (s−1)/2 lies on input k. Co-sited chroma
  // at s = 5: (j + ¼)/5 − ¼ = k for j = 5k + 1. Holds up to the borders (taps 0, 1, 0, 0).
  const [w, h] = [7, 6];
  const src = Uint16Array.from(noise(w * h, 1023, 4));
  const cases: [ChromaSiting, number, number, number][] = [
    // siting, scale, column phase, row phase
    ["center", 3, 1, 1],
    ["center", 5, 2, 2],
    ["left", 5, 1, 2],
    ["topleft", 5, 1, 1],
  ];
  for (const [siting, scale, px, py] of cases) {
    const out = upsamplePlane(src, w, h, { scale, siting, bitDepth: 10 });
    const dw = scale * w;
    for (let k = 0; k < h; k++) {
      for (let i = 0; i < w; i++) {
        const got = out[(scale * k + py) * dw + scale * i + px];
        assert.equal(got, src[k * w + i], `${siting} x${scale} (${i},${k})`);
      }
    }
  }
});

Deno.test("borders repeat the edge sample: hand-computed values", () => {
  // One row [50, 150, 150, 150], ×2. Weights at t: K(1+t), K(t), K(1−t), K(2−t) on taps
  // base−1 … base+2, indices clamped to [0, 3].
  const src = new Uint8Array([50, 150, 150, 150]);
  // centre: x(0) = 0.5/2 − 0.5 = −0.25 → base −1, t = 0.75; taps −2, −1, 0, 1 → 50, 50, 50,
  // 150; only K(1.25) = −0.0703125 weighs 150: 50 + 100·(−0.0703125) = 42.97 → 43.
  // x(1) = 0.25 → base 0, t = 0.25; taps 50, 50, 150, 150 with K(1.25) + K(0.25) = 0.796875
  // on the 50s: 50 + 100·0.203125 = 70.3125 → 70. x(7) = 3.25: taps 2, 3, 3, 3 → 150.
  const c = upsamplePlane(src, 4, 1, { scale: 2, siting: "center", bitDepth: 8 });
  assert.equal(c.length, 16);
  assert.deepEqual([c[0], c[1], c[7]], [43, 70, 150]);
  assert.deepEqual(Array.from(c.subarray(8)), Array.from(c.subarray(0, 8))); // 1 row → 2 rows
  // left (co-sited columns): x(0) = 0.25/2 − 0.25 = −0.125 → base −1, t = 0.875; taps 50, 50,
  // 50, 150 with K(1.125) = −0.0478515625 on 150: 50 − 4.78515625 = 45.21 → 45.
  const l = upsamplePlane(src, 4, 1, { scale: 2, siting: "left", bitDepth: 8 });
  assert.equal(l[0], 45);
  // The same row upsampled vertically (a column): the y axis uses the siting's row offset.
  const col = upsamplePlane(src, 1, 4, { scale: 2, siting: "left", bitDepth: 8 });
  assert.deepEqual([col[0], col[2], col[14]], [43, 70, 150]); // rows centred under "left"
});

Deno.test("odd output sizes: each sample is the one the full-size output has there", () => {
  // Luma 5×3 → chroma 3×2; ×3 → luma 15×9 → chroma 8×5 (not 9×6).
  const [w, h, scale] = [3, 2, 3];
  const src = Uint8Array.from(noise(w * h, 255, 2));
  for (const siting of SITINGS) {
    const full = upsamplePlane(src, w, h, { scale, siting, bitDepth: 8 });
    const cut = upsamplePlane(src, w, h, {
      scale,
      siting,
      bitDepth: 8,
      dstWidth: 8,
      dstHeight: 5,
    });
    assert.equal(full.length, 9 * 6);
    assert.equal(cut.length, 8 * 5);
    for (let y = 0; y < 5; y++) {
      assert.deepEqual(
        Array.from(cut.subarray(y * 8, y * 8 + 8)),
        Array.from(full.subarray(y * 9, y * 9 + 8)),
        `${siting} row ${y}`,
      );
    }
  }
});

Deno.test("10-bit output is clamped to 0..1023 where the cubic overshoots", () => {
  // A checkerboard of 0 and 1023 overshoots both ways before clamping.
  const [w, h] = [8, 8];
  const src = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src[y * w + x] = (x + y) % 2 ? 1023 : 0;
  const f = upsamplePlaneFloat(Float32Array.from(src), w, h, { scale: 4, siting: "center" });
  assert.ok(Math.min(...f) < -0.5 && Math.max(...f) > 1023.5, "overshoot expected");
  const out = upsamplePlane(src, w, h, { scale: 4, siting: "center", bitDepth: 10 });
  assert.ok(out.every((v) => v <= 1023));
  assert.ok(out.includes(0) && out.includes(1023));
  // Elsewhere the integer result is the float one rounded.
  for (let i = 0; i < out.length; i++) {
    const want = Math.min(1023, Math.max(0, Math.floor(f[i] + 0.5)));
    assert.ok(Math.abs(out[i] - want) <= 1, `${i}: ${out[i]} vs ${f[i]}`);
  }
  // An 8-bit plane clamps at 255 rather than wrapping.
  const e = upsamplePlane(Uint8Array.from(src, (v) => (v ? 255 : 0)), w, h, {
    scale: 4,
    siting: "center",
    bitDepth: 8,
  });
  for (let i = 0; i < e.length; i++) {
    if (f[i] < 0) assert.equal(e[i], 0, `${i}: negative overshoot must clamp, not wrap`);
    if (f[i] > 1023) assert.equal(e[i], 255, `${i}: positive overshoot must clamp`);
  }
});

Deno.test("upsample rejects bad arguments", () => {
  const src = new Uint8Array(6);
  const ok = { scale: 2, bitDepth: 8 };
  assert.throws(() => upsamplePlane(src, 3, 2, { ...ok, scale: 0 }), RangeError);
  assert.throws(() => upsamplePlane(src, 3, 2, { ...ok, scale: 1.5 }), RangeError);
  assert.throws(() => upsamplePlane(src, 3, 3, ok), RangeError);
  assert.throws(() => upsamplePlane(src, 3, 2, { ...ok, bitDepth: 10 }), RangeError);
  assert.throws(() => upsamplePlane(src, 3, 2, { ...ok, dstWidth: 0 }), RangeError);
  assert.throws(() => upsamplePlane(src, 3, 2, ok, new Uint8Array(5)), RangeError);
  assert.throws(
    () => upsamplePlane(src, 3, 2, { ...ok, siting: "middle" as ChromaSiting }),
    RangeError,
  );
});

Deno.test("chromaSiting maps ffprobe's chroma_location, defaulting to left", () => {
  for (const s of SITINGS) assert.equal(chromaSiting(s), s);
  assert.equal(chromaSiting("unspecified"), "left");
  assert.equal(chromaSiting(undefined), "left");
  assert.equal(chromaSiting("toString"), "left");
});

Deno.test("planeSiting: subsampled axes follow the siting, full-resolution axes are centred", () => {
  const table: [Parameters<typeof planeSiting>, { x: number; y: number }][] = [
    [["left", 1, 1], { x: 0.25, y: 0.5 }],
    [["topleft", 1, 1], { x: 0.25, y: 0.25 }],
    [["bottom", 1, 1], { x: 0.5, y: 0.75 }],
    // 4:2:2: columns as sited, rows co-sited with luma.
    [["left", 1, 0], { x: 0.25, y: 0.5 }],
    [["topleft", 1, 0], { x: 0.25, y: 0.5 }],
    [["center", 1, 0], { x: 0.5, y: 0.5 }],
    // 4:4:4: co-sited with luma both ways, whatever the tag says.
    [["left", 0, 0], { x: 0.5, y: 0.5 }],
    [["topleft", 0, 0], { x: 0.5, y: 0.5 }],
  ];
  for (const [args, want] of table) assert.deepEqual(planeSiting(...args), want, String(args));
});
