import assert from "node:assert/strict";
import { isStreamedInput } from "../media/ffmpeg/input_name.ts";
import { extensionOf, inputKind, isSequencePattern, outputKind, outputMuxer } from "./kinds.ts";
import { frameName } from "./sequence.ts";

Deno.test("frame patterns and file names", () => {
  assert.ok(isSequencePattern("frames/%06d.png"));
  assert.ok(isSequencePattern("f%d.jpg"));
  assert.equal(isSequencePattern("dir%06d/frame.png"), false, "only the file name counts");
  assert.equal(isSequencePattern("100%.png"), false);
  assert.equal(frameName("%06d.png", 7), "000007.png");
  assert.equal(frameName("f_%03d.jpg", 1234), "f_1234.jpg");
  assert.equal(frameName("%d.png", 12), "12.png");
  assert.equal(extensionOf("/a.b/c.MP4"), "mp4");
  assert.equal(extensionOf("/a.b/c"), "");
  assert.equal(extensionOf(".hidden"), "");
});

Deno.test("kinds of inputs and outputs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await inputKind(`${dir}/x.mp4`), "video");
    assert.equal(await inputKind(`${dir}/x.PNG`), "image");
    assert.equal(await inputKind(`${dir}/f%04d.png`), "sequence-pattern");
    assert.equal(await inputKind(dir), "sequence-dir");
    assert.equal(await outputKind(`${dir}/o.mkv`), "video");
    assert.equal(await outputKind(`${dir}/o.jpg`), "image");
    assert.equal(await outputKind(`${dir}/frames/`), "sequence-dir");
    assert.equal(await outputKind(dir), "sequence-dir");
    assert.equal(await outputKind(`${dir}/frames`), "sequence-dir");
    assert.equal(await outputKind(`${dir}/%05d.png`), "sequence-pattern");
    await assert.rejects(outputKind(`${dir}/o.xyz`), /unknown output type/);
    await assert.rejects(outputKind(`${dir}/%05d.webp`), /must end in \.png or \.jpg/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("streams: - and URLs are videos, read as streams; other names are local files", async () => {
  const table: Array<[string, boolean]> = [
    ["-", true],
    ["http://127.0.0.1:8080/live.ts", true],
    ["HTTPS://example.com/a.mp4", true],
    ["srt://host:9000?mode=listener", true],
    ["udp://127.0.0.1:1234", true],
    ["rtmp://host/app/key", true],
    ["http:x.mp4", false],
    ["concat:a.mp4|b.mp4", false],
    ["file:///tmp/a.mp4", false],
    ["ftp://host/a.mp4", false],
    ["./-", false],
    ["--", false],
  ];
  for (const [name, streamed] of table) assert.equal(isStreamedInput(name), streamed, name);
  assert.equal(await inputKind("http://127.0.0.1/a.png"), "video");
  assert.equal(await outputKind("-"), "video");
  assert.equal(outputMuxer("-"), "matroska");
  assert.equal(outputMuxer("-", "nut"), "nut");
  assert.equal(outputMuxer("out.webm", "nut"), "webm");
});
