import assert from "node:assert/strict";
import { OptionError, ToolError, UsageError } from "../../core/errors.ts";
import { parseProbe } from "./probe.ts";
import { planNotices, planStreams } from "./stream_plan.ts";

/** What a full build of ffmpeg offers (encoder → codec). */
const FULL = new Map([
  ["libx264", "h264"],
  ["libvpx-vp9", "vp9"],
  ["libvpx", "vp8"],
  ["aac", "aac"],
  ["libopus", "opus"],
  ["libvorbis", "vorbis"],
  ["mov_text", "mov_text"],
  ["srt", "subrip"],
  ["webvtt", "webvtt"],
]);

// deno-lint-ignore no-explicit-any
function source(streams: any[], chapters = 0) {
  return parseProbe("in", {
    format: { format_name: "mov,mp4" },
    chapters: Array.from({ length: chapters }, (_, id) => ({ id })),
    streams: [
      {
        index: 0,
        codec_type: "video",
        codec_name: "h264",
        width: 8,
        height: 8,
        tags: { timecode: "01:00:00:00" },
      },
      ...streams.map((s, i) => ({ index: i + 1, ...s })),
    ],
  });
}

/** The ffmpeg binary named in messages. */
const ffmpeg = "/usr/bin/ffmpeg";

const summary = (p: ReturnType<typeof planStreams>) => ({
  encoder: p.videoEncoder,
  kept: p.kept.map((k) => `#${k.source.index} ${k.encoder} ${k.codec}`),
  dropped: p.dropped.map((d) => `#${d.source.index} ${d.why}`),
});

Deno.test("stream plan: each container keeps, converts or names each stream", () => {
  const info = source([
    { codec_type: "audio", codec_name: "aac" },
    { codec_type: "audio", codec_name: "opus" },
    { codec_type: "subtitle", codec_name: "subrip" },
    { codec_type: "subtitle", codec_name: "hdmv_pgs_subtitle" },
    { codec_type: "attachment", codec_name: "ttf" },
    { codec_type: "video", codec_name: "mjpeg", disposition: { attached_pic: 1 } },
    { codec_type: "data", codec_name: "unknown", codec_tag_string: "rtp " },
    { codec_type: "data", codec_name: "unknown", codec_tag_string: "tmcd" },
    { codec_type: "data", codec_name: "bin_data", codec_tag_string: "text" },
  ], 2);
  const plan = (muxer: string, videoEncoder?: string, encoders = FULL) =>
    summary(planStreams({ output: "o", muxer, source: info, videoEncoder, encoders, ffmpeg }));
  const rtp = "#7 RTP hint track", cover = "#6 cover art";
  assert.deepEqual(plan("webm"), {
    encoder: "libvpx-vp9",
    kept: ["#1 libopus opus", "#2 copy opus", "#3 webvtt webvtt"],
    dropped: [
      "#4 WebM holds only webvtt subtitles",
      "#5 WebM holds no attachments",
      cover,
      rtp,
    ],
  });
  assert.deepEqual(plan("mp4"), {
    encoder: "libx264",
    kept: ["#1 copy aac", "#2 copy opus", "#3 mov_text mov_text"],
    dropped: [
      "#4 MP4 holds only mov_text, dvd_subtitle subtitles",
      "#5 MP4 holds no attachments",
      cover,
      rtp,
    ],
  });
  assert.deepEqual(plan("matroska", "libx264"), {
    encoder: "libx264",
    kept: [
      "#1 copy aac",
      "#2 copy opus",
      "#3 copy subrip",
      "#4 copy hdmv_pgs_subtitle",
      "#5 copy ttf",
    ],
    dropped: [cover, rtp],
  });
  // Without VP9 or Opus encoders: the next the container takes, or the audio is named.
  const poor = new Map([["libvpx", "vp8"], ["webvtt", "webvtt"]]);
  const p = planStreams({
    output: "o.webm",
    muxer: "webm",
    source: info,
    encoders: poor,
    ffmpeg,
  });
  assert.equal(p.videoEncoder, "libvpx");
  assert.deepEqual(p.dropped[0], {
    source: info.streams[1],
    why: "no opus or vorbis encoder in this ffmpeg",
  });
  assert.deepEqual(planNotices(p, "o.webm").map((n) => n.kind), [
    "video-encoder",
    "converted",
    "dropped",
  ]);
  assert.equal(
    planNotices(p, "o.webm")[0].message,
    "o.webm: this ffmpeg has no libvpx-vp9; encoding the video with libvpx",
  );
});

Deno.test("stream plan: one line for what is converted, one for what is left out", () => {
  const info = source([
    { codec_type: "audio", codec_name: "aac" },
    { codec_type: "data", codec_name: "unknown", codec_tag_string: "rtp " },
  ]);
  const webm = planStreams({
    output: "o.webm",
    muxer: "webm",
    source: info,
    encoders: FULL,
    ffmpeg,
  });
  assert.deepEqual(planNotices(webm, "o.webm"), [
    {
      kind: "converted",
      message: "o.webm: converting what WebM cannot hold as it is: #1 audio aac to opus (libopus)",
    },
    { kind: "dropped", message: "o.webm: not kept: #2 data rtp (RTP hint track)" },
  ]);
  const mkv = planStreams({
    output: "o.mkv",
    muxer: "matroska",
    source: source([]),
    encoders: FULL,
    ffmpeg,
  });
  assert.deepEqual(planNotices(mkv, "o.mkv"), [], "nothing to say when all is kept as it is");
});

Deno.test("stream plan: a video codec the container cannot hold fails before any work", () => {
  const info = source([]);
  assert.throws(
    () =>
      planStreams({
        output: "o.webm",
        muxer: "webm",
        source: info,
        videoEncoder: "libx264",
        encoders: FULL,
        ffmpeg,
      }),
    (e) =>
      e instanceof OptionError && e instanceof UsageError && e.option === "codec" &&
      e.problem === "libx264: WebM cannot hold h264 video (o.webm takes vp9, vp8, av1)",
  );
  // An encoder this ffmpeg does not have is refused as well, before ffmpeg is asked to run it.
  assert.throws(
    () =>
      planStreams({
        output: "o.webm",
        muxer: "webm",
        videoEncoder: "nope",
        encoders: FULL,
        ffmpeg,
      }),
    (e) =>
      e instanceof OptionError && e.option === "codec" &&
      e.problem === "nope: /usr/bin/ffmpeg has no such encoder",
  );
  assert.throws(
    () =>
      planStreams({ output: "o.webm", muxer: "webm", encoders: new Map([["aac", "aac"]]), ffmpeg }),
    (e) => e instanceof ToolError && /none of the video encoders WebM needs/.test(e.message),
  );
  assert.equal(
    planStreams({
      output: "o.y4m",
      muxer: "yuv4mpegpipe",
      encoders: new Map([["wrapped_avframe", "wrapped_avframe"]]),
      ffmpeg,
    })
      .videoEncoder,
    "wrapped_avframe",
  );
});
