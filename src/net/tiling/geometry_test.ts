import assert from "node:assert/strict";
import { planTiles, tileForBudget, type TilePlan } from "./geometry.ts";

/** Properties every plan must have, whatever the geometry. */
function checkPlan(plan: TilePlan, context: number): void {
  const { width, height } = plan;
  const owner = new Int32Array(width * height).fill(-1);
  plan.tiles.forEach((t, i) => {
    const w = t.window, k = t.keep;
    // Same-size windows inside the plane.
    assert.equal(w.width, plan.windowWidth);
    assert.equal(w.height, plan.windowHeight);
    assert.ok(w.x >= 0 && w.y >= 0 && w.x + w.width <= width && w.y + w.height <= height);
    // The kept region is inside the window with `context` to spare, or touches the plane edge.
    for (
      const [ks, ke, ws, we, n] of [
        [k.x, k.x + k.width, w.x, w.x + w.width, width],
        [k.y, k.y + k.height, w.y, w.y + w.height, height],
      ]
    ) {
      assert.ok(ks >= ws && ke <= we, "keep inside window");
      assert.ok(ks - ws >= context || ws === 0, "context before");
      assert.ok(we - ke >= context || we === n, "context after");
    }
    for (let y = k.y; y < k.y + k.height; y++) {
      for (let x = k.x; x < k.x + k.width; x++) {
        assert.equal(owner[y * width + x], -1, `pixel ${x},${y} kept twice`);
        owner[y * width + x] = i;
      }
    }
  });
  assert.ok(owner.every((o) => o >= 0), "every pixel kept once");
}

Deno.test("tile plans: table of geometries", () => {
  const table: Array<[string, number, number, number, number, number, number, number]> = [
    // name, width, height, tile, context, expected tiles, window w, window h
    ["tile larger than the frame", 40, 30, 64, 8, 1, 40, 30],
    ["tile equal to the frame", 64, 64, 64, 8, 1, 64, 64],
    ["1-pixel-wide plane", 1, 100, 40, 8, 5, 1, 36],
    ["1x1 plane", 1, 1, 17, 8, 1, 1, 1],
    ["odd sizes", 101, 57, 33, 8, 6 * 4, 33, 31],
    ["exact multiple of the core", 48, 16, 32, 8, 3, 32, 16],
    ["no context", 10, 10, 4, 0, 9, 4, 4],
    ["wide 1080p in 256 tiles", 1920, 1080, 256, 8, 8 * 5, 256, 232],
  ];
  // Windows are only as large as their count needs: 1080 rows in cores of at most 240 take 5
  // windows, so cores of 216 and windows of 232.
  for (const [name, width, height, tile, context, count, ww, wh] of table) {
    const plan = planTiles({ width, height, tile, context });
    assert.equal(plan.tiles.length, count, name);
    assert.equal(plan.windowWidth, ww, name);
    assert.equal(plan.windowHeight, wh, name);
    checkPlan(plan, context);
  }
});

Deno.test("tile plans: exhaustive small sizes keep the invariants", () => {
  for (let width = 1; width <= 23; width++) {
    for (const height of [1, 2, 7, 19]) {
      for (const tile of [5, 6, 9, 13, 30]) {
        for (const context of [0, 1, 2]) {
          if ((tile < width || tile < height) && tile <= 2 * context) continue;
          checkPlan(planTiles({ width, height, tile, context }), context);
        }
      }
    }
  }
});

Deno.test("tile plans: windows too small for the context are refused", () => {
  assert.throws(() => planTiles({ width: 100, height: 100, tile: 16, context: 8 }), /too small/);
  assert.throws(() => planTiles({ width: 0, height: 10, tile: 16, context: 1 }), /width/);
  assert.throws(() => planTiles({ width: 10, height: 10, tile: 2.5, context: 1 }), /tile/);
  // A tile that covers the whole plane needs no core, whatever the context.
  assert.equal(planTiles({ width: 10, height: 10, tile: 16, context: 8 }).tiles.length, 1);
});

Deno.test("tile size from a memory budget", () => {
  assert.equal(tileForBudget(4 * 100 * 100, 4, 10), 100);
  assert.equal(tileForBudget(16, 4, 10), 10);
});
