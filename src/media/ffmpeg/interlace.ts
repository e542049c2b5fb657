/**
 * Interlaced footage: whether a video's pictures are two fields woven together, which field
 * comes first, and the filter that makes whole pictures of them before the network sees them
 * (the network, trained on progressive pictures, would upscale the combing into every frame).
 *
 * A stream that says how it is scanned (its field order) is taken at its word; one that does
 * not is measured with ffmpeg's `idet` on its first pictures.
 */
import { COMMON_ARGS } from "./args.ts";
import { runTool } from "./process.ts";
import type { FfmpegTools } from "./resolve.ts";

/**
 * What to do with interlaced input: `frame` makes one picture of each frame's two fields (the
 * frame rate stays), `field` one picture of each field (twice the frame rate, smoother motion),
 * `off` leaves the fields woven. Progressive input is never touched.
 */
export type DeinterlaceMode = "frame" | "field" | "off";

/** The deinterlace modes, for checking a user's choice. */
export const DEINTERLACE_MODES: readonly DeinterlaceMode[] = ["frame", "field", "off"];

/** Which field is displayed first: top (`tff`) or bottom (`bff`). */
export type FieldParity = "tff" | "bff";

/** An interlaced video: its field parity, and how that was found. */
export interface Interlacing {
  parity: FieldParity;
  /** `tag`: the stream's field order says so; `idet`: measured on its first pictures. */
  found: "tag" | "idet";
}

/**
 * The field parity an ffprobe `field_order` gives: `tt` and `bt` (top displayed first) →
 * tff, `bb` and `tb` → bff; `progressive` → null; anything else (missing, `unknown`) →
 * undefined: the stream does not say.
 */
export function parityOfFieldOrder(fieldOrder: string | undefined): FieldParity | null | undefined {
  switch (fieldOrder) {
    case "tt":
    case "bt":
      return "tff";
    case "bb":
    case "tb":
      return "bff";
    case "progressive":
      return null;
    default:
      return undefined;
  }
}

/** idet's multi-frame counts. */
export interface IdetCounts {
  tff: number;
  bff: number;
  progressive: number;
  undetermined: number;
}

/** idet's "Multi frame detection" counts from ffmpeg's log, or null when it has none. */
export function parseIdet(log: string): IdetCounts | null {
  const m = log.match(
    /Multi frame detection:\s*TFF:\s*(\d+)\s+BFF:\s*(\d+)\s+Progressive:\s*(\d+)\s+Undetermined:\s*(\d+)/,
  );
  if (!m) return null;
  const [tff, bff, progressive, undetermined] = m.slice(1).map(Number);
  return { tff, bff, progressive, undetermined };
}

/**
 * The parity idet's counts point to, or null for progressive: interlaced when woven pictures
 * outnumber progressive ones, make at least a quarter of all (still pictures and flat areas
 * are undetermined either way, and need no deinterlacing), and four in five of them agree on
 * one field order. Interlaced video has one order throughout; sharp synthetic motion (test
 * patterns, screen content) looks woven to idet in both orders at random.
 */
export function idetParity(c: IdetCounts): FieldParity | null {
  const woven = c.tff + c.bff;
  const all = woven + c.progressive + c.undetermined;
  if (woven === 0 || woven <= c.progressive || 4 * woven < all) return null;
  if (5 * Math.max(c.tff, c.bff) < 4 * woven) return null;
  return c.tff >= c.bff ? "tff" : "bff";
}

/** Pictures idet looks at. */
export const IDET_FRAMES = 60;

/** ffmpeg arguments that run idet on the first `frames` pictures of the first video stream. */
export function idetArgs(input: string, inputOptions: readonly string[], frames: number): string[] {
  // idet reports at the info level, which COMMON_ARGS's "error" hides.
  const common = COMMON_ARGS.map((a, i) => COMMON_ARGS[i - 1] === "-loglevel" ? "info" : a);
  return [
    ...common,
    "-nostats",
    ...inputOptions,
    "-i",
    input,
    "-map",
    "0:v:0",
    "-frames:v",
    String(frames),
    "-vf",
    "idet",
    "-f",
    "null",
    "-",
  ];
}

/**
 * Whether a video is interlaced: from its field order when it says, else from idet on its
 * first pictures. Always from the start of the file, so that every segment of a video finds
 * the same. A video idet cannot read is taken as progressive: decoding it reports why. A
 * streamed input (`pipe:0`) gives its kept first bytes as `stdin`: it is never read twice.
 */
export async function detectInterlacing(
  tools: FfmpegTools,
  source: {
    input: string;
    inputOptions: readonly string[];
    fieldOrder?: string;
    stdin?: Uint8Array;
  },
  signal?: AbortSignal,
): Promise<Interlacing | null> {
  const tagged = parityOfFieldOrder(source.fieldOrder);
  if (tagged !== undefined) return tagged && { parity: tagged, found: "tag" };
  const r = await runTool(tools.ffmpeg, idetArgs(source.input, source.inputOptions, IDET_FRAMES), {
    signal,
    stdin: source.stdin,
  });
  const counts = r.code === 0 ? parseIdet(r.stderr) : null;
  const parity = counts && idetParity(counts);
  return parity ? { parity, found: "idet" } : null;
}

/**
 * The ffmpeg filter that deinterlaces: bwdif (present since ffmpeg 4.0), every picture
 * (`deint=all`, since a stream tagged or measured interlaced may flag its frames wrongly),
 * with the parity found rather than the frames' own flags.
 */
export function deinterlaceFilter(parity: FieldParity, perField: boolean): string {
  return `bwdif=mode=${perField ? "send_field" : "send_frame"}:parity=${parity}:deint=all`;
}

/** One line for the user: "interlaced (top field first, from its field order)". */
export function describeInterlacing(i: Interlacing): string {
  const first = i.parity === "tff" ? "top" : "bottom";
  const how = i.found === "tag" ? "as its field order says" : "as idet measures it";
  return `interlaced, ${first} field first (${how})`;
}
