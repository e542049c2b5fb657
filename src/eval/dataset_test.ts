import assert from "node:assert/strict";
import { InputError } from "../core/errors.ts";
import { imageName, isImageName, listImages } from "./dataset.ts";

Deno.test("listImages: only images, in natural order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const n of ["img10.png", "img2.PNG", "img1.bmp", "notes.txt", "b.jpeg", "a.webp"]) {
      await Deno.writeFile(`${dir}/${n}`, new Uint8Array(1));
    }
    await Deno.mkdir(`${dir}/sub.png`); // a folder with an image-like name is not an image
    const files = await listImages(dir);
    assert.deepEqual(files.map((f) => f.slice(dir.length + 1)), [
      "a.webp",
      "b.jpeg",
      "img1.bmp",
      "img2.PNG",
      "img10.png",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listImages: a missing, empty or non-folder path is an InputError naming it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(listImages(`${dir}/nope`), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.path, `${dir}/nope`);
      return true;
    });
    await assert.rejects(listImages(dir), InputError);
    await Deno.writeFile(`${dir}/x.png`, new Uint8Array(1));
    await assert.rejects(listImages(`${dir}/x.png`), InputError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("image names drop folder and extension", () => {
  assert.equal(imageName("/a/b/baby.png"), "baby");
  assert.equal(imageName("x.y.bmp"), "x.y");
  assert.ok(isImageName("a.TIF"));
  assert.ok(!isImageName(".png"));
  assert.ok(!isImageName("a.gif"));
});
