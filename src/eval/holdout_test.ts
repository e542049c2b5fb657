import assert from "node:assert/strict";
import { UsageError } from "../core/errors.ts";
import type { NamedImage } from "./protocol.ts";
import { isTestSet, splitHoldout } from "./holdout.ts";

function named(names: string[]): NamedImage[] {
  return names.map((name) => ({
    name,
    image: { width: 1, height: 1, channels: 1, data: new Uint8Array(1) },
  }));
}

const names = (images: NamedImage[]) => images.map((i) => i.name);

Deno.test("splitHoldout: evenly spread, disjoint, complete, independent of input order", () => {
  const all = Array.from({ length: 10 }, (_, i) => `img${i}`);
  const table: Array<[number, string[]]> = [
    [1, ["img5"]],
    [2, ["img2", "img7"]],
    [5, ["img1", "img3", "img5", "img7", "img9"]],
    [9, ["img0", "img1", "img2", "img3", "img5", "img6", "img7", "img8", "img9"]],
  ];
  for (const [count, expected] of table) {
    const split = splitHoldout(named(all), count);
    assert.deepEqual(names(split.validation), expected, `count ${count}`);
    assert.equal(split.train.length + split.validation.length, all.length);
    for (const v of split.validation) assert.ok(!split.train.includes(v));
    const reversed = splitHoldout(named([...all].reverse()), count);
    assert.deepEqual(names(reversed.validation), expected, `count ${count}, reversed input`);
  }
});

Deno.test("splitHoldout: T91 + BSDS200-sized data holds out 20 from both folders", () => {
  const t91 = Array.from({ length: 91 }, (_, i) => `T91/t${String(i).padStart(2, "0")}`);
  const bsds = Array.from({ length: 200 }, (_, i) => `BSDS200/${100000 + i}`);
  const { train, validation } = splitHoldout(named([...t91, ...bsds]), 20);
  assert.equal(validation.length, 20);
  assert.equal(train.length, 271);
  const fromBsds = validation.filter((v) => v.name.startsWith("BSDS200/")).length;
  assert.equal(fromBsds, 14); // 200/291 of 20, rounded by the even spread
});

Deno.test("splitHoldout: refuses a count that leaves nothing to train on, or is not a count", () => {
  for (const count of [0, -1, 1.5, 3, 4]) {
    assert.throws(() => splitHoldout(named(["a", "b", "c"]), count), UsageError, `count ${count}`);
  }
});

Deno.test("isTestSet: the standard test sets by folder name, nothing else", () => {
  const table: Array<[string, boolean]> = [
    ["../shared/datasets/Set5", true],
    ["../shared/datasets/Set14/", true],
    ["/data/BSD100", true],
    ["B100", true],
    ["urban100", true],
    ["Manga109", true],
    ["Vid4", true],
    ["set5_x2", true],
    ["../shared/datasets/T91", false],
    ["../shared/datasets/BSDS200", false],
    ["my_set5_photos", false],
    ["Set50", false],
  ];
  for (const [dir, expected] of table) assert.equal(isTestSet(dir), expected, dir);
});
