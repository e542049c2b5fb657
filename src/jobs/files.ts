/** The inputs and outputs of a job: one video, or every video of a folder (a film library). */
import { InputError, OutputError, UsageError } from "../core/errors.ts";
import { isStreamedInput } from "../media/ffmpeg/input_name.ts";
import { checkInputFile } from "../media/ffmpeg/probe.ts";
import { VIDEO_MUXERS } from "../media/ffmpeg/muxers.ts";
import { extensionOf, outputKind } from "../upscale/kinds.ts";
import { workFolderFor } from "./work.ts";

/** Video file extensions a folder of videos is read for (case-insensitive). */
export const VIDEO_EXTENSIONS: readonly string[] = [
  ...Object.keys(VIDEO_MUXERS).filter((e) => e !== "y4m"),
  "mpg",
  "mpeg",
  "wmv",
  "ogv",
  "3gp",
  "vob",
  "mxf",
];

async function listVideos(dir: string): Promise<string[]> {
  const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (!(e.isFile || e.isSymlink) || e.name.startsWith(".")) continue;
    if (VIDEO_EXTENSIONS.includes(extensionOf(e.name))) names.push(e.name);
  }
  if (names.length === 0) {
    throw new InputError(dir, `has no videos (${VIDEO_EXTENSIONS.join(", ")})`);
  }
  return names.sort(collator.compare);
}

/** Pairs of input and output files for a plan (a folder of videos gives one pair each). */
export async function jobFiles(
  o: { input: string; output: string; work?: string },
): Promise<{ io: { input: string; output: string }[]; work: string; madeFolder?: string }> {
  // Segments are cut by seeking to keyframes listed beforehand: a stream is read only once.
  if (isStreamedInput(o.input)) {
    throw new UsageError(
      `${o.input}: a stream cannot be planned into segments (it is read once, as it comes)`,
    );
  }
  let isDir = false;
  try {
    isDir = (await Deno.stat(o.input)).isDirectory;
  } catch { /* a missing file is reported by checkInputFile */ }
  if (!isDir) {
    await checkInputFile(o.input);
    if (await outputKind(o.output) !== "video") {
      throw new UsageError(`${o.output}: a segmented job writes a video file`);
    }
    return { io: [{ input: o.input, output: o.output }], work: o.work ?? workFolderFor(o.output) };
  }
  const outDir = o.output.replace(/\/+$/, "") || "/";
  let outExists = true;
  try {
    if (!(await Deno.stat(outDir)).isDirectory) {
      throw new UsageError(`${o.output}: a folder of videos needs an output folder`);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    outExists = false;
  }
  // Through links too: a link to the input folder is the input folder.
  if (outExists && await Deno.realPath(outDir) === await Deno.realPath(o.input)) {
    throw new UsageError(`${o.output}: the output folder is the input folder`);
  }
  const io = (await listVideos(o.input)).map((name) => {
    // Containers we cannot write become Matroska, which holds any codec.
    const ext = extensionOf(name);
    const out = ext in VIDEO_MUXERS ? name : `${name.slice(0, -ext.length)}mkv`;
    return { input: `${o.input.replace(/\/+$/, "")}/${name}`, output: `${outDir}/${out}` };
  });
  // `a.avi` and `a.mkv` both become `a.mkv`: the second would replace the first.
  const seen = new Map<string, string>();
  for (const f of io) {
    const other = seen.get(f.output);
    if (other !== undefined) {
      throw new UsageError(`${f.output}: both ${other} and ${f.input} would be written to it`);
    }
    seen.set(f.output, f.input);
  }
  let madeFolder: string | undefined;
  if (!outExists) {
    await Deno.mkdir(outDir).catch((err) => {
      throw new OutputError(o.output, `cannot create the folder (${(err as Error).message})`);
    });
    madeFolder = outDir;
  }
  return { io, work: o.work ?? `${outDir}/.fsrcnn-work`, madeFolder };
}
