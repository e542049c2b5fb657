import assert from "node:assert/strict";
import { OutputError, UsageError } from "../errors.ts";
import { prepareOutput } from "./output.ts";

async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "fsrcnn-output-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const names = async (dir: string) => {
  const all: string[] = [];
  for await (const e of Deno.readDir(dir)) all.push(e.name);
  return all.sort();
};

Deno.test("output file: written beside the target, moved into place on commit", async () => {
  await inTempDir(async (dir) => {
    const t = await prepareOutput(`${dir}/out.mp4`, {
      kind: "video",
      overwrite: false,
      inputs: [],
    });
    assert.ok(t.temp.startsWith(`${dir}/.out.partial-`) && t.temp.endsWith(".mp4"), t.temp);
    await Deno.writeTextFile(t.temp, "result");
    await t.commit();
    assert.deepEqual(await names(dir), ["out.mp4"]);
    assert.equal(await Deno.readTextFile(`${dir}/out.mp4`), "result");
  });
});

Deno.test("output file: refused when it exists, replaced with overwrite", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/out.png`;
    await Deno.writeTextFile(path, "theirs");
    await assert.rejects(
      prepareOutput(path, { kind: "image", overwrite: false, inputs: [] }),
      (e) => e instanceof OutputError && /already exists/.test(e.message),
    );
    const t = await prepareOutput(path, { kind: "image", overwrite: true, inputs: [] });
    await Deno.writeTextFile(t.temp, "ours");
    await t.commit();
    assert.equal(await Deno.readTextFile(path), "ours");
    assert.deepEqual(await names(dir), ["out.png"]);
  });
});

Deno.test("output file: one that appears during the run is not replaced", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/out.mkv`;
    const t = await prepareOutput(path, { kind: "video", overwrite: false, inputs: [] });
    await Deno.writeTextFile(t.temp, "ours");
    await Deno.writeTextFile(path, "theirs");
    await assert.rejects(
      t.commit(),
      (e) => e instanceof OutputError && e.message.startsWith(`${path}: appeared while`),
    );
    await t.discard();
    assert.equal(await Deno.readTextFile(path), "theirs");
    assert.deepEqual(await names(dir), ["out.mkv"]);
  });
});

Deno.test("output file: the input itself is refused", async () => {
  await inTempDir(async (dir) => {
    const path = `${dir}/clip.mp4`;
    await Deno.writeTextFile(path, "input");
    await assert.rejects(
      prepareOutput(`${dir}/./clip.mp4`, { kind: "video", overwrite: true, inputs: [path] }),
      UsageError,
    );
  });
});

Deno.test("output frames: a frame that appears during the run stops the move of all", async () => {
  await inTempDir(async (dir) => {
    const out = `${dir}/frames`;
    const t = await prepareOutput(out, { kind: "sequence-dir", overwrite: false, inputs: [] });
    assert.equal(t.pattern, "%06d.png");
    for (const n of ["000001.png", "000002.png"]) {
      await Deno.writeTextFile(`${t.temp}/${n}`, "ours");
    }
    await Deno.writeTextFile(`${out}/000002.png`, "theirs");
    await assert.rejects(t.commit(), OutputError);
    await t.discard();
    assert.deepEqual(await names(out), ["000002.png"]);
    assert.equal(await Deno.readTextFile(`${out}/000002.png`), "theirs");
  });
});
