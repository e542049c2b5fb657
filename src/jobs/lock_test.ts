import assert from "node:assert/strict";
import { OutputError } from "../core/errors.ts";
import { takeLock } from "./lock.ts";

/** The id of a process that has exited (and, just started and ended, is not reused yet). */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true").spawn();
  await child.status;
  return child.pid;
}

async function withDir(body: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const since = new Date(Date.now() - 60_000).toISOString();

Deno.test("takeLock: one holder at a time; released, it can be taken again", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/lock`;
    const lock = await takeLock(path, { what: dir });
    const holder = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual([holder.host, holder.pid], [Deno.hostname(), Deno.pid]);
    await assert.rejects(() => takeLock(path, { what: dir }), (e: Error) => {
      assert.ok(e instanceof OutputError);
      assert.match(
        e.message,
        new RegExp(
          `^${dir}: is in use by process ${Deno.pid} on ${Deno.hostname()} \\(since .*\\); if no run uses it, remove ${path}$`,
        ),
      );
      return true;
    });
    await lock.release();
    await (await takeLock(path, { what: dir })).release();
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("takeLock: a lock of a process gone from this host is taken over, with a notice", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/lock`;
    const pid = await deadPid();
    await Deno.writeTextFile(path, JSON.stringify({ host: Deno.hostname(), pid, since }));
    const notices: string[] = [];
    const lock = await takeLock(path, { what: dir, onNotice: (m) => notices.push(m) });
    assert.deepEqual(notices, [
      `${path}: taken over from process ${pid} on ${Deno.hostname()} (since ${since}), which is gone`,
    ]);
    assert.equal(JSON.parse(await Deno.readTextFile(path)).pid, Deno.pid);
    await lock.release();
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  });
});

Deno.test("takeLock: a lock held from another host, or unreadable, is refused and kept", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/lock`;
    const text = JSON.stringify({ host: "node-17", pid: await deadPid(), since });
    await Deno.writeTextFile(path, text);
    await assert.rejects(
      () => takeLock(path, { what: dir }),
      new RegExp(
        `^OutputError: ${dir}: is in use by process \\d+ on node-17 \\(since ${since}\\); if no run uses it, remove ${path}$`,
      ),
    );
    assert.equal(await Deno.readTextFile(path), text);
    await Deno.writeTextFile(path, "");
    await assert.rejects(
      () => takeLock(path, { what: dir }),
      new RegExp(
        `^OutputError: ${dir}: is locked \\(unreadable lock file\\); if no run uses it, remove ${path}$`,
      ),
    );
  });
});
