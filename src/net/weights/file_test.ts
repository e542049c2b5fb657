import assert from "node:assert/strict";
import { OutputError, WeightsError } from "../../core/errors.ts";
import { architectureOf, networkConfig } from "../networks.ts";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.ts";
import { decodeWeights, encodeWeights, initWeights, loadWeights, saveWeights } from "./file.ts";

Deno.test("parameter names and shapes are the PyTorch reference's", () => {
  const specs = architectureOf("fsrcnn").params(networkConfig("fsrcnn", 3));
  assert.deepEqual(specs.map((p) => p.name), [
    "NN1.0.weight",
    "NN1.0.bias",
    "NN1.1.weight",
    "NN1.2.weight",
    "NN1.2.bias",
    "NN1.3.weight",
    ...[4, 6, 8, 10].flatMap((i) => [`NN1.${i}.weight`, `NN1.${i}.bias`, `NN1.${i + 1}.weight`]),
    "NN1.12.weight",
    "NN1.12.bias",
    "NN1.13.weight",
    "NN2.weight",
    "NN2.bias",
  ]);
  const shape = Object.fromEntries(specs.map((p) => [p.name, p.shape]));
  assert.deepEqual(shape["NN1.0.weight"], [56, 1, 5, 5]);
  assert.deepEqual(shape["NN1.1.weight"], [56]);
  assert.deepEqual(shape["NN1.2.weight"], [12, 56, 1, 1]);
  assert.deepEqual(shape["NN1.4.weight"], [12, 12, 3, 3]);
  assert.deepEqual(shape["NN1.12.weight"], [56, 12, 1, 1]);
  assert.deepEqual(shape["NN2.weight"], [56, 1, 9, 9]);
  assert.deepEqual(shape["NN2.bias"], [1]);
});

Deno.test("unsupported scales are refused", () => {
  for (const s of [1, 5, 2.5, 0, -2]) {
    assert.throws(() => networkConfig("fsrcnn", s), /unsupported scale/);
  }
});

Deno.test("initialisation follows the reference's distributions", () => {
  const w = initWeights(networkConfig("fsrcnn", 2), 42);
  const stats = (a: Float32Array) => {
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    const sd = Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / a.length);
    return { mean, sd };
  };
  // std sqrt(2 / (out·k·k)): conv1 56·25, mapping 12·9, deconv 0.001.
  const c1 = stats(w.params.get("NN1.0.weight")!);
  assert.ok(Math.abs(c1.sd - Math.sqrt(2 / (56 * 25))) < 0.1 * Math.sqrt(2 / (56 * 25)));
  const map = stats(w.params.get("NN1.4.weight")!);
  assert.ok(Math.abs(map.sd - Math.sqrt(2 / (12 * 9))) < 0.15 * Math.sqrt(2 / (12 * 9)));
  const dc = stats(w.params.get("NN2.weight")!);
  assert.ok(Math.abs(dc.sd - 0.001) < 0.0001 && Math.abs(dc.mean) < 0.0001);
  assert.ok(w.params.get("NN1.0.bias")!.every((v) => v === 0));
  assert.ok(w.params.get("NN2.bias")!.every((v) => v === 0));
  assert.ok(w.params.get("NN1.1.weight")!.every((v) => v === 0.25));
  // Same seed, same weights; another seed, others.
  assert.deepEqual(initWeights(networkConfig("fsrcnn", 2), 42).params, w.params);
  assert.notDeepEqual(
    initWeights(networkConfig("fsrcnn", 2), 43).params.get("NN1.0.weight"),
    w.params.get("NN1.0.weight"),
  );
});

Deno.test("weights file round trip keeps every tensor and the metadata", async () => {
  const w = initWeights(networkConfig("fsrcnn", 4, { d: 32, s: 5, m: 3 }), 1);
  w.metadata.trained = "test";
  const path = await Deno.makeTempFile({ suffix: ".safetensors" });
  try {
    await saveWeights(path, w);
    const back = await loadWeights(path);
    assert.deepEqual(back.config, w.config);
    assert.deepEqual(back.params, w.params);
    assert.equal(back.metadata.trained, "test");
    assert.equal(back.metadata.scale, "4");
    assert.equal(back.metadata.m, "3");
  } finally {
    await Deno.remove(path);
  }
});

function rewrite(
  mutate: (
    t: Map<string, { shape: number[]; data: Float32Array }>,
    meta: Record<string, string>,
  ) => void,
): Uint8Array {
  const { tensors, metadata } = decodeSafetensors(
    encodeWeights(initWeights(networkConfig("fsrcnn", 2), 1)),
  );
  mutate(tensors, metadata);
  return encodeSafetensors(tensors, metadata);
}

Deno.test("mismatched weights are rejected naming the file and the tensor", () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    [
      "missing tensor",
      rewrite((t) => t.delete("NN1.6.bias")),
      /f\.st: missing tensor NN1\.6\.bias/,
    ],
    [
      "wrong shape",
      rewrite((t) => {
        t.set("NN1.1.weight", { shape: [55], data: new Float32Array(55) });
      }),
      /tensor NN1\.1\.weight has shape \[55\], expected \[56\]/,
    ],
    [
      "extra tensor",
      rewrite((t) => {
        t.set("NN3.weight", { shape: [1], data: new Float32Array(1) });
      }),
      /unexpected tensor NN3\.weight/,
    ],
    [
      "bad scale",
      rewrite((_, m) => {
        m.scale = "5";
      }),
      /metadata scale 5 is not 2, 3 or 4/,
    ],
    [
      "inconsistent d",
      rewrite((_, m) => {
        m.d = "64";
      }),
      /metadata says d=64 but the tensors have d=56/,
    ],
    [
      "not safetensors",
      new TextEncoder().encode("hello, world"),
      /f\.st: not a valid weights file/,
    ],
  ];
  for (const [name, bytes, pattern] of cases) {
    assert.throws(() => decodeWeights(bytes, "f.st"), (e: unknown) => {
      assert.ok(e instanceof WeightsError, name);
      assert.match((e as Error).message, pattern, name);
      return true;
    });
  }
});

Deno.test("a weights file without metadata (a bare PyTorch export) loads with the scale given", () => {
  const { tensors } = decodeSafetensors(encodeWeights(initWeights(networkConfig("fsrcnn", 3), 1)));
  const bare = encodeSafetensors(tensors);
  assert.throws(() => decodeWeights(bare, "bare.st"), /no scale in the metadata/);
  const w = decodeWeights(bare, "bare.st", 3);
  assert.equal(w.config.scale, 3);
  assert.deepEqual(w.params, initWeights(networkConfig("fsrcnn", 3), 1).params);
  assert.throws(
    () => decodeWeights(encodeWeights(w), "x3.st", 2),
    /weights are for scale 3, not the requested 2/,
  );
});

Deno.test("loading a missing file or a directory says so", async () => {
  await assert.rejects(
    loadWeights("/nonexistent/w.safetensors"),
    /w\.safetensors: weights file not found/,
  );
  await assert.rejects(loadWeights("/tmp"), /\/tmp: is a directory/);
});

Deno.test("saving into a missing folder is an OutputError naming the file, and leaves nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/missing/w.safetensors`;
    await assert.rejects(
      saveWeights(path, initWeights(networkConfig("fsrcnn", 2), 1)),
      (e: unknown) =>
        e instanceof OutputError &&
        /missing\/w\.safetensors: cannot write weights/.test((e as Error).message),
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a weights file names its network in its metadata, and its shape with it", () => {
  const small = initWeights(networkConfig("fsrcnn-s", 2), 4);
  const { metadata } = decodeSafetensors(encodeWeights(small));
  assert.equal(metadata.network, "fsrcnn-s");
  assert.deepEqual([metadata.d, metadata.s, metadata.m, metadata.scale], ["32", "5", "1", "2"]);
  const back = decodeWeights(encodeWeights(small), "small.st");
  assert.equal(back.network, "fsrcnn-s");
  assert.deepEqual(back.config, small.config);
  assert.deepEqual(back.params, small.params);
  assert.equal(
    decodeSafetensors(encodeWeights(initWeights(networkConfig("fsrcnn", 2)))).metadata
      .network,
    "fsrcnn",
  );
});

Deno.test("a file that does not name its network is recognised from its tensors", () => {
  const cases = [
    { cfg: networkConfig("fsrcnn-s", 2), network: "fsrcnn-s" },
    { cfg: networkConfig("fsrcnn", 4), network: "fsrcnn" },
    // An experiment's own shape is FSRCNN by its tensors' names.
    { cfg: networkConfig("fsrcnn", 3, { d: 20, s: 7, m: 2 }), network: "fsrcnn" },
  ];
  for (const c of cases) {
    const { tensors } = decodeSafetensors(encodeWeights(initWeights(c.cfg, 2)));
    // As a PyTorch export: no metadata at all, the scale given by the caller.
    const w = decodeWeights(encodeSafetensors(tensors), "export.st", c.cfg.scale);
    assert.equal(w.network, c.network, JSON.stringify(c.cfg));
    assert.deepEqual(w.config, c.cfg);
  }
});

Deno.test("the shipped weights, which name no network, load unchanged as fsrcnn", async () => {
  for (const file of ["fsrcnn_x2", "fsrcnn_video_x2", "fsrcnn_x4"]) {
    const path = new URL(`../../../models/${file}.safetensors`, import.meta.url).pathname;
    const w = await loadWeights(path);
    assert.equal(w.metadata.network, undefined, file);
    assert.equal(w.network, "fsrcnn", file);
    assert.deepEqual({ ...w.config, scale: 2 }, networkConfig("fsrcnn", 2));
    // Saved again, the file names its network and its parameters are the same.
    const again = decodeWeights(encodeWeights(w), path);
    assert.equal(again.metadata.network, "fsrcnn");
    assert.deepEqual(again.params, w.params);
  }
});

Deno.test("a network the metadata names must be known and fit the tensors", () => {
  const cases: Array<[Uint8Array, RegExp]> = [
    [
      rewrite((_, m) => {
        m.network = "edsr";
      }),
      /^f\.st: unknown network "edsr" in the metadata \(known: fsrcnn, fsrcnn-s\)$/,
    ],
    [
      rewrite((t, m) => {
        m.network = "fsrcnn-s";
        t.delete("NN1.2.weight");
      }),
      /^f\.st: missing tensor NN1\.0\.weight or NN1\.2\.weight: not FSRCNN weights$/,
    ],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => decodeWeights(bytes, "f.st"), (e: unknown) => {
      assert.ok(e instanceof WeightsError);
      assert.match((e as Error).message, pattern);
      return true;
    });
  }
});
