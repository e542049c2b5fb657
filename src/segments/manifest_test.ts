import assert from "node:assert/strict";
import { fsrcnnConfig } from "../model/config.ts";
import { cloneWeights, initWeights } from "../model/weights.ts";
import {
  identityChange,
  inputIdentity,
  type PixelSettings,
  settingsChange,
  weightsDigest,
  writeJsonAtomic,
} from "./manifest.ts";

const SETTINGS: PixelSettings = {
  scale: 2,
  weights: "auto",
  codec: "libx264",
  crf: 18,
  preset: null,
  pixFmt: null,
  encoderArgs: [],
  segmentSeconds: 120,
};

Deno.test("settingsChange names the first setting that differs", () => {
  assert.equal(settingsChange(SETTINGS, { ...SETTINGS }), null);
  assert.equal(settingsChange(SETTINGS, { ...SETTINGS, crf: 20 }), "crf 18, now 20");
  assert.equal(
    settingsChange(SETTINGS, { ...SETTINGS, preset: "slow" }),
    "preset default, now slow",
  );
  assert.equal(
    settingsChange(SETTINGS, { ...SETTINGS, encoderArgs: ["-tune", "film"] }),
    "encoder arguments none, now -tune film",
  );
  // Weights given as files are told apart by their digests; shipped ones by name.
  const a = "a".repeat(64), b = "b".repeat(64);
  assert.equal(
    settingsChange({ ...SETTINGS, weights: a }, { ...SETTINGS, weights: b, crf: 1 }),
    "other weights",
  );
  assert.equal(
    settingsChange({ ...SETTINGS, weights: "auto" }, { ...SETTINGS, weights: "paper" }),
    "weights auto, now paper",
  );
  assert.equal(
    settingsChange({ ...SETTINGS, weights: "auto" }, { ...SETTINGS, weights: a }),
    "weights auto, now given",
  );
  assert.equal(
    settingsChange(SETTINGS, { ...SETTINGS, segmentSeconds: 60 }),
    "segment length 120, now 60",
  );
});

Deno.test("inputIdentity: size, mtime and a hash of head and tail tell files apart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/f.bin`;
    const data = new Uint8Array(3 << 20).map((_, i) => i % 251);
    await Deno.writeFile(path, data);
    const a = await inputIdentity(path);
    assert.equal(a.size, 3 << 20);
    assert.equal(identityChange(a, await inputIdentity(path)), null);
    // A byte in the middle is not read: the head and tail stand for the file.
    data[1_500_000] ^= 1;
    await Deno.writeFile(path, data);
    await Deno.utime(path, a.mtimeMs! / 1000, a.mtimeMs! / 1000);
    assert.equal(identityChange(a, await inputIdentity(path)), null);
    data[data.length - 1] ^= 1;
    await Deno.writeFile(path, data);
    await Deno.utime(path, a.mtimeMs! / 1000, a.mtimeMs! / 1000);
    assert.equal(identityChange(a, await inputIdentity(path)), "its content changed");
    await Deno.writeFile(path, data.subarray(1));
    assert.match(identityChange(a, await inputIdentity(path))!, /its size changed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("weightsDigest follows the tensors, not the metadata", async () => {
  const w = initWeights(fsrcnnConfig(2), 1);
  const same = cloneWeights(w);
  same.metadata.note = "another note";
  assert.equal(await weightsDigest(w), await weightsDigest(same));
  const other = cloneWeights(w);
  other.params.get("NN2.weight")![0] += 1e-6;
  assert.notEqual(await weightsDigest(w), await weightsDigest(other));
});

Deno.test("writeJsonAtomic replaces a file whole and leaves no temporary file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeJsonAtomic(`${dir}/a.json`, { n: 1 });
    await writeJsonAtomic(`${dir}/a.json`, { n: 2 });
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/a.json`)), { n: 2 });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
