import assert from "node:assert/strict";
import { frameLayout, YUV420P, YUV420P10LE } from "./format.ts";
import { floatToPlane, joinFrame, planeToFloat, splitFrame } from "./planes.ts";

/** Deterministic pseudo-random bytes (xorshift32), so failures are repeatable. */
function noise(n: number, seed = 12345): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s & 255;
  }
  return out;
}

/** `n` bytes placed at byte offset `shift` of a larger buffer (so possibly unaligned). */
function at(shift: number, bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.length + shift + 3);
  buf.set(bytes, shift);
  return buf.subarray(shift, shift + bytes.length);
}

const SIZES: [number, number][] = [[1, 1], [3, 5], [4, 2], [17, 9]];

Deno.test("splitFrame / joinFrame round trip, 8-bit, any byte offset", () => {
  for (const [w, h] of SIZES) {
    const layout = frameLayout(YUV420P, w, h);
    const original = noise(layout.frameBytes, w * 31 + h);
    for (const shift of [0, 1, 2, 3]) {
      const bytes = at(shift, original);
      const p = splitFrame(bytes, layout);
      for (const name of ["y", "u", "v"] as const) {
        const pl = layout[name];
        assert.ok(p[name] instanceof Uint8Array);
        assert.deepEqual(
          Array.from(p[name]),
          Array.from(original.subarray(pl.offset, pl.offset + pl.byteLength)),
          `${name} ${w}x${h} +${shift}`,
        );
      }
      assert.deepEqual(joinFrame(p, layout), original);
      // Into a caller's buffer that starts at an odd offset.
      const out = at(1, new Uint8Array(layout.frameBytes));
      assert.equal(joinFrame(p, layout, out), out);
      assert.deepEqual(out, original);
    }
  }
});

Deno.test("splitFrame / joinFrame round trip, 10-bit little-endian, any byte offset", () => {
  for (const [w, h] of SIZES) {
    const layout = frameLayout(YUV420P10LE, w, h);
    // Little-endian 10-bit codes, written byte by byte so the test doesn't rely on the host.
    const samples = layout.frameBytes / 2;
    const codes = Array.from(
      noise(samples * 2, w + 7 * h).subarray(0, samples),
      (b, i) => i % 5 === 0 ? 1023 : i % 7 === 0 ? 0 : (b * 4 + (i & 3)) & 1023,
    );
    const original = new Uint8Array(layout.frameBytes);
    codes.forEach((c, i) => {
      original[2 * i] = c & 255;
      original[2 * i + 1] = c >> 8;
    });
    for (const shift of [0, 1, 2, 3]) {
      const p = splitFrame(at(shift, original), layout);
      for (const name of ["y", "u", "v"] as const) {
        const pl = layout[name];
        assert.ok(p[name] instanceof Uint16Array);
        assert.deepEqual(
          Array.from(p[name]),
          codes.slice(pl.offset / 2, (pl.offset + pl.byteLength) / 2),
          `${name} ${w}x${h} +${shift}`,
        );
      }
      assert.deepEqual(joinFrame(p, layout), original);
      const out = at(3, new Uint8Array(layout.frameBytes));
      joinFrame(p, layout, out);
      assert.deepEqual(out, original);
    }
  }
});

Deno.test("splitFrame views 8-bit and aligned 10-bit frames without copying", () => {
  const l8 = frameLayout(YUV420P, 4, 4);
  const b8 = new Uint8Array(l8.frameBytes);
  const p8 = splitFrame(b8, l8);
  b8[l8.u.offset] = 77;
  assert.equal(p8.u[0], 77);
  const l10 = frameLayout(YUV420P10LE, 4, 4);
  const b10 = new Uint8Array(l10.frameBytes);
  const p10 = splitFrame(b10, l10);
  b10[l10.v.offset] = 1;
  b10[l10.v.offset + 1] = 2;
  assert.equal(p10.v[0], 513);
});

Deno.test("splitFrame / joinFrame reject mismatched sizes and sample types", () => {
  const layout = frameLayout(YUV420P10LE, 3, 3);
  assert.throws(() => splitFrame(new Uint8Array(layout.frameBytes - 1), layout), RangeError);
  assert.throws(() => splitFrame(new Uint8Array(layout.frameBytes + 2), layout), RangeError);
  const p = splitFrame(new Uint8Array(layout.frameBytes), layout);
  assert.throws(() => joinFrame({ ...p, u: new Uint8Array(4) }, layout), RangeError);
  assert.throws(() => joinFrame({ ...p, v: new Uint16Array(5) }, layout), RangeError);
  assert.throws(() => joinFrame(p, layout, new Uint8Array(layout.frameBytes + 1)), RangeError);
});

for (const bits of [8, 10]) {
  Deno.test(`planeToFloat / floatToPlane round trip every ${bits}-bit code`, () => {
    const max = 2 ** bits - 1;
    const codes = bits === 8 ? new Uint8Array(max + 1) : new Uint16Array(max + 1);
    for (let c = 0; c <= max; c++) codes[c] = c;
    const f = planeToFloat(codes, bits);
    assert.equal(f[0], 0);
    assert.equal(f[max], 1);
    for (let c = 0; c <= max; c++) {
      // value / (2^bits − 1), to float32 precision.
      assert.ok(Math.abs(f[c] - c / max) <= 2 ** -24, `code ${c}: ${f[c]}`);
      if (c > 0) assert.ok(f[c] > f[c - 1], `monotone at ${c}`);
    }
    const back = floatToPlane(f, bits);
    assert.equal(back.constructor, codes.constructor);
    assert.deepEqual(Array.from(back), Array.from(codes));
  });

  Deno.test(`floatToPlane clamps, rounds half up and maps NaN to 0 (${bits}-bit)`, () => {
    const max = 2 ** bits - 1;
    const f = new Float32Array([-0.2, 1.3, NaN, Infinity, -Infinity, 0.5, -0.001, 1.001]);
    const expected = [0, max, 0, max, 0, (max + 1) / 2, 0, max]; // max·0.5 = k + ½ → k + 1
    assert.deepEqual(Array.from(floatToPlane(f, bits)), expected);
    // Just below and above a half-way point between two codes.
    const c = 100;
    const g = new Float32Array([(c + 0.49) / max, (c + 0.51) / max, (c - 0.49) / max]);
    assert.deepEqual(Array.from(floatToPlane(g, bits)), [c, c + 1, c]);
  });
}

Deno.test("planeToFloat / floatToPlane write into a given output and check it", () => {
  const codes = new Uint16Array([0, 512, 1023]);
  const f = new Float32Array(3);
  assert.equal(planeToFloat(codes, 10, f), f);
  const out = new Uint16Array(3);
  assert.equal(floatToPlane(f, 10, out), out);
  assert.deepEqual(Array.from(out), [0, 512, 1023]);
  assert.throws(() => floatToPlane(f, 10, new Uint8Array(3)), RangeError);
  assert.throws(() => floatToPlane(f, 8, new Uint8Array(2)), RangeError);
  assert.throws(() => planeToFloat(new Uint8Array(3), 10), RangeError);
  assert.throws(() => planeToFloat(codes, 0), RangeError);
  assert.throws(() => planeToFloat(codes, 10, new Float32Array(2)), RangeError);
});

Deno.test("splitFrame / joinFrame carry an alpha plane, 8- and 10-bit", () => {
  for (const name of ["yuva420p", "yuva444p10le"] as const) {
    for (const [w, h] of SIZES) {
      const layout = frameLayout(name, w, h);
      const original = noise(layout.frameBytes, w * 13 + h);
      // 10-bit codes stay in range, so that what comes back is the same bytes.
      if (layout.format.bytesPerSample === 2) {
        for (let i = 1; i < original.length; i += 2) original[i] &= 3;
      }
      const p = splitFrame(original, layout);
      const a = layout.a!;
      assert.equal(p.a!.length, w * h, `${name} ${w}x${h}`);
      assert.deepEqual(
        new Uint8Array(p.a!.buffer, p.a!.byteOffset, p.a!.byteLength),
        original.subarray(a.offset, a.offset + a.byteLength),
        `${name} ${w}x${h}`,
      );
      assert.deepEqual(joinFrame(p, layout), original, `${name} ${w}x${h}`);
      assert.throws(() => joinFrame({ y: p.y, u: p.u, v: p.v }, layout), RangeError);
    }
  }
});
