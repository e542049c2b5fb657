import assert from "node:assert/strict";
import {
  chaptersMoved,
  checkEncoderArgs,
  decodeArgs,
  dispositionValue,
  encodeArgs,
  imageSequenceArgs,
  normaliseRotation,
  swsMatrix,
} from "./args.ts";
import { parseEncoders, parseHelp, parseListing } from "./capabilities.ts";
import { planStreams } from "./stream_plan.ts";
import { parseProbe, rotationOf } from "./probe.ts";
import { rotateArgs } from "./rotate.ts";
import { OptionError } from "../../core/errors.ts";
import { workingFormat } from "../frame/format.ts";

const old = { fpsMode: false, encTimeBase: "-1" as const, displayRotation: false };
const modern = { fpsMode: true, encTimeBase: "demux" as const, displayRotation: true };

function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/** Every value given to `flag`, in order. */
function all(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
}

const ENCODERS = new Map([["libx264", "h264"], ["aac", "aac"], ["mov_text", "mov_text"]]);

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

Deno.test("decoder: a sample of keyframes a time apart, from the input's start", () => {
  const a = decodeArgs({
    input: "file:/x/in.mp4",
    pixFmt: "yuv420p",
    sample: { keyframes: true, apartSeconds: 1, withinSeconds: 60 },
    frames: 6,
    rgbMatrix: "bt709",
    caps: modern,
  });
  // Decoder and demuxer options come before the input.
  assert.equal(after(a, "-skip_frame"), "nokey");
  assert.equal(after(a, "-t"), "60");
  assert.ok(a.indexOf("-skip_frame") < a.indexOf("-i") && a.indexOf("-t") < a.indexOf("-i"));
  assert.equal(
    after(a, "-vf"),
    "select=isnan(prev_selected_t)+gte(t-prev_selected_t+0.001\\,1),scale=out_color_matrix=bt709:out_range=tv",
  );
  assert.equal(after(a, "-frames:v"), "6");
  // Every frame, no time apart: no filter, nothing skipped.
  const b = decodeArgs({
    input: "file:/x/in.mp4",
    pixFmt: "yuv420p",
    sample: { keyframes: false, apartSeconds: 0, withinSeconds: 5 },
    caps: modern,
  });
  assert.equal(b.includes("-vf"), false);
  assert.equal(b.includes("-skip_frame"), false);
});

Deno.test("encoder: keeps audio, subtitles, chapters, metadata and colour; passes extra args through", () => {
  const info = parseProbe("in.mkv", {
    format: { format_name: "matroska" },
    chapters: [{ id: 0 }],
    streams: [
      {
        index: 0,
        codec_type: "video",
        codec_name: "h264",
        width: 8,
        height: 8,
        disposition: { default: 1 },
      },
      {
        index: 1,
        codec_type: "audio",
        codec_name: "aac",
        disposition: { default: 1, forced: 0 },
        tags: { language: "ger", title: "German stereo" },
      },
      {
        index: 2,
        codec_type: "subtitle",
        codec_name: "subrip",
        disposition: { default: 0, forced: 1, attached_pic: 0 },
      },
      { index: 3, codec_type: "attachment", codec_name: "ttf" },
    ],
  });
  const mk = (muxer: string, o: { vfr?: boolean; start?: number; trial?: boolean } = {}) =>
    encodeArgs({
      output: "/o/.out.partial.mkv",
      muxer,
      video: { codec: "libx264", crf: 18, preset: "slow", extra: ["-tune", "film"] },
      frames: workingFormat("yuv420p"),
      source: {
        path: "/x/in.mkv",
        info,
        streams:
          planStreams({ output: "o", muxer, source: info, encoders: ENCODERS, ffmpeg: "ffmpeg" })
            .kept,
      },
      videoStart: o.start,
      color: { space: "bt709", primaries: "bt709", transfer: "bt709", range: "tv" },
      variableFrameRate: o.vfr,
      trial: o.trial,
      caps: { ...old, defaultMode: true },
    });
  const a = mk("matroska");
  assert.deepEqual(a.slice(a.indexOf("-f"), a.indexOf("-f") + 4), ["-f", "nut", "-i", "pipe:0"]);
  assert.equal(a[a.indexOf("pipe:0") + 2], "file:/x/in.mkv");
  assert.deepEqual(all(a, "-map"), ["0:v:0", "1:1", "1:2", "1:3"]);
  assert.deepEqual([after(a, "-c:1"), after(a, "-c:2"), after(a, "-c:3")], [
    "copy",
    "copy",
    "copy",
  ]);
  assert.equal(after(a, "-map_metadata"), "1");
  assert.equal(after(a, "-map_chapters"), "1");
  // Each stream's own tags, so that naming one does not turn ffmpeg's copying off for the rest.
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => after(a, `-map_metadata:s:${i}`)),
    ["1:s:0", "1:s:1", "1:s:2", "1:s:3"],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => after(a, `-disposition:${i}`)),
    ["default", "default", "forced", undefined],
  );
  assert.equal(after(a, "-default_mode"), "passthrough");
  assert.equal(after(a, "-crf"), "18");
  assert.equal(after(a, "-preset"), "slow");
  assert.equal(after(a, "-colorspace"), "bt709");
  assert.equal(after(a, "-color_range"), "tv");
  assert.equal(after(a, "-tune"), "film");
  assert.equal(a.includes("-enc_time_base:v"), false, "constant rate uses 1/fps");
  assert.equal(a.includes("-itsoffset"), false, "a video starting with the file needs no offset");
  assert.equal(a.includes("-output_ts_offset"), false);
  assert.equal(a.includes("-frames:v"), false);
  assert.deepEqual(a.slice(-3), ["-f", "matroska", "file:/o/.out.partial.mkv"]);
  const b = mk("mp4", { vfr: true });
  assert.deepEqual(all(b, "-map"), ["0:v:0", "1:1", "1:2"], "no attachments in MP4");
  assert.equal(after(b, "-c:2"), "mov_text", "SubRip becomes mov_text in MP4");
  assert.equal(after(b, "-metadata:s:1"), "handler_name=German stereo", "MP4 names tracks so");
  assert.equal(b.includes("-default_mode"), false);
  assert.equal(after(b, "-enc_time_base:v"), "-1");
  // A video that starts 0.5 s into the file: the source moves back, the output forward, and
  // chapters come from an unshifted opening of the source.
  const c = mk("matroska", { start: 0.5, trial: true });
  assert.equal(after(c, "-itsoffset"), "-0.500000");
  assert.ok(c.indexOf("-itsoffset") < c.indexOf("file:/x/in.mkv"), "-itsoffset is for input #1");
  assert.deepEqual(all(c, "-i"), ["pipe:0", "file:/x/in.mkv", "file:/x/in.mkv"]);
  assert.equal(after(c, "-map_chapters"), "2");
  assert.equal(after(c, "-output_ts_offset"), "0.500000");
  assert.equal(after(c, "-frames:v"), "1", "the trial run encodes one frame");
});

Deno.test("encoder: VP9 and AV1 at a CRF get no bitrate cap, unless one is asked for", () => {
  const vp9 = (extra: string[]) =>
    encodeArgs({
      output: "/o.webm",
      muxer: "webm",
      video: { codec: "libvpx-vp9", crf: 31, extra },
      frames: workingFormat("yuv420p"),
      caps: { ...modern, defaultMode: true },
    });
  assert.equal(after(vp9([]), "-b:v"), "0");
  assert.deepEqual(all(vp9(["-b:v", "2M"]), "-b:v"), ["2M"]);
  assert.equal(dispositionValue(["default", "attached_pic", "forced"]), "default+forced");
  assert.equal(dispositionValue([]), "0");
});

Deno.test("encoder: the pixel format follows the frames unless one is asked; a copy has none", () => {
  const args = (pixFmt: string | undefined, frames = workingFormat("yuv420p10le")) =>
    encodeArgs({
      output: "/o.mkv",
      muxer: "matroska",
      video: { codec: "ffv1", pixFmt, extra: [] },
      frames,
      caps: { ...modern, defaultMode: false },
    });
  assert.equal(after(args(undefined), "-pix_fmt"), "yuv420p10le");
  assert.equal(after(args("yuv444p"), "-pix_fmt"), "yuv444p");
  assert.equal(
    after(args(undefined, workingFormat("yuva444p10le", true)), "-pix_fmt"),
    "yuva444p10le",
  );
  const copy = encodeArgs({
    output: "/o.mkv",
    muxer: "matroska",
    video: { codec: "ffv1", pixFmt: "yuv444p", extra: [] },
    copyVideoFrom: { inputOptions: ["-f", "concat"], input: "file:/w/list" },
    caps: { ...modern, defaultMode: false },
  });
  assert.equal(after(copy, "-c:v"), "copy");
  assert.equal(copy.includes("-pix_fmt"), false);
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
    output: "/t/%06d.png",
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
    output: "/t/%d.jpg",
    jpeg: true,
    deep: false,
    color: {},
    caps: modern,
  });
  assert.equal(after(j, "-vf"), "scale=in_color_matrix=bt601:in_range=tv");
  assert.equal(after(j, "-c:v"), "mjpeg");
  assert.equal(swsMatrix("bt2020nc"), "bt2020");
});

Deno.test("encoder arguments: options and their values only, and no files", () => {
  const fine = [
    [],
    ["-tune", "film"],
    ["-tune", "film", "-x264-params", "ref=2:bframes=0"],
    ["-shortest", "-tune", "film"],
    ["-nostats", "-an"],
    ["-crf:v", "-1"],
    ["-metadata", "-x"],
    ["-b:v", "2M", "-maxrate", "3M"],
    ["-movflags", "+faststart"],
  ];
  for (const args of fine) checkEncoderArgs(args);
  const refused: [string[], RegExp][] = [
    [["-tune", "film", "victim.mkv"], /holds "victim\.mkv", which is neither/],
    [["victim.mkv"], /holds "victim\.mkv"/],
    [["-shortest", "victim.mkv"], /holds "victim\.mkv"/],
    [["-noshortest", "victim.mkv"], /holds "victim\.mkv"/],
    [["-metadata", "-x", "victim.mkv"], /holds "victim\.mkv"/],
    [["-"], /holds "-"/],
    [["-1"], /holds "-1"/],
    [[""], /holds ""/],
    [["-tune"], /ends with -tune, which needs a value/],
    [["-y"], /may not hold -y: /],
    [["-n"], /may not hold -n: /],
    [["-i", "x.mp4"], /may not hold -i: /],
    [["-f", "matroska"], /may not hold -f: /],
    [["-map", "0"], /may not hold -map: /],
    [["-map:v", "0"], /may not hold -map:v: /],
    [["-passlogfile", "p"], /may not hold -passlogfile: /],
    [["-vstats_file", "v"], /may not hold -vstats_file: /],
    [["-vstats"], /may not hold -vstats: /],
    [["-report"], /may not hold -report: /],
    [["-pass", "1"], /may not hold -pass: /],
    [["-progress", "p.txt"], /may not hold -progress: /],
    [["-filter_complex_script", "s"], /may not hold -filter_complex_script: /],
    [["-filter_script:v", "s"], /may not hold -filter_script:v: /],
    [["-dump_attachment:t", "a"], /may not hold -dump_attachment:t: /],
    [["-attach", "a.ttf"], /may not hold -attach: /],
    [["-sdp_file", "s"], /may not hold -sdp_file: /],
    [["-hls_segment_filename", "s"], /may not hold -hls_segment_filename: /],
  ];
  for (const [args, says] of refused) {
    assert.throws(
      () => checkEncoderArgs(args),
      (e) => e instanceof OptionError && e.option === "encoderArgs" && says.test(e.problem),
      JSON.stringify(args),
    );
  }
});

Deno.test("chaptersMoved: chapters, and a start of half a microsecond or more either way", () => {
  const chapters = [{ start: 0, end: 1, title: "one" }];
  const table: Array<[unknown[], number | undefined, boolean]> = [
    [chapters, 0.021, true],
    [chapters, -0.021, true],
    [chapters, 5e-7, true],
    [chapters, 4e-7, false],
    [chapters, 0, false],
    [chapters, undefined, false],
    [[], 0.021, false],
  ];
  for (const [list, start, moved] of table) {
    assert.equal(chaptersMoved(list, start), moved, `${list.length} chapters, start ${start}`);
  }
});
