/** Which ffmpeg muxer writes each video container we offer, by file extension. */

/** Muxer for each video container extension we write. */
export const VIDEO_MUXERS: Readonly<Record<string, string>> = {
  mp4: "mp4",
  m4v: "mp4",
  mov: "mov",
  mkv: "matroska",
  webm: "webm",
  avi: "avi",
  ts: "mpegts",
  m2ts: "mpegts",
  mts: "mpegts",
  flv: "flv",
  nut: "nut",
  y4m: "yuv4mpegpipe",
};
