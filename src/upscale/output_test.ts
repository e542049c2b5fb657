import assert from "node:assert/strict";
import { OutputError, UsageError } from "../core/errors.ts";
import type { MediaKind } from "./kinds.ts";
import { type InputPlace, prepareOutput, refuseWritingOverInputs } from "./output.ts";

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
      prepareOutput(`${dir}/./clip.mp4`, {
        kind: "video",
        overwrite: true,
        inputs: [{ path, kind: "video" }],
      }),
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

Deno.test("outputs over inputs: refused through any spelling; others pass", async () => {
  await inTempDir(async (dir) => {
    await Deno.mkdir(`${dir}/F`);
    for (const n of ["0001", "0002", "1000"]) await Deno.writeTextFile(`${dir}/F/${n}.png`, n);
    await Deno.writeTextFile(`${dir}/F/clip.mp4`, "video");
    await Deno.symlink("F", `${dir}/L`);
    await Deno.mkdir(`${dir}/G`);
    await Deno.symlink("../F/0002.png", `${dir}/G/linked.png`);
    const pattern: InputPlace = { path: `${dir}/F/%04d.png`, kind: "sequence-pattern" };
    const folder: InputPlace = { path: `${dir}/F`, kind: "sequence-dir" };
    const video: InputPlace = { path: `${dir}/F/clip.mp4`, kind: "video" };
    const linked: InputPlace = { path: `${dir}/G`, kind: "sequence-dir" };
    const refused: [string, MediaKind, InputPlace, RegExp][] = [
      [`${dir}/F/%04d.png`, "sequence-pattern", pattern, /would write over the input/],
      [`${dir}/L/%4d.png`, "sequence-pattern", pattern, /would write over the input/],
      [`${dir}/./F/%d.png`, "sequence-pattern", pattern, /F\/1000\.png$/],
      [`${dir}/F/%04d.png`, "sequence-pattern", folder, /writes frames into the input folder/],
      [`${dir}/L/`, "sequence-dir", folder, /output is the input folder$/],
      [`${dir}/F`, "sequence-dir", pattern, /output is the folder of the input frames/],
      [`${dir}/F/%04d.png`, "sequence-pattern", linked, /G\/linked\.png$/],
      [`${dir}/L/clip.mp4`, "video", video, /output is the same file as the input$/],
    ];
    for (const [path, kind, input, says] of refused) {
      await assert.rejects(
        refuseWritingOverInputs(path, kind, [input]),
        (e) => e instanceof UsageError && says.test(e.message),
        `${path} over ${JSON.stringify(input)}`,
      );
    }
    const passed: [string, MediaKind, InputPlace][] = [
      [`${dir}/F/up_%04d.png`, "sequence-pattern", pattern],
      [`${dir}/F/%06d.png`, "sequence-pattern", pattern],
      [`${dir}/F/%05d.png`, "sequence-pattern", pattern],
      [`${dir}/F/sub`, "sequence-dir", folder],
      [`${dir}/F/out.mp4`, "video", folder],
      [`${dir}/F`, "sequence-dir", video],
      [`${dir}/new/%04d.png`, "sequence-pattern", pattern],
    ];
    for (const [path, kind, input] of passed) {
      await refuseWritingOverInputs(path, kind, [input]);
    }
  });
});
