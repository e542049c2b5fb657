import assert from "node:assert/strict";
import { withAlpha, YUV420P, YUV444P10LE } from "../frame/format.ts";
import { alphaFate, alphaPixFmt, encoderPixFmt, sourceHasAlpha } from "./alpha.ts";
import type { MediaInfo } from "./probe.ts";

/** A probe of one video stream in `pixFmt` and `codec`, with `tags` on the stream. */
function source(pixFmt: string, codec = "prores", tags: Record<string, string> = {}) {
  return {
    video: { index: 0, pixFmt, codec },
    streams: [{ index: 0, tags }],
  } as unknown as Pick<MediaInfo, "video" | "streams">;
}

Deno.test("sourceHasAlpha: alpha pixel formats, and VP8/VP9 flagged alpha_mode", () => {
  const table: [string, string, Record<string, string>, boolean][] = [
    ["yuva444p10le", "prores", {}, true],
    ["rgba", "png", {}, true],
    ["argb", "qtrle", {}, true],
    ["yuv420p", "vp9", { alpha_mode: "1" }, true],
    ["yuv420p", "vp8", { ALPHA_MODE: "1" }, true],
    ["yuv420p", "vp9", {}, false],
    ["yuv444p10le", "prores", {}, false],
    ["rgb24", "png", {}, false],
  ];
  for (const [pixFmt, codec, tags, want] of table) {
    assert.equal(sourceHasAlpha(source(pixFmt, codec, tags)), want, `${pixFmt} ${codec}`);
  }
});

Deno.test("alphaPixFmt / encoderPixFmt: the format each encoder writes alpha in", () => {
  const a420 = withAlpha(YUV420P), a444 = withAlpha(YUV444P10LE);
  const table: [string, string, string | undefined][] = [
    ["libvpx-vp9", "yuva444p10le", "yuva420p"],
    ["libvpx", "yuva420p", "yuva420p"],
    ["prores_ks", "yuva420p", "yuva444p10le"],
    ["ffv1", "yuva444p10le", "yuva444p10le"],
    ["ffv1", "yuva420p", "yuva420p"],
    ["png", "yuva444p10le", "rgba64be"],
    ["png", "yuva420p", "rgba"],
    ["qtrle", "yuva420p", "argb"],
    ["libx264", "yuva420p", undefined],
  ];
  for (const [encoder, working, want] of table) {
    const f = working === "yuva420p" ? a420 : a444;
    assert.equal(alphaPixFmt(encoder, f), want, `${encoder} ${working}`);
  }
  assert.equal(encoderPixFmt("libvpx-vp9", a444), "yuva420p");
  assert.equal(
    encoderPixFmt("libvpx-vp9", YUV444P10LE),
    "yuv444p10le",
    "no alpha: the working format",
  );
  assert.equal(encoderPixFmt("prores_ks", a444, "yuv422p10le"), "yuv422p10le", "the one asked for");
});

Deno.test("alphaFate: kept where the output holds alpha, else the reason in a few words", () => {
  const all = new Set(["libvpx-vp9", "libvpx"]);
  const prores = source("yuva444p10le");
  const vp9 = source("yuv420p", "vp9", { alpha_mode: "1" });
  const table: [
    string,
    Pick<MediaInfo, "video" | "streams">,
    Parameters<typeof alphaFate>[1],
    unknown,
  ][] = [
    ["no alpha", source("yuv420p"), { encoder: "libx264", decoders: all }, null],
    ["prores_ks", prores, { encoder: "prores_ks", decoders: all }, { keep: true }],
    ["ffv1", prores, { encoder: "ffv1", decoders: all }, { keep: true }],
    ["x264", prores, { encoder: "libx264", decoders: all }, {
      keep: false,
      why: "libx264 cannot hold one",
    }],
    ["PNG frames", prores, { decoders: all }, { keep: true }],
    ["JPEG frames", prores, { jpeg: true, decoders: all }, {
      keep: false,
      why: "JPEG cannot hold one",
    }],
    ["asked yuva", prores, { encoder: "libx264", pixFmt: "yuva420p", decoders: all }, {
      keep: true,
    }],
    ["asked yuv", prores, { encoder: "ffv1", pixFmt: "yuv444p", decoders: all }, {
      keep: false,
      why: "the pixel format yuv444p has none",
    }],
    ["VP9 source", vp9, { encoder: "libvpx-vp9", decoders: all }, {
      keep: true,
      decoder: "libvpx-vp9",
    }],
    ["VP9, no libvpx", vp9, { encoder: "libvpx-vp9", decoders: new Set() }, {
      keep: false,
      why: "this ffmpeg has no libvpx-vp9 decoder to read it",
    }],
  ];
  for (const [what, info, output, want] of table) {
    assert.deepEqual(alphaFate(info, output), want, what);
  }
});
