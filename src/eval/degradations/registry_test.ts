import assert from "node:assert/strict";
import { OptionError } from "../../core/errors.ts";
import {
  checkDegradations,
  DEGRADATION_REGISTRY,
  degradationNamed,
  DEGRADATIONS,
  describeSteps,
} from "./registry.ts";

Deno.test("checkDegradations: registered names pass in their order; any other is named", () => {
  assert.deepEqual(checkDegradations([]), []);
  assert.deepEqual(checkDegradations(["blur", "matlab", "area"]), ["blur", "matlab", "area"]);
  const known = "matlab, bicubic, bilinear, area, neighbor, blur";
  const table: Array<[string[], string]> = [
    [["neighbour"], `has neighbour, which is none of ${known}`],
    [["bicubic", "lanczos"], `has lanczos, which is none of ${known}`],
    [["Blur"], `has Blur, which is none of ${known}`],
  ];
  for (const [names, problem] of table) {
    assert.throws(
      () => checkDegradations(names),
      (e) => e instanceof OptionError && e.option === "degradations" && e.problem === problem,
      names.join(","),
    );
  }
});

Deno.test("the registry: one entry a name, one line each, coded exactly when ffmpeg shrinks", () => {
  assert.deepEqual(DEGRADATIONS, ["matlab", "bicubic", "bilinear", "area", "neighbor", "blur"]);
  for (const d of DEGRADATION_REGISTRY) {
    assert.equal(degradationNamed(d.name), d);
    assert.ok(d.describe.length > 0 && !d.describe.includes("\n"), d.name);
    assert.equal(d.coded, d.shrink.kind === "ffmpeg", d.name);
  }
  const table: Array<[(typeof DEGRADATIONS)[number], number, string]> = [
    ["matlab", 3, "MATLAB bicubic 1/3 of Y, float (the literature's protocol)"],
    ["neighbor", 2, "ffmpeg scale flags=neighbor 1/2"],
    ["blur", 2, "Gaussian blur σ 0.8, ffmpeg scale flags=bicubic 1/2"],
    ["blur", 3, "Gaussian blur σ 1.2, ffmpeg scale flags=bicubic 1/3"],
    ["blur", 4, "Gaussian blur σ 1.6, ffmpeg scale flags=bicubic 1/4"],
  ];
  for (const [name, scale, words] of table) {
    assert.equal(describeSteps(degradationNamed(name), scale), words);
  }
});
