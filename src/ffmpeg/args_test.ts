import assert from "node:assert/strict";
import { decodeArgs, encodeArgs, imageSequenceArgs, normaliseRotation, swsMatrix } from "./args.ts";
import { parseEncoders, parseHelp, parseListing } from "./capabilities.ts";
import { parseProbe, rotationOf } from "./probe.ts";
import { rotateArgs } from "./rotate.ts";

const old = { fpsMode: false, encTimeBase: "-1" as const, displayRotation: false };
const modern = { fpsMode: true, encTimeBase: "demux" as const, displayRotation: true };

function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

Deno.test("decoder: first video stream, raw frames in NUT, every frame with its own timestamp", () => {
  const a = decodeArgs({
    input: "file:/x/in.mp4",
    pixFmt: "yuv420p10le",
    noAutorotate: true,
    caps: old,
  });
  assert.ok(a.indexOf("-noautorotate") < a.indexOf("-i"), "-noautorotate is an input option");
  assert.equal(after(a, "-i"), "file:/x/in.mp4");
  assert.equal(after(a, "-map"), "0:v:0");
  assert.equal(after(a, "-pix_fmt"), "yuv420p10le");
  assert.equal(after(a, "-vsync"), "passthrough");
  assert.equal(after(a, "-enc_time_base:v"), "-1");
  assert.deepEqual(a.slice(-3), ["-f", "nut", "pipe:1"]);
  const b = decodeArgs({ input: "file:/y", pixFmt: "yuv420p", caps: modern });
  assert.equal(after(b, "-fps_mode"), "passthrough");
  assert.equal(b.includes("-vsync"), false);
  assert.equal(after(b, "-enc_time_base:v"), "demux");
});

Deno.test("encoder: keeps audio, subtitles, chapters, metadata and colour; passes extra args through", () => {
  const info = parseProbe("in.mkv", {
    format: { format_name: "matroska" },
    streams: [
      { index: 0, codec_type: "video", codec_name: "h264", width: 8, height: 8 },
      { index: 1, codec_type: "audio", codec_name: "aac" },
      { index: 2, codec_type: "subtitle", codec_name: "subrip" },
      { index: 3, codec_type: "attachment", codec_name: "ttf" },
    ],
  });
  const mk = (muxer: string, vfr: boolean) =>
    encodeArgs({
      output: "file:/o/.out.partial.mkv",
      muxer,
      video: {
        codec: "libx264",
        crf: 18,
        preset: "slow",
        pixFmt: "yuv420p",
        extra: ["-tune", "film"],
      },
      source: { name: "file:/x/in.mkv", info },
      color: { space: "bt709", primaries: "bt709", transfer: "bt709", range: "tv" },
      variableFrameRate: vfr,
      caps: old,
    });
  const a = mk("matroska", false);
  assert.deepEqual(a.slice(a.indexOf("-f"), a.indexOf("-f") + 4), ["-f", "nut", "-i", "pipe:0"]);
  assert.equal(a[a.indexOf("pipe:0") + 2], "file:/x/in.mkv");
  for (const m of ["0:v:0", "1:a", "1:s", "1:t"]) assert.ok(a.includes(m), m);
  assert.equal(after(a, "-c:a"), "copy");
  assert.equal(after(a, "-c:s"), "copy");
  assert.equal(after(a, "-map_metadata"), "1");
  assert.equal(after(a, "-map_chapters"), "1");
  assert.equal(after(a, "-crf"), "18");
  assert.equal(after(a, "-preset"), "slow");
  assert.equal(after(a, "-colorspace"), "bt709");
  assert.equal(after(a, "-color_range"), "tv");
  assert.equal(after(a, "-tune"), "film");
  assert.equal(a.includes("-enc_time_base:v"), false, "constant rate uses 1/fps");
  assert.deepEqual(a.slice(-3), ["-f", "matroska", "file:/o/.out.partial.mkv"]);
  const b = mk("mp4", true);
  assert.equal(after(b, "-c:s"), "mov_text", "SubRip becomes mov_text in MP4");
  assert.equal(b.includes("1:t"), false, "no attachments in MP4");
  assert.equal(after(b, "-enc_time_base:v"), "-1");
});

Deno.test("rotation: read from the display matrix or the tag, written back the same", () => {
  const matrix = (a: number, b: number) => ({
    side_data_list: [{ displaymatrix: `\n00000000: 0 ${a} 0\n00000001: ${b} 0 0\n`, rotation: 1 }],
  });
  assert.equal(rotationOf(matrix(-65536, 65536)), 90);
  assert.equal(rotationOf(matrix(65536, -65536)), -90);
  assert.equal(rotationOf({ side_data_list: [{ rotation: 180 }] }), 180);
  assert.equal(rotationOf({ tags: { rotate: "270" } }), 270);
  assert.equal(rotationOf({}), 0);
  assert.equal(normaliseRotation(-90), 270);
  assert.equal(normaliseRotation(450), 90);
  const tag = rotateArgs("file:/a.mp4", "file:/b.mp4", "mp4", -90, old);
  assert.equal(after(tag, "-metadata:s:v:0"), "rotate=270");
  assert.equal(after(tag, "-c"), "copy");
  const dm = rotateArgs("file:/a.mp4", "file:/b.mp4", "mp4", 90, modern);
  assert.ok(dm.indexOf("-display_rotation:v:0") < dm.indexOf("-i"));
  assert.equal(after(dm, "-display_rotation:v:0"), "90");
});

Deno.test("capabilities are parsed from ffmpeg's own listings", () => {
  const listing =
    "Encoders:\n V..... = Video\n ------\n V....D libx264              H.264\n A..... aac   AAC\n";
  assert.deepEqual([...parseListing(listing)], ["libx264", "aac"]);
  const muxers =
    "File formats:\n D. = Demuxing\n --\n  E mp4             MP4\n DE matroska,webm  Matroska\n";
  assert.deepEqual([...parseListing(muxers)], ["mp4", "matroska", "webm"]);
  const help41 =
    "-vsync              video sync method\n-enc_time_base ratio  set ... -1 = match source time base\n";
  assert.deepEqual(parseHelp(help41), {
    fpsMode: false,
    displayRotation: false,
    encTimeBase: "-1",
    defaultMode: false,
  });
  const help7 =
    "-fps_mode[:<stream_spec>] <mode>  set framerate mode\n-display_rotation[:<stream_spec>] <angle>\n" +
    "-enc_time_base[:<stream_spec>] <ratio>  ... demux/filter\n";
  assert.deepEqual(parseHelp(help7), {
    fpsMode: true,
    displayRotation: true,
    encTimeBase: "demux",
    defaultMode: false,
  });
  const matroskaHelp = "matroska muxer AVOptions:\n  -default_mode      <int>   E.... Controls\n";
  assert.equal(parseHelp(matroskaHelp).defaultMode, true);
  const encoders = " V..... = Video\n ------\n V....D libvpx-vp9   libvpx VP9 (codec vp9)\n" +
    " A..... aac                  AAC (Advanced Audio Coding)\n";
  assert.deepEqual([...parseEncoders(encoders)], [["libvpx-vp9", "vp9"], ["aac", "aac"]]);
});

Deno.test("image sequences: RGB conversion follows the source matrix and range", () => {
  const a = imageSequenceArgs({
    output: "file:/t/%06d.png",
    jpeg: false,
    deep: true,
    color: { space: "bt709", range: "tv" },
    caps: old,
  });
  assert.equal(after(a, "-vf"), "scale=in_color_matrix=bt709:in_range=tv");
  assert.equal(after(a, "-pix_fmt"), "rgb48be");
  assert.equal(after(a, "-start_number"), "1");
  assert.deepEqual(a.slice(-3), ["-f", "image2", "file:/t/%06d.png"]);
  const j = imageSequenceArgs({
    output: "file:/t/%d.jpg",
    jpeg: true,
    deep: false,
    color: {},
    caps: modern,
  });
  assert.equal(after(j, "-vf"), "scale=in_color_matrix=bt601:in_range=tv");
  assert.equal(after(j, "-c:v"), "mjpeg");
  assert.equal(swsMatrix("bt2020nc"), "bt2020");
});
