import assert from "node:assert/strict";
import {
  decodeSafetensors,
  encodeSafetensors,
  floatToHalf,
  halfToFloat,
  SafetensorsFormatError,
} from "./safetensors.ts";

const tensors: Array<[string, { shape: number[]; data: Float32Array }]> = [
  ["a", { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-7, -1e6]) }],
  ["b.weight", { shape: [1], data: Float32Array.from([0.25]) }],
  ["empty", { shape: [0, 4], data: new Float32Array(0) }],
];

Deno.test("safetensors: F32 round trip keeps names, shapes, values and metadata", () => {
  const bytes = encodeSafetensors(tensors, { scale: "2", note: "x" });
  const back = decodeSafetensors(bytes);
  assert.deepEqual(back.metadata, { scale: "2", note: "x" });
  assert.deepEqual([...back.tensors.keys()], tensors.map(([n]) => n));
  for (const [name, t] of tensors) {
    assert.deepEqual(back.tensors.get(name)!.shape, t.shape);
    assert.deepEqual(back.tensors.get(name)!.data, t.data);
  }
});

Deno.test("safetensors: header is 8-byte aligned and parses as the format says", () => {
  const bytes = encodeSafetensors(tensors);
  const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(n % 8, 0);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  assert.deepEqual(header.a, { dtype: "F32", shape: [2, 3], data_offsets: [0, 24] });
  assert.deepEqual(header["b.weight"].data_offsets, [24, 28]);
  assert.equal(bytes.length, 8 + n + 28);
});

Deno.test("safetensors: F16 round trip is exact for values representable in half", () => {
  const data = Float32Array.from([0, 1, -2, 0.5, 65504, 2 ** -24, -0.333251953125]);
  const bytes = encodeSafetensors([["h", { shape: [7], data }]], {}, "F16");
  assert.deepEqual(decodeSafetensors(bytes).tensors.get("h")!.data, data);
});

Deno.test("half floats: known bit patterns and rounding to nearest even", () => {
  const cases: Array<[number, number]> = [
    [0, 0x0000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [2 ** -24, 0x0001],
    [0.1, 0x2e66],
    [Infinity, 0x7c00],
    [1e6, 0x7c00],
  ];
  for (const [value, bits] of cases) {
    assert.equal(floatToHalf(value), bits, `floatToHalf(${value})`);
    if (Number.isFinite(value) && value < 65520) {
      assert.equal(halfToFloat(bits), Math.fround(halfToFloat(floatToHalf(value))));
    }
  }
  // 1 + 2^-11 is halfway between 1 and the next half (1 + 2^-10): ties go to even (1).
  assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00);
  assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02);
});

function corrupt(mutate: (bytes: Uint8Array) => Uint8Array): Uint8Array {
  return mutate(encodeSafetensors(tensors));
}

Deno.test("safetensors: corrupt files are rejected with a reason", () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ["too short", new Uint8Array(5), /too short/],
    [
      "header longer than the file",
      corrupt((b) => {
        new DataView(b.buffer).setBigUint64(0, 1_000_000n, true);
        return b;
      }),
      /does not fit/,
    ],
    ["truncated data", corrupt((b) => b.subarray(0, b.length - 3)), /truncated/],
    [
      "garbage header",
      corrupt((b) => {
        b[8] = 0x7b;
        b[9] = 0x7b;
        return b;
      }),
      /not valid JSON/,
    ],
  ];
  for (const [name, bytes, pattern] of cases) {
    assert.throws(() => decodeSafetensors(bytes), (e: unknown) => {
      assert.ok(e instanceof SafetensorsFormatError, name);
      assert.match((e as Error).message, pattern, name);
      return true;
    });
  }
});

Deno.test("safetensors: unsupported dtype and inconsistent offsets are named", () => {
  const make = (entry: unknown) => {
    const json = new TextEncoder().encode(JSON.stringify({ t: entry }));
    const out = new Uint8Array(8 + json.length + 16);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    return out;
  };
  assert.throws(
    () => decodeSafetensors(make({ dtype: "I8", shape: [4], data_offsets: [0, 4] })),
    /tensor t: dtype "I8" is not supported/,
  );
  assert.throws(
    () => decodeSafetensors(make({ dtype: "F32", shape: [3], data_offsets: [0, 16] })),
    /tensor t: 16 bytes for shape \[3\]/,
  );
  const nan = make({ dtype: "F32", shape: [1], data_offsets: [0, 4] });
  new DataView(nan.buffer).setFloat32(nan.length - 16, NaN, true);
  assert.throws(() => decodeSafetensors(nan), /NaN/);
});
