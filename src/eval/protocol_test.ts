import assert from "node:assert/strict";
import type { Image8 } from "../media/frame/pixels.ts";
import { lumaPlane } from "./color.ts";
import { bicubic, modcrop, scoreImage, scoreImages, type SrMethod } from "./protocol.ts";

function gradient(width: number, height: number, channels: 1 | 3): Image8 {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        data[(y * width + x) * channels + c] = (x * 7 + y * 3 + c * 40 + ((x * y) % 13)) % 256;
      }
    }
  }
  return { width, height, channels, data };
}

Deno.test("modcrop keeps the top-left multiple of the scale", () => {
  const image = gradient(14, 11, 3);
  const c = modcrop(image, 4);
  assert.deepEqual([c.width, c.height, c.data.length], [12, 8, 12 * 8 * 3]);
  assert.deepEqual(Array.from(c.data.subarray(12 * 3, 12 * 3 + 3)), [
    ...image.data.subarray(14 * 3, 14 * 3 + 3),
  ]);
  assert.equal(modcrop(c, 4), c);
});

Deno.test("a method returning the HR Y scores Infinity / 1; LR and sizes are as specified", async () => {
  const hr = gradient(50, 41, 3);
  const seen: { w: number; h: number }[] = [];
  const oracle: SrMethod = (input) => {
    seen.push({ w: input.lrY.width, h: input.lrY.height });
    return Promise.resolve(lumaPlane(modcrop(hr, input.scale)));
  };
  const r = await scoreImage(hr, 3, oracle);
  assert.equal(r.psnr, Infinity);
  assert.ok(Math.abs(r.ssim - 1) < 1e-12);
  await scoreImage(hr, 4, oracle);
  assert.deepEqual(seen, [{ w: 16, h: 13 }, { w: 12, h: 10 }]);
});

Deno.test("the SR Y is clamped and rounded before scoring", async () => {
  const hr = gradient(40, 40, 1);
  const exact = await scoreImage(hr, 2, (i) => {
    const y = lumaPlane(modcrop(hr, i.scale));
    // Off by 0.4 everywhere: rounding brings it back to the HR values.
    return Promise.resolve({ ...y, data: y.data.map((v) => v + 0.4) });
  });
  assert.equal(exact.psnr, Infinity);
});

Deno.test("a method returning the wrong size is an error", async () => {
  const hr = gradient(24, 24, 3);
  await assert.rejects(
    scoreImage(hr, 2, (i) => Promise.resolve(i.lrY)),
    RangeError,
  );
});

Deno.test("scoreImages: per-image scores and their means; bicubic is finite and sane", async () => {
  const images = [
    { name: "a", image: gradient(48, 36, 3) },
    { name: "b", image: gradient(37, 45, 1) },
  ];
  const r = await scoreImages(images, 2, bicubic);
  assert.deepEqual(r.images.map((s) => s.name), ["a", "b"]);
  assert.equal(r.scale, 2);
  for (const s of r.images) {
    assert.ok(Number.isFinite(s.psnr) && s.psnr > 10 && s.psnr < 60);
    assert.ok(s.ssim > 0 && s.ssim < 1);
  }
  assert.ok(Math.abs(r.meanPsnr - (r.images[0].psnr + r.images[1].psnr) / 2) < 1e-12);
  assert.ok(Math.abs(r.meanSsim - (r.images[0].ssim + r.images[1].ssim) / 2) < 1e-12);
});
