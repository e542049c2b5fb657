import assert from "node:assert/strict";
import { rateOf } from "./rational.ts";

Deno.test("frame rates as rationals", () => {
  assert.deepEqual(rateOf(25), { num: 25, den: 1 });
  assert.deepEqual(rateOf(30000 / 1001), { num: 30000, den: 1001 });
  assert.deepEqual(rateOf(12.5), { num: 25, den: 2 });
  assert.deepEqual(rateOf(29.97), { num: 2997, den: 100 });
});
