import assert from "node:assert/strict";
import { OutputError } from "../core/errors.ts";
import { fsrcnnConfig } from "../net/fsrcnn/config.ts";
import { cloneWeights, initWeights } from "../net/weights/file.ts";
import {
  identityChange,
  inputIdentity,
  type PixelSettings,
  PLAN_FORMAT,
  planProblem,
  readPlan,
  settingsChange,
  weightsDigest,
  type WorkPlan,
  writeJsonAtomic,
  writing,
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
  deinterlace: "frame",
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

function validPlan(): WorkPlan {
  return structuredClone({
    format: PLAN_FORMAT,
    created: "2026-12-07T00:00:00.000Z",
    settings: SETTINGS,
    run: { backend: "auto", tile: null, batch: 4 },
    items: [{
      input: "/films/a.mkv",
      output: "/films/a_x2.mkv",
      overwrite: false,
      identity: { path: "/films/a.mkv", size: 1000, mtimeMs: 1, headTail: "ab" },
      folder: "items/0000",
      timeBase: { num: 1, den: 1000 },
      frames: 30,
      segments: [
        { index: 0, start: null, end: 480, firstPts: 0, frames: 12 },
        { index: 1, start: 480, end: null, firstPts: 480, frames: 18 },
      ],
      weights: { name: "paper", reason: "asked for", digest: "c".repeat(64) },
    }],
  });
}

Deno.test("planProblem names the first missing or mistyped field of a damaged plan", () => {
  assert.equal(planProblem(validPlan()), null);
  // deno-lint-ignore no-explicit-any
  const table: [(p: any) => void, string][] = [
    [(p) => delete p.settings, "settings is missing"],
    [(p) => delete p.settings.codec, "settings.codec is missing"],
    [(p) => (p.settings.crf = "18"), "settings.crf is not a number or null"],
    [(p) => (p.settings.encoderArgs = [1]), "settings.encoderArgs[0] is not a string"],
    [(p) => delete p.run, "run is missing"],
    [(p) => (p.items = {}), "items is not a list"],
    [(p) => (p.items = []), "items is empty (a plan has at least one video)"],
    [(p) => (p.items[0] = null), "items[0] is not an object"],
    [(p) => delete p.items[0].output, "items[0].output is missing"],
    [(p) => delete p.items[0].identity.size, "items[0].identity.size is missing"],
    [(p) => (p.items[0].timeBase.den = 0.5), "items[0].timeBase.den is not a whole number"],
    [(p) => delete p.items[0].segments[1].frames, "items[0].segments[1].frames is missing"],
    [(p) => (p.items[0].segments = []), "items[0].segments is empty"],
    [(p) => (p.items[0].segments[1].index = 5), "items[0].segments are not numbered 0, 1, 2, …"],
    [(p) => (p.items[0].frames = 31), "items[0].frames is not the sum of its segments' frames"],
    [(p) => delete p.items[0].weights.digest, "items[0].weights.digest is missing"],
    [
      (p) => (p.items[0].folder = "../../etc"),
      "items[0].folder is not a folder inside the work folder",
    ],
    [(p) => (p.items[0].folder = "/tmp"), "items[0].folder is not a folder inside the work folder"],
  ];
  for (const [damage, problem] of table) {
    const p = validPlan();
    damage(p);
    assert.equal(planProblem(p), problem);
  }
});

Deno.test("readPlan refuses a damaged plan in one line naming plan.json and the field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = validPlan() as Partial<WorkPlan>;
    delete p.settings;
    await writeJsonAtomic(`${dir}/plan.json`, p);
    await assert.rejects(() => readPlan(dir), (e: Error) => {
      assert.ok(e instanceof OutputError);
      assert.equal(e.message, `${dir}/plan.json: is damaged: settings is missing`);
      return true;
    });
    await writeJsonAtomic(`${dir}/plan.json`, validPlan());
    assert.deepEqual(await readPlan(dir), validPlan());
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeJsonAtomic on a full file system: one line naming the file, nothing left", async () => {
  const dir = await Deno.makeTempDir();
  const mount = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir],
    stderr: "null",
  }).output().catch(() => ({ code: -1 }));
  try {
    if (mount.code !== 0) {
      console.warn("full file system test skipped: cannot mount a tmpfs (not root?)");
      return;
    }
    // Fill it: writes fail with ENOSPC.
    await Deno.writeFile(`${dir}/fill`, new Uint8Array(64 << 10)).catch(() => {});
    await assert.rejects(
      () => writeJsonAtomic(`${dir}/seg.done.json`, { n: "x".repeat(8192) }),
      (e: Error) => {
        assert.ok(e instanceof OutputError, String(e));
        assert.equal(
          e.message,
          `${dir}/seg.done.json: cannot be written (No space left on device)`,
        );
        return true;
      },
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["fill"]);
  } finally {
    if (mount.code === 0) await new Deno.Command("umount", { args: [dir] }).output();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writing: other errors pass through unchanged", async () => {
  const bug = new TypeError("a bug");
  await assert.rejects(() => writing("/x", () => Promise.reject(bug)), (e) => e === bug);
  await assert.rejects(
    () => writing("/nonexistent-folder/x", () => Deno.writeTextFile("/nonexistent-folder/x", "")),
    (e: Error) =>
      e instanceof OutputError &&
      /^\/nonexistent-folder\/x: cannot be written \(No such file or directory\)$/.test(e.message),
  );
});
