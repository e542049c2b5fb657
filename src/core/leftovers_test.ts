import assert from "node:assert/strict";
import { makeTaggedTempDir, processState, processTag, removeLeftovers } from "./leftovers.ts";

/** The id of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" }).spawn();
  await child.status;
  return child.pid;
}

const onLinux = Deno.build.os === "linux";

Deno.test("process tags carry this process's id", () => {
  assert.match(processTag(), new RegExp(`^${Deno.pid}-[0-9a-f]{8}$`));
  assert.notEqual(processTag(), processTag());
});

Deno.test({
  name: "process state: this one runs, an exited one is gone, a reused id is gone",
  ignore: !onLinux, // reads /proc
  fn: async () => {
    assert.equal(await processState(Deno.pid, new Date()), "running");
    assert.equal(await processState(await deadPid(), new Date()), "gone");
    // Process 1 started long after 2000: it cannot have written a file last changed then.
    assert.equal(await processState(1, new Date(2000, 0, 1)), "gone");
    assert.equal(await processState(1, new Date()), "running");
  },
});

Deno.test({
  name: "leftovers: only matching names of gone processes are removed, folders included",
  ignore: !onLinux,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "fsrcnn-leftovers-" });
    try {
      const dead = await deadPid();
      const files = {
        stale: `.clip.partial-${dead}-0123abcd.mp4`,
        live: `.clip.partial-${Deno.pid}-0123abcd.mp4`,
        otherOutput: `.clap.partial-${dead}-0123abcd.mp4`,
        otherExtension: `.clip.partial-${dead}-0123abcd.mkv`,
        notATag: `.clip.partial-${dead}-xyz.mp4`,
        user: `clip.partial-${dead}-0123abcd.mp4`,
      };
      for (const name of Object.values(files)) await Deno.writeTextFile(`${dir}/${name}`, "x");
      await Deno.mkdir(`${dir}/.fsrcnn-partial-${dead}-00000000`);
      await Deno.writeTextFile(`${dir}/.fsrcnn-partial-${dead}-00000000/000001.png`, "x");
      const report = await removeLeftovers(dir, [
        { prefix: ".clip.partial-", suffix: ".mp4" },
        { prefix: ".fsrcnn-partial-" },
      ]);
      assert.deepEqual(
        report.removed.map((l) => l.path).sort(),
        [
          `${dir}/${files.stale}`,
          `${dir}/.fsrcnn-partial-${dead}-00000000`,
        ].sort(),
      );
      assert.ok(report.removed.every((l) => l.pid === dead));
      assert.deepEqual(report.kept, []);
      const left = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
      const { stale: _, ...others } = files;
      assert.deepEqual(left, Object.values(others).sort());
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("leftovers: a folder that cannot be read reports nothing", async () => {
  assert.deepEqual(await removeLeftovers("/nonexistent/folder", [{ prefix: "x" }]), {
    removed: [],
    kept: [],
  });
});

Deno.test({
  name: "tagged temporary folders: private, and stale ones of the same prefix are removed",
  ignore: !onLinux,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "fsrcnn-tmpdir-" });
    try {
      const stale = `${tmp}/fsrcnn-test-${await deadPid()}-00000000`;
      await Deno.mkdir(stale);
      const made = await makeTaggedTempDir("fsrcnn-test-", tmp);
      assert.match(made, new RegExp(`^${tmp}/fsrcnn-test-${Deno.pid}-[0-9a-f]{8}$`));
      assert.equal((await Deno.stat(made)).mode! & 0o777, 0o700);
      const names = (await Array.fromAsync(Deno.readDir(tmp))).map((e) => e.name);
      assert.deepEqual(names, [made.slice(tmp.length + 1)]);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});
