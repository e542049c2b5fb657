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

/**
 * Muxers of the MP4/MOV family (libavformat's mov muxer): they keep no track title but a
 * handler name, can store a display matrix, and pick their own track timescale.
 */
export const MOV_MUXERS: ReadonlySet<string> = new Set(["mp4", "mov", "ipod", "3gp", "3g2"]);
