import assert from "node:assert/strict";
import {
  BLEND_SHARES,
  chooseShipped,
  chooseWeights,
  lrOrigin,
  ORIGIN_THRESHOLDS,
} from "./choice.ts";
import {
  isShippedChoice,
  SHIPPED_CHOICES,
  SHIPPED_WEIGHTS,
  shippedWeightsFile,
  shippedWeightsFor,
  UNCLEAR_BLEND,
} from "./shipped.ts";
import { isLossyCodec } from "../../media/ffmpeg/lossy.ts";

const T = ORIGIN_THRESHOLDS;
const detailed = T.detailedTiles;

Deno.test("lrOrigin: each cut at its threshold; a lossy codec sets the aliased cut; too flat: none", () => {
  const coded = T.blocking, uncoded = T.blocking - 0.01;
  const cases = [
    // Coded (blocking at its threshold): aliased from `aliasing`.
    { s: { aliasing: T.aliasing, blocking: coded, detailedTiles: detailed }, origin: "aliased" },
    { s: { aliasing: T.aliasing - 0.001, blocking: coded, detailedTiles: 99 }, origin: "unclear" },
    { s: { aliasing: T.unclearAliasing, blocking: coded, detailedTiles: 99 }, origin: "unclear" },
    {
      s: { aliasing: T.unclearAliasing - 0.001, blocking: coded, detailedTiles: 99 },
      origin: "compressed",
    },
    // No trace of a codec: aliased only from `aliasingUncoded`.
    {
      s: { aliasing: T.aliasingUncoded, blocking: uncoded, detailedTiles: 99 },
      origin: "aliased",
    },
    {
      s: { aliasing: T.aliasingUncoded - 0.001, blocking: uncoded, detailedTiles: 99 },
      origin: "unclear",
    },
    { s: { aliasing: T.aliasing, blocking: uncoded, detailedTiles: 99 }, origin: "unclear" },
    {
      s: { aliasing: T.unclearAliasingUncoded, blocking: uncoded, detailedTiles: 99 },
      origin: "unclear",
    },
    {
      s: { aliasing: T.unclearAliasingUncoded - 0.001, blocking: uncoded, detailedTiles: 99 },
      origin: "clean",
    },
    { s: { aliasing: 0.5, blocking: 1, detailedTiles: detailed - 1 }, origin: null },
    { s: { aliasing: 0, blocking: 1, detailedTiles: 0 }, origin: null },
    // Detail in too small a share of the tiles; the share at its threshold is enough.
    {
      s: { aliasing: 0.5, blocking: coded, detailedTiles: 99, tiles: 99 / T.detailedShare + 1 },
      origin: null,
    },
    {
      s: { aliasing: 0.5, blocking: coded, detailedTiles: 99, tiles: 99 / T.detailedShare },
      origin: "compressed",
    },
  ] as const;
  for (const c of cases) assert.equal(lrOrigin(c.s).origin, c.origin, JSON.stringify(c.s));
  // A lossy container codec counts as coded, whatever the blocking says.
  const s = { aliasing: T.aliasing, blocking: uncoded, detailedTiles: 99 };
  assert.equal(lrOrigin(s, T, "vp9").origin, "aliased");
  const low = { aliasing: T.unclearAliasing - 0.001, blocking: uncoded, detailedTiles: 99 };
  assert.equal(lrOrigin(low, T, "h264").origin, "compressed");
});

Deno.test("lrOrigin: the lean runs from 0 at the unclear band's foot to 1 at the aliased cut", () => {
  const at = (aliasing: number, blocking: number) =>
    lrOrigin({ aliasing, blocking, detailedTiles: 99 }).lean;
  const table: Array<[number, number, number]> = [
    [T.unclearAliasing, 1.3, 0],
    [(T.unclearAliasing + T.aliasing) / 2, 1.3, 0.5],
    [T.unclearAliasing + 0.75 * (T.aliasing - T.unclearAliasing), 1.3, 0.75],
    [(T.unclearAliasingUncoded + T.aliasingUncoded) / 2, 1, 0.5],
  ];
  for (const [aliasing, blocking, lean] of table) {
    assert.ok(Math.abs(at(aliasing, blocking)! - lean) < 1e-12, `${aliasing} ${blocking}`);
  }
  assert.equal(at(T.aliasing, 1.3), undefined);
  assert.equal(at(T.unclearAliasing - 0.01, 1.3), undefined);
});

Deno.test("lrOrigin: the reason names the figures that decided, with their thresholds, as an estimate", () => {
  assert.equal(
    lrOrigin({ aliasing: 0.912, blocking: 1.3, detailedTiles: 50 }).reason,
    `aliasing 0.912 ≥ ${T.aliasing.toFixed(2)}, blocking 1.300 ≥ ${T.blocking.toFixed(2)}: ` +
      "looks made by a nearest-neighbour scaler",
  );
  assert.equal(
    lrOrigin({ aliasing: 0.5, blocking: 1.234, detailedTiles: 50 }).reason,
    `aliasing 0.500 < ${T.unclearAliasing.toFixed(2)}, blocking 1.234 ≥ ` +
      `${T.blocking.toFixed(2)}: looks made by an antialiasing scaler, then a lossy codec`,
  );
  assert.equal(
    lrOrigin({ aliasing: 0.5, blocking: 1.01, detailedTiles: 50 }).reason,
    `aliasing 0.500 < ${T.unclearAliasingUncoded.toFixed(2)}, blocking 1.010 < ` +
      `${T.blocking.toFixed(2)}: looks made by an antialiasing scaler, with no lossy codec`,
  );
  assert.equal(
    lrOrigin({ aliasing: 0.7, blocking: 1.01, detailedTiles: 50 }, T, "vp9").reason,
    `aliasing 0.700 in [${T.unclearAliasing.toFixed(2)}, ${T.aliasing.toFixed(2)}), ` +
      "stored as vp9: the scaler could be either kind",
  );
  // Just under a cut, the figure does not read as the cut itself.
  assert.match(
    lrOrigin({ aliasing: 0.5496, blocking: 1.3, detailedTiles: 50 }).reason,
    /^aliasing 0\.550 < 0\.55,/,
  );
  assert.match(lrOrigin({ aliasing: 0, blocking: 1, detailedTiles: 3 }).reason, /^3 of the 16×16/);
  assert.equal(
    lrOrigin({ aliasing: 0.4, blocking: 1.4, detailedTiles: 28, tiles: 360 }).reason,
    "28 of the 360 16×16 tiles have detail, under 15%: too little to tell how the pictures were made",
  );
});

const clean = { aliasing: 0.5, blocking: 1.0, detailedTiles: 100 };
const compressed = { aliasing: 0.5, blocking: 1.3, detailedTiles: 100 };
const aliased = { aliasing: 1.1, blocking: 1.3, detailedTiles: 100 };
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
    { stats: aliased, shipped: four, name: "video-aliased" },
    { stats: clean, shipped: four, name: "paper" },
    // Unclear without both specialists: the weights trained on every scaler.
    { stats: unclear, shipped: all, name: "video" },
    { stats: unclear, shipped: ["paper"], name: "paper" },
    { stats: aliased, shipped: two, name: "video" },
    { stats: compressed, shipped: two, name: "video" },
    { stats: clean, shipped: two, name: "paper" },
    // Nothing but the paper weights: no statistics needed.
    { stats: aliased, shipped: ["paper"], name: "paper" },
    { stats: null, shipped: [], name: "paper" },
    // Unmeasured or too flat to tell, without both specialists: as for an unclear scaler.
    { stats: null, shipped: two, name: "video" },
    { stats: flat, shipped: all, name: "video" },
  ] as const;
  for (const c of cases) {
    const choice = chooseWeights(c.stats, 2, c.shipped);
    assert.equal(choice.name, c.name, `${JSON.stringify(c.stats)} of ${c.shipped}`);
    assert.equal(choice.blend, undefined);
    assert.ok(choice.reason.startsWith(`${c.name} weights: `), choice.reason);
  }
});

Deno.test("chooseWeights: an unclear scaler gets both specialists blended, the aliased share rising with the aliasing", () => {
  const four = ["video-aliased", "video-compressed", "video", "paper"] as const;
  const B = BLEND_SHARES;
  const at = (aliasing: number) => ({ aliasing, blocking: 1.3, detailedTiles: 100 });
  const table: Array<[typeof flat | null, number]> = [
    [at(T.unclearAliasing), B.bottom],
    [at((T.unclearAliasing + T.aliasing) / 2), Math.round(50 * (B.bottom + B.top)) / 100],
    [at(T.aliasing - 1e-9), B.top],
    [flat, B.flat],
    [null, B.flat],
  ];
  for (const [stats, share] of table) {
    const c = chooseWeights(stats, 2, four, "h264");
    assert.equal(c.name, null);
    assert.deepEqual(c.blend, { names: UNCLEAR_BLEND, share }, JSON.stringify(stats));
    const percent = Math.round(share * 100);
    assert.ok(
      c.reason.startsWith(
        `video-aliased and video-compressed weights blended ${percent}:${100 - percent}: `,
      ),
      c.reason,
    );
  }
  assert.deepEqual(UNCLEAR_BLEND, ["video-aliased", "video-compressed"]);
  // Either specialist missing: no blend.
  assert.equal(chooseWeights(unclear, 2, ["video-aliased", "video", "paper"]).blend, undefined);
  assert.equal(chooseWeights(unclear, 2, ["video-compressed", "video", "paper"]).name, "video");
});

Deno.test("chooseShipped: a blend comes with both files", async () => {
  const choice = await chooseShipped("auto", 2, () => Promise.resolve(unclear), "h264");
  assert.equal(choice.path, null);
  assert.equal(choice.blend!.paths!.length, 2);
  assert.match(choice.blend!.paths![0], /\/models\/fsrcnn_video_aliased_x2\.safetensors$/);
  assert.match(choice.blend!.paths![1], /\/models\/fsrcnn_video_compressed_x2\.safetensors$/);
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
  for (const origin of ["clean", "compressed", "unclear", "aliased"] as const) {
    assert.ok(chosen.at(-1)!.chosenFor.includes(origin), origin);
  }
  assert.match(await shippedWeightsFile("paper", 3), /\/models\/fsrcnn_x3\.safetensors$/);
  assert.match(await shippedWeightsFile("video", 2), /\/models\/fsrcnn_video_x2\.safetensors$/);
  assert.deepEqual(SHIPPED_CHOICES, ["auto", ...SHIPPED_WEIGHTS.map((w) => w.name)]);
  assert.ok(isShippedChoice("auto") && isShippedChoice("video") && isShippedChoice("paper"));
  assert.ok(isShippedChoice("fast"));
  assert.ok(!isShippedChoice("models/fsrcnn_x2.safetensors") && !isShippedChoice("Auto"));
});

Deno.test("a lossy codec is never clean: clean-looking pictures it stored get the compressed specialist", () => {
  const four = ["video-aliased", "video-compressed", "video", "paper"] as const;
  const table = [
    { stats: clean, codec: undefined, origin: "clean", name: "paper" },
    { stats: clean, codec: "vp9", origin: "compressed", name: "video-compressed" },
    { stats: clean, codec: "h264", origin: "compressed", name: "video-compressed" },
    // What the statistics do see stands.
    { stats: compressed, codec: "vp9", origin: "compressed", name: "video-compressed" },
    { stats: aliased, codec: "h264", origin: "aliased", name: "video-aliased" },
  ] as const;
  for (const c of table) {
    assert.equal(lrOrigin(c.stats, T, c.codec).origin, c.origin, `${c.codec}`);
    assert.equal(chooseWeights(c.stats, 2, four, c.codec).name, c.name, `${c.codec}`);
  }
  assert.match(lrOrigin(clean, T, "vp9").reason, /, stored as vp9: looks made by/);
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
