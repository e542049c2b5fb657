import assert from "node:assert/strict";
import { escapeFfmetadata, ffmetadataChapters } from "./chapters.ts";

Deno.test("escapeFfmetadata escapes what the format reserves, and only that", () => {
  const table: Array<[string, string]> = [
    ["Intro", "Intro"],
    ["a=b", "a\\=b"],
    ["x;y#z", "x\\;y\\#z"],
    ["back\\slash", "back\\\\slash"],
    ["two\nlines", "two\\\nlines"],
    ["crlf\r\n", "crlf\\\n"],
    ["[CHAPTER]", "[CHAPTER]"],
    ["ünïcødé ✓", "ünïcødé ✓"],
  ];
  for (const [value, want] of table) assert.equal(escapeFfmetadata(value), want, value);
});

Deno.test("ffmetadataChapters moves chapters as ffmpeg does, and drops what ends before zero", () => {
  const ch = (timeBase: string, start: number, end: number, title: string) => ({
    timeBase,
    start,
    end,
    tags: { title },
  });
  assert.equal(
    ffmetadataChapters([ch("1/1000", 0, 1000, "one"), ch("1/1000000000", 1e9, 3e9, "t=w;o")], 0),
    ";FFMETADATA1\n" +
      "[CHAPTER]\nTIMEBASE=1/1000000\nSTART=0\nEND=1000000\ntitle=one\n" +
      "[CHAPTER]\nTIMEBASE=1/1000000\nSTART=1000000\nEND=3000000\ntitle=t\\=w\\;o\n",
  );
  // A source starting at 1.5 s: the first chapter ends before it, the second starts at zero.
  assert.equal(
    ffmetadataChapters([ch("1/1000", 0, 1000, "a"), ch("1/1000", 1000, 3000, "b")], 1.5),
    ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000000\nSTART=0\nEND=1500000\ntitle=b\n",
  );
  assert.equal(ffmetadataChapters([], 0), ";FFMETADATA1\n");
});
