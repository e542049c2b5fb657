import assert from "node:assert/strict";
import { InputError, OutputError } from "./errors.ts";
import { formatBytes, readBounded, readTextBounded } from "./fs.ts";

Deno.test("formatBytes: binary units, one decimal below 100", () => {
  const cases: Array<[number, string]> = [
    [0, "0 bytes"],
    [700, "700 bytes"],
    [1024, "1 KiB"],
    [1536, "1.5 KiB"],
    [64 * 1024 * 1024, "64 MiB"],
    [100 * 1024 * 1024, "100 MiB"],
    [3.4e9, "3.2 GiB"],
  ];
  for (const [bytes, text] of cases) assert.equal(formatBytes(bytes), text, String(bytes));
});

Deno.test("readBounded: regular files up to the bound; nothing else", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fsrcnn-fs-test-" });
  try {
    await Deno.writeTextFile(`${dir}/ten`, "0123456789");
    await Deno.mkdir(`${dir}/folder`);
    const o = { maxBytes: 10, what: "a test file" };
    assert.equal(await readTextBounded(`${dir}/ten`, o), "0123456789");
    const cases: Array<[string, number, RegExp]> = [
      [`${dir}/ten`, 9, /ten: is 10 bytes, more than the 9 bytes a test file can be$/],
      [`${dir}/folder`, 10, /folder: is a directory, not a regular file$/],
      ["/dev/zero", 10, /^\/dev\/zero: not a regular file$/],
      // /proc files call themselves empty regular files; the read itself is bounded too.
      ["/proc/self/maps", 10, /maps: is more than the 10 bytes a test file can be$/],
    ];
    for (const [path, maxBytes, message] of cases) {
      await assert.rejects(readBounded(path, { ...o, maxBytes }), (e) => {
        assert.ok(e instanceof InputError, String(e));
        assert.match(e.message, message);
        return true;
      });
    }
    await assert.rejects(
      readBounded("/dev/null", { ...o, error: OutputError }),
      (e) => e instanceof OutputError && /not a regular file$/.test(e.message),
    );
    await assert.rejects(readBounded(`${dir}/missing`, o), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
