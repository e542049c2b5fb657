import assert from "node:assert/strict";
import { frameName, matchesNamePattern, parseNamePattern } from "./sequence.ts";

Deno.test("frame names: ffmpeg pads with zeros whatever the flags say", () => {
  const cases: [string, number, string][] = [
    ["%06d.png", 7, "000007.png"],
    ["%6d.png", 7, "000007.png"],
    ["%006d.png", 7, "000007.png"],
    ["f_%03d.jpg", 1234, "f_1234.jpg"],
    ["%d.png", 12, "12.png"],
    ["%0d.png", 0, "0.png"],
  ];
  for (const [pattern, n, name] of cases) assert.equal(frameName(pattern, n), name, pattern);
});

Deno.test("frame names: which names a pattern gives some frame number", () => {
  const cases: [string, string, boolean][] = [
    ["%04d.png", "0001.png", true],
    ["%04d.png", "0000.png", true],
    ["%04d.png", "12345.png", true],
    ["%04d.png", "01234.png", false],
    ["%04d.png", "001.png", false],
    ["%04d.png", "000001.png", false],
    ["%4d.png", "0001.png", true],
    ["%d.png", "1000.png", true],
    ["%d.png", "0.png", true],
    ["%d.png", "01.png", false],
    ["%d.png", ".png", false],
    ["%d.png", "1.jpg", false],
    ["up_%03d.png", "up_042.png", true],
    ["up_%03d.png", "042.png", false],
    ["a%d.png", "a15.png", true],
    ["a1%d.png", "a15.png", true],
    ["%02d.png", "-1.png", false],
  ];
  for (const [pattern, name, match] of cases) {
    assert.equal(matchesNamePattern(name, parseNamePattern(pattern)!), match, `${pattern} ${name}`);
  }
  assert.equal(parseNamePattern("frame.png"), null);
  assert.deepEqual(parseNamePattern("f%005d.x"), { prefix: "f", width: 5, suffix: ".x" });
});
