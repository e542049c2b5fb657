import assert from "node:assert/strict";
import { defaultCrf, encoderSettings } from "./encoder_settings.ts";

Deno.test("default CRF only where it applies and nothing else sets the rate", () => {
  assert.equal(defaultCrf("libx264", []), 18);
  assert.equal(defaultCrf("libx265", ["-tune", "grain"]), 18);
  assert.equal(defaultCrf("libx264", ["-qp", "0"]), undefined);
  assert.equal(defaultCrf("libx264", ["-b:v", "8M"]), undefined);
  assert.equal(defaultCrf("ffv1", []), undefined);
  assert.equal(defaultCrf("libvpx-vp9", []), 31);
  assert.equal(defaultCrf("libvpx-vp9", ["-crf", "20"]), undefined);
});

Deno.test("encoder settings: the stream plan's encoder, then the one asked for, then libx264", () => {
  const table: [Parameters<typeof encoderSettings>, ReturnType<typeof encoderSettings>][] = [
    [[{}], { codec: "libx264", crf: 18, preset: undefined, pixFmt: undefined, extra: [] }],
    [[{ codec: "ffv1" }], {
      codec: "ffv1",
      crf: undefined,
      preset: undefined,
      pixFmt: undefined,
      extra: [],
    }],
    [
      [{
        codec: "libx265",
        crf: 20,
        preset: "slow",
        pixFmt: "yuv444p",
        encoderArgs: ["-tune", "grain"],
      }],
      { codec: "libx265", crf: 20, preset: "slow", pixFmt: "yuv444p", extra: ["-tune", "grain"] },
    ],
    // The stream plan's choice for the container (WebM) wins over the fallback.
    [[{}, "libvpx-vp9"], {
      codec: "libvpx-vp9",
      crf: 31,
      preset: undefined,
      pixFmt: undefined,
      extra: [],
    }],
    // A rate set in the extra arguments leaves no default CRF to fight it.
    [
      [{ encoderArgs: ["-qp", "0"] }],
      {
        codec: "libx264",
        crf: undefined,
        preset: undefined,
        pixFmt: undefined,
        extra: ["-qp", "0"],
      },
    ],
  ];
  for (const [args, expected] of table) assert.deepEqual(encoderSettings(...args), expected);
});
