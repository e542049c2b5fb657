import assert from "node:assert/strict";
import { runTool } from "./ffmpeg/process.ts";
import { tools } from "./ffmpeg/resolve.ts";
import { headerSize, pictureSize, tiffDirectorySize, tiffHeader } from "./image_size.ts";

Deno.test("picture sizes from the headers of the formats ffmpeg writes", async () => {
  const t = await tools();
  const dir = await Deno.makeTempDir({ prefix: "fsrcnn-size-" });
  try {
    // Odd sizes, so that width and height cannot be swapped or rounded unseen.
    const cases: [string, string[]][] = [
      ["png", []],
      ["jpg", ["-pix_fmt", "yuvj444p"]],
      ["bmp", []],
      ["tif", []],
      ["webp", ["-c:v", "libwebp", "-lossless", "0"]],
      ["lossless.webp", ["-c:v", "libwebp", "-lossless", "1"]],
    ];
    const encoders = new TextDecoder().decode((await runTool(t.ffmpeg, ["-encoders"])).stdout);
    for (const [ext, args] of cases) {
      if (ext.endsWith("webp") && !encoders.includes("libwebp")) continue;
      const path = `${dir}/p.${ext}`;
      const r = await runTool(t.ffmpeg, [
        ...[
          "-v",
          "error",
          "-f",
          "lavfi",
          "-i",
          "color=c=teal:size=37x23,format=rgb24",
          "-frames:v",
          "1",
        ],
        ...args,
        path,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await pictureSize(path), { width: 37, height: 23 }, ext);
    }
    await Deno.writeTextFile(`${dir}/note.png`, "not a picture");
    assert.equal(await pictureSize(`${dir}/note.png`), null);
    assert.equal(await pictureSize(`${dir}/missing.png`), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("picture sizes: damaged or foreign headers say nothing", () => {
  const png = new Uint8Array(24);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  assert.equal(headerSize(png), null, "a PNG of 0x0");
  png[19] = 5, png[23] = 3;
  assert.deepEqual(headerSize(png), { width: 5, height: 3 });
  assert.equal(headerSize(png.subarray(0, 20)), null, "cut short");
  assert.equal(headerSize(new Uint8Array([0xff, 0xd8, 0xff])), "jpeg");
  assert.equal(headerSize(new TextEncoder().encode("GIF89a")), null);
  assert.equal(tiffHeader(new TextEncoder().encode("II+\0\0\0\0\0")), null, "not 42");
  assert.deepEqual(tiffHeader(new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 1, 0])), {
    littleEndian: false,
    directory: 256,
  });
  // Two entries, width (SHORT) and height (LONG), little-endian; then one cut short.
  const dir = new Uint8Array([2, 0, 0, 1, 3, 0, 1, 0, 0, 0, 37, 0, 0, 0, 1, 1, 4, 0, 1, 0, 0, 0]);
  const full = new Uint8Array([...dir, 23, 0, 0, 0]);
  assert.deepEqual(tiffDirectorySize(full, true), { width: 37, height: 23 });
  assert.equal(tiffDirectorySize(dir, true), null, "cut short");
});
