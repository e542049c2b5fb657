/**
 * What each output container can hold, and which encoders suit it by default. ffmpeg itself
 * only finds out when it writes the output's header, which happens after the first upscaled
 * frame reaches the encoder; knowing it up front lets the pipeline choose codecs, and name
 * what cannot be kept, before any work is done.
 *
 * Codec names are ffmpeg's (`ffprobe` codec_name). The lists are what ffmpeg 5.1 accepts,
 * checked by stream-copying each codec into each muxer, less what the container's own
 * specification does not register (ffmpeg writes Vorbis into MP4, which players refuse). Where
 * an older ffmpeg refuses more (4.1: Opus and ALAC in MP4), the trial run of the encoder that
 * precedes the first frame reports ffmpeg's reason.
 */

/** One output container: what it holds and the encoders to use for it. */
export interface Container {
  /** Its name in messages. */
  label: string;
  /** Video codecs it can hold; absent: whatever ffmpeg can put in it. */
  video?: readonly string[];
  /** Audio codecs it can hold; absent: any. */
  audio?: readonly string[];
  /** Subtitle codecs it can hold; absent: any. */
  subtitle?: readonly string[];
  /** Encoder that text subtitles it cannot hold as they are are converted with. */
  textSubtitleEncoder?: string;
  /** Holds attachments (fonts of styled subtitles). */
  attachments: boolean;
  /** Video encoders to use when none is asked for, best first. */
  videoEncoders: readonly string[];
  /** Audio encoders for audio it cannot hold as it is, best first. */
  audioEncoders: readonly string[];
}

const PCM = [
  "pcm_s16le",
  "pcm_s16be",
  "pcm_s24le",
  "pcm_s24be",
  "pcm_s32le",
  "pcm_s32be",
  "pcm_f32le",
  "pcm_f32be",
  "pcm_f64le",
  "pcm_f64be",
  "pcm_u8",
  "pcm_s8",
  "pcm_alaw",
  "pcm_mulaw",
];

const H264_FIRST = ["libx264", "libx265", "mpeg4"];

/** Containers by muxer name (the values of muxers.ts' VIDEO_MUXERS). */
export const CONTAINERS: Readonly<Record<string, Container>> = {
  mp4: {
    label: "MP4",
    audio: ["aac", "mp3", "mp2", "ac3", "eac3", "alac", "opus"],
    subtitle: ["mov_text", "dvd_subtitle"],
    textSubtitleEncoder: "mov_text",
    attachments: false,
    videoEncoders: H264_FIRST,
    audioEncoders: ["aac"],
  },
  mov: {
    label: "QuickTime",
    audio: ["aac", "mp3", "mp2", "ac3", "eac3", "alac", ...PCM],
    subtitle: ["mov_text"],
    textSubtitleEncoder: "mov_text",
    attachments: false,
    videoEncoders: H264_FIRST,
    audioEncoders: ["aac"],
  },
  matroska: {
    label: "Matroska",
    subtitle: [
      "subrip",
      "ass",
      "ssa",
      "webvtt",
      "text",
      "dvd_subtitle",
      "hdmv_pgs_subtitle",
      "dvb_subtitle",
    ],
    textSubtitleEncoder: "srt",
    attachments: true,
    videoEncoders: H264_FIRST,
    audioEncoders: [],
  },
  webm: {
    label: "WebM",
    video: ["vp9", "vp8", "av1"],
    audio: ["opus", "vorbis"],
    subtitle: ["webvtt"],
    textSubtitleEncoder: "webvtt",
    attachments: false,
    videoEncoders: ["libvpx-vp9", "libvpx", "libaom-av1", "libsvtav1"],
    audioEncoders: ["libopus", "libvorbis"],
  },
  avi: {
    label: "AVI",
    audio: ["mp3", "mp2", "ac3", "aac", "vorbis", "flac", ...PCM],
    subtitle: [],
    attachments: false,
    videoEncoders: H264_FIRST,
    audioEncoders: ["libmp3lame", "ac3"],
  },
  mpegts: {
    label: "MPEG-TS",
    attachments: false,
    videoEncoders: H264_FIRST,
    audioEncoders: [],
  },
  flv: {
    label: "FLV",
    audio: ["aac", "mp3"],
    subtitle: [],
    attachments: false,
    videoEncoders: ["libx264"],
    audioEncoders: ["aac"],
  },
  nut: {
    label: "NUT",
    subtitle: [],
    attachments: false,
    videoEncoders: H264_FIRST,
    audioEncoders: [],
  },
  yuv4mpegpipe: {
    label: "YUV4MPEG",
    video: ["wrapped_avframe"],
    audio: [],
    subtitle: [],
    attachments: false,
    videoEncoders: ["wrapped_avframe"],
    audioEncoders: [],
  },
};

/** The rules for a muxer; an unknown one is assumed to hold anything. */
export function containerOf(muxer: string): Container {
  return CONTAINERS[muxer] ??
    { label: muxer, attachments: false, videoEncoders: H264_FIRST, audioEncoders: [] };
}

/** Whether `list` (a container's codec list for one kind of stream) admits `codec`. */
export function holds(list: readonly string[] | undefined, codec: string): boolean {
  return list === undefined || list.includes(codec);
}

/** Subtitle codecs ffmpeg decodes to text, so that they can be re-encoded as another text format. */
export const TEXT_SUBTITLES: readonly string[] = [
  "subrip",
  "srt",
  "ass",
  "ssa",
  "webvtt",
  "text",
  "mov_text",
];
