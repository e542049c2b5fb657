/**
 * Which of the source's streams go into the output and how: copied as they are, converted
 * into something the container holds, or left out and named. Decided from the probe and the
 * container's rules (containers.ts) before any frame is decoded, so that an impossible output
 * fails at once and every conversion or loss can be told in one line.
 */
import { OptionError, ToolError } from "../../core/errors.ts";
import { ALPHA_ENCODERS_OF } from "./alpha.ts";
import { type Container, containerOf, holds, TEXT_SUBTITLES } from "./containers.ts";
import type { MediaInfo, StreamInfo } from "./probe.ts";

/** A source stream that goes into the output. */
export interface KeptStream {
  source: StreamInfo;
  /** `copy`, or the encoder that converts it for the container. */
  encoder: string;
  /** The codec it will have in the output (the source's when copied). */
  codec: string;
}

/** A source stream that the output cannot hold, and why (a few words). */
export interface DroppedStream {
  source: StreamInfo;
  why: string;
}

export interface StreamPlan {
  container: Container;
  /** The video encoder, and whether the container's first choice was missing. */
  videoEncoder: string;
  videoFallback: boolean;
  /** Source streams besides the upscaled video, in output order (output streams 1, 2, …). */
  kept: KeptStream[];
  dropped: DroppedStream[];
}

export interface PlanOptions {
  /** The output, for messages. */
  output: string;
  muxer: string;
  /** The source's probe when its other streams are to be kept (videos, not frame sequences). */
  source?: MediaInfo;
  /**
   * The video encoder asked for; default: the container's first that this ffmpeg has (of
   * those that hold alpha, when `alpha` is set and the container has one: see alpha.ts).
   */
  videoEncoder?: string;
  /** The source's pictures have alpha: an encoder that keeps it is preferred. */
  alpha?: boolean;
  /** The encoders this ffmpeg has, each with the codec it makes. */
  encoders: ReadonlyMap<string, string>;
  /** The ffmpeg binary, named when it lacks the encoder asked for. */
  ffmpeg: string;
}

function firstAvailable(names: readonly string[], encoders: ReadonlyMap<string, string>) {
  return names.find((n) => encoders.has(n));
}

/**
 * Data tracks whose content reaches the output by another road: a QuickTime timecode track
 * becomes the video's `timecode` tag (MP4/MOV outputs rebuild the track from it), and a chapter
 * text track is what the chapters are read from.
 */
function carriedElsewhere(s: StreamInfo, source: MediaInfo): boolean {
  const video = source.streams.find((v) => v.index === source.video?.index);
  if (s.codecTag === "tmcd") return video?.tags.timecode !== undefined;
  return s.codecTag === "text" && s.codec === "bin_data" && source.chapters.length > 0;
}

/**
 * The video encoder: the one asked for, which this ffmpeg must have and whose codec the
 * container must hold, or the container's first that this ffmpeg has. The one place that
 * decides whether an encoder can write the output.
 */
function videoEncoderFor(o: PlanOptions, c: Container): { encoder: string; fallback: boolean } {
  const asked = o.videoEncoder;
  if (asked !== undefined) {
    const codec = o.encoders.get(asked);
    if (codec === undefined) {
      throw new OptionError("codec", `${asked}: ${o.ffmpeg} has no such encoder`);
    }
    if (!holds(c.video, codec)) {
      throw new OptionError(
        "codec",
        `${asked}: ${c.label} cannot hold ${codec} video (${o.output} takes ` +
          `${c.video!.join(", ")})`,
      );
    }
    return { encoder: asked, fallback: false };
  }
  const withAlpha = o.alpha
    ? firstAvailable(ALPHA_ENCODERS_OF[o.muxer] ?? [], o.encoders)
    : undefined;
  if (withAlpha !== undefined) return { encoder: withAlpha, fallback: false };
  const encoder = firstAvailable(c.videoEncoders, o.encoders);
  if (encoder === undefined) {
    throw new ToolError(
      `${o.output}: this ffmpeg has none of the video encoders ${c.label} needs ` +
        `(${c.videoEncoders.join(", ")})`,
    );
  }
  return { encoder, fallback: encoder !== c.videoEncoders[0] };
}

/**
 * Decides the output's streams; throws an OptionError when the encoder asked for is missing or
 * makes a codec the container cannot hold, a ToolError when this ffmpeg has none it takes.
 */
export function planStreams(o: PlanOptions): StreamPlan {
  const c = containerOf(o.muxer);
  const video = videoEncoderFor(o, c);
  const plan: StreamPlan = {
    container: c,
    videoEncoder: video.encoder,
    videoFallback: video.fallback,
    kept: [],
    dropped: [],
  };
  const src = o.source;
  if (!src) return plan;
  const keep = (source: StreamInfo, encoder = "copy") =>
    plan.kept.push({
      source,
      encoder,
      codec: encoder === "copy" ? source.codec : o.encoders.get(encoder) ?? encoder,
    });
  const drop = (source: StreamInfo, why: string) => plan.dropped.push({ source, why });
  for (const s of src.streams) {
    if (s.index === src.video?.index) continue;
    switch (s.type) {
      case "video":
        drop(s, s.attachedPic ? "cover art" : "only the first video is upscaled");
        break;
      case "audio": {
        if (holds(c.audio, s.codec)) keep(s);
        else if (c.audio?.length === 0) drop(s, `${c.label} holds no audio`);
        else {
          const encoder = firstAvailable(c.audioEncoders, o.encoders);
          if (encoder) keep(s, encoder);
          else drop(s, `no ${c.audio!.join(" or ")} encoder in this ffmpeg`);
        }
        break;
      }
      case "subtitle": {
        const text = c.textSubtitleEncoder;
        if (holds(c.subtitle, s.codec)) keep(s);
        else if (text && TEXT_SUBTITLES.includes(s.codec) && o.encoders.has(text)) keep(s, text);
        else if (c.subtitle?.length === 0) drop(s, `${c.label} holds no subtitles`);
        else drop(s, `${c.label} holds only ${c.subtitle!.join(", ")} subtitles`);
        break;
      }
      case "attachment":
        if (c.attachments) keep(s);
        else drop(s, `${c.label} holds no attachments`);
        break;
      case "data":
        if (!carriedElsewhere(s, src)) {
          drop(s, s.codecTag === "rtp" ? "RTP hint track" : "data tracks are not kept");
        }
        break;
      default:
        drop(s, "unknown kind of stream");
    }
  }
  return plan;
}

function describe(s: StreamInfo): string {
  const tag = s.codec === "unknown" || s.codec === "bin_data" ? s.codecTag : undefined;
  return `#${s.index} ${s.type} ${tag ?? s.codec}`;
}

/**
 * One line telling the user what the output does differently from the source (the library's
 * UpscaleNotice).
 */
export interface PlanNotice {
  /**
   * `video-encoder`: the container's usual encoder is missing, another is used; `converted`:
   * streams the container cannot hold as they are are converted; `dropped`: streams it cannot
   * hold at all are left out.
   */
  kind: "video-encoder" | "converted" | "dropped";
  message: string;
}

/** What the plan changes, in one line each (none when everything is kept as it is). */
export function planNotices(plan: StreamPlan, output: string): PlanNotice[] {
  const c = plan.container;
  const out: PlanNotice[] = [];
  if (plan.videoFallback) {
    out.push({
      kind: "video-encoder",
      message: `${output}: this ffmpeg has no ${c.videoEncoders[0]}; encoding the video with ` +
        plan.videoEncoder,
    });
  }
  const converted = plan.kept.filter((k) => k.encoder !== "copy");
  if (converted.length > 0) {
    const to = (k: KeptStream) => k.codec + (k.encoder === k.codec ? "" : ` (${k.encoder})`);
    out.push({
      kind: "converted",
      message: `${output}: converting what ${c.label} cannot hold as it is: ` +
        converted.map((k) => `${describe(k.source)} to ${to(k)}`).join(", "),
    });
  }
  if (plan.dropped.length > 0) {
    out.push({
      kind: "dropped",
      message: `${output}: not kept: ` +
        plan.dropped.map((d) => `${describe(d.source)} (${d.why})`).join(", "),
    });
  }
  return out;
}
