import assert from "node:assert/strict";
import { chooseWeights, lrOrigin, ORIGIN_THRESHOLDS } from "./choice.ts";
import {
  isShippedChoice,
  SHIPPED_CHOICES,
  SHIPPED_WEIGHTS,
  shippedWeightsFile,
  shippedWeightsFor,
} from "./shipped.ts";
import { isLossyCodec } from "../../media/ffmpeg/lossy.ts";

const T = ORIGIN_THRESHOLDS;
const detailed = T.detailedTiles;

Deno.test("lrOrigin: aliasing first, then blocking (scaler unclear just under the aliasing threshold), each at its threshold; too flat: none", () => {
  const cases = [
    { s: { aliasing: T.aliasing, blocking: 1, detailedTiles: detailed }, origin: "aliased" },
    { s: { aliasing: T.aliasing, blocking: 2, detailedTiles: detailed }, origin: "aliased" },
    {
      s: { aliasing: T.aliasing - 0.01, blocking: T.blocking, detailedTiles: 99 },
      origin: "compressed-unclear",
    },
    {
      s: { aliasing: T.unclearAliasing, blocking: T.blocking, detailedTiles: 99 },
      origin: "compressed-unclear",
    },
    {
      s: { aliasing: T.unclearAliasing - 0.01, blocking: T.blocking, detailedTiles: 99 },
      origin: "compressed",
    },
    {
      s: { aliasing: T.aliasing - 0.01, blocking: T.blocking - 0.01, detailedTiles: 99 },
      origin: "clean",
    },
    { s: { aliasing: 0.5, blocking: T.blocking - 0.01, detailedTiles: 99 }, origin: "clean" },
    { s: { aliasing: 0.5, blocking: 1, detailedTiles: detailed - 1 }, origin: null },
    { s: { aliasing: 0, blocking: 1, detailedTiles: 0 }, origin: null },
  ] as const;
  for (const c of cases) assert.equal(lrOrigin(c.s).origin, c.origin, JSON.stringify(c.s));
});

Deno.test("lrOrigin: the reason names the figures that decided, with their thresholds", () => {
  assert.equal(
    lrOrigin({ aliasing: 0.912, blocking: 1.3, detailedTiles: 50 }).reason,
    `aliasing 0.91 ≥ ${T.aliasing.toFixed(2)}: made by a nearest-neighbour scaler`,
  );
  assert.equal(
    lrOrigin({ aliasing: 0.6, blocking: 1.234, detailedTiles: 50 }).reason,
    `aliasing 0.60 < ${T.aliasing.toFixed(2)}, blocking 1.23 ≥ ${T.blocking.toFixed(2)}: ` +
      "an antialiasing scaler, then a lossy codec",
  );
  assert.equal(
    lrOrigin({ aliasing: 0.6, blocking: 1.01, detailedTiles: 50 }).reason,
    `aliasing 0.60 < ${T.aliasing.toFixed(2)}, blocking 1.01 < ${T.blocking.toFixed(2)}: ` +
      "an antialiasing scaler, no lossy codec",
  );
  assert.match(lrOrigin({ aliasing: 0, blocking: 1, detailedTiles: 3 }).reason, /^3 of the 16×16/);
});

const clean = { aliasing: 0.55, blocking: 1.0, detailedTiles: 100 };
const compressed = { aliasing: 0.6, blocking: 1.3, detailedTiles: 100 };
const aliased = { aliasing: 0.95, blocking: 1.3, detailedTiles: 100 };
const unclear = { aliasing: T.unclearAliasing, blocking: 1.3, detailedTiles: 100 };
const flat = { aliasing: 0, blocking: 1, detailedTiles: 0 };

Deno.test("chooseWeights: the first shipped entry for the origin; paper when nothing else is", () => {
  const all = ["video-aliased", "video", "paper"] as const;
  const two = ["video", "paper"] as const;
  const four = ["video-aliased", "video-compressed", "video", "paper"] as const;
  const cases = [
    { stats: clean, shipped: all, name: "paper" },
    { stats: compressed, shipped: all, name: "video" },
    { stats: aliased, shipped: all, name: "video-aliased" },
    { stats: compressed, shipped: four, name: "video-compressed" },
    { stats: unclear, shipped: four, name: "video" },
    { stats: aliased, shipped: four, name: "video-aliased" },
    { stats: clean, shipped: four, name: "paper" },
    { stats: unclear, shipped: ["paper"], name: "paper" },
    { stats: aliased, shipped: two, name: "video" },
    { stats: compressed, shipped: two, name: "video" },
    { stats: clean, shipped: two, name: "paper" },
    // Nothing but the paper weights: no statistics needed.
    { stats: aliased, shipped: ["paper"], name: "paper" },
    { stats: null, shipped: [], name: "paper" },
    // Unmeasured or too flat to tell: as for compressed video of an unclear scaler, so the
    // weights trained on every scaler rather than the compressed specialist.
    { stats: null, shipped: two, name: "video" },
    { stats: flat, shipped: all, name: "video" },
    { stats: null, shipped: four, name: "video" },
    { stats: flat, shipped: four, name: "video" },
  ] as const;
  for (const c of cases) {
    const choice = chooseWeights(c.stats, 2, c.shipped);
    assert.equal(choice.name, c.name, `${JSON.stringify(c.stats)} of ${c.shipped}`);
    assert.ok(choice.reason.startsWith(`${c.name} weights: `), choice.reason);
  }
});

Deno.test("chooseWeights: one line of reason, naming the scale when there was no choice", () => {
  const only = chooseWeights(compressed, 3, ["paper"]);
  assert.equal(only.reason, "paper weights: the only ones shipped for x3");
  assert.equal(only.origin, undefined);
  const measured = chooseWeights(compressed, 2, ["video", "paper"]);
  assert.equal(measured.origin, "compressed");
  assert.doesNotMatch(measured.reason, /\n/);
  assert.match(chooseWeights(null, 2, ["video"]).reason, /no picture could be measured/);
});

Deno.test("the table: every origin served, paper the last chosen, files named by scale, names parsed", async () => {
  const chosen = SHIPPED_WEIGHTS.filter((w) => w.chosenFor.length > 0);
  assert.equal(chosen.at(-1)!.name, "paper");
  for (const origin of ["clean", "compressed", "compressed-unclear", "aliased"] as const) {
    assert.ok(chosen.at(-1)!.chosenFor.includes(origin), origin);
  }
  assert.match(await shippedWeightsFile("paper", 3), /\/models\/fsrcnn_x3\.safetensors$/);
  assert.match(await shippedWeightsFile("video", 2), /\/models\/fsrcnn_video_x2\.safetensors$/);
  assert.deepEqual(SHIPPED_CHOICES, ["auto", ...SHIPPED_WEIGHTS.map((w) => w.name)]);
  assert.ok(isShippedChoice("auto") && isShippedChoice("video") && isShippedChoice("paper"));
  assert.ok(isShippedChoice("fast"));
  assert.ok(!isShippedChoice("models/fsrcnn_x2.safetensors") && !isShippedChoice("Auto"));
});

Deno.test("a lossy codec is never clean: clean-looking pictures it stored get the general video weights", () => {
  const four = ["video-aliased", "video-compressed", "video", "paper"] as const;
  const table = [
    { stats: clean, codec: undefined, origin: "clean", name: "paper" },
    { stats: clean, codec: "vp9", origin: "compressed-unclear", name: "video" },
    { stats: clean, codec: "h264", origin: "compressed-unclear", name: "video" },
    // What the statistics do see stands.
    { stats: compressed, codec: "vp9", origin: "compressed", name: "video-compressed" },
    { stats: aliased, codec: "h264", origin: "aliased", name: "video-aliased" },
  ] as const;
  for (const c of table) {
    assert.equal(lrOrigin(c.stats, T, c.codec).origin, c.origin, `${c.codec}`);
    assert.equal(chooseWeights(c.stats, 2, four, c.codec).name, c.name, `${c.codec}`);
  }
  assert.match(lrOrigin(clean, T, "vp9").reason, /but stored as vp9: a lossy codec after/);
  for (const codec of ["h264", "hevc", "vp9", "av1", "mpeg4", "mjpeg"]) {
    assert.ok(isLossyCodec(codec), codec);
  }
  for (const codec of ["png", "ffv1", "rawvideo", "huffyuv", undefined]) {
    assert.ok(!isLossyCodec(codec), codec);
  }
});

Deno.test("the fast weights run FSRCNN-s and are never chosen by auto, shipped or not", async () => {
  const files = {
    fast: "fsrcnn_s_video_x{scale}.safetensors",
    "fast-paper": "fsrcnn_s_x{scale}.safetensors",
  };
  for (const [name, file] of Object.entries(files)) {
    const w = SHIPPED_WEIGHTS.find((w) => w.name === name)!;
    assert.equal(w.network, "fsrcnn-s", name);
    assert.equal(w.file, file, name);
    assert.deepEqual(w.chosenFor, [], name);
  }
  for (const stats of [clean, compressed, aliased, unclear, flat, null]) {
    const name = chooseWeights(stats, 2, ["fast", "fast-paper", "video", "paper"]).name;
    assert.ok(name === "video" || name === "paper", String(name));
    assert.equal(chooseWeights(stats, 3, ["fast", "paper"]).name, "paper");
  }
  const auto = await shippedWeightsFor(2, { auto: true });
  assert.ok(!auto.includes("fast") && !auto.includes("fast-paper"));
  assert.equal(
    chooseWeights(clean, 3, ["fast", "paper"]).reason,
    "paper weights: the only ones shipped for x3",
  );
});
