/**
 * Writing outputs safely: refuse to clobber what the user did not ask to overwrite, refuse to
 * write over the input, write everything under a temporary name beside the target, and only
 * rename it into place once the whole output is complete. Temporaries of the same output that
 * killed runs left behind are removed (see leftovers.ts).
 */
import { OutputError, UsageError } from "../core/errors.ts";
import { isStreamedInput, STANDARD_STREAM } from "../media/ffmpeg/input_name.ts";
import { exists } from "../core/fs.ts";
import { isImageName } from "../media/image_files.ts";
import { type LeftoverReport, processTag, removeLeftovers } from "../core/leftovers.ts";
import type { MediaKind } from "./kinds.ts";
import { frameName, matchesNamePattern, parseNamePattern } from "./sequence.ts";

export interface OutputTarget {
  /** What the user asked for. */
  path: string;
  kind: MediaKind;
  /**
   * Where to write now: a file path (video, image) or, for sequences, a temporary directory
   * plus the file-name pattern inside it.
   */
  temp: string;
  /** For sequences: the frame file-name pattern (e.g. `%06d.png`) used inside `temp`. */
  pattern?: string;
  /** Moves the finished output into place. */
  commit(): Promise<void>;
  /** Removes whatever was written (idempotent). */
  discard(): Promise<void>;
  /** Temporaries of this output that earlier, killed runs left: removed, or left in place. */
  leftovers: LeftoverReport;
}

function splitPath(path: string): { dir: string; base: string } {
  const slash = path.lastIndexOf("/");
  return slash < 0
    ? { dir: ".", base: path }
    : { dir: path.slice(0, slash) || "/", base: path.slice(slash + 1) };
}

async function realOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.realPath(path);
  } catch {
    return null;
  }
}

/**
 * Renames `temp` to `path` unless `path` exists by now: it was checked before the run, but a
 * long run leaves time for another program to create it. A hard link claims the name
 * atomically; where the file system has none, check-then-rename is the best available.
 */
async function placeWithoutReplacing(temp: string, path: string): Promise<void> {
  const appeared = () =>
    new OutputError(path, "appeared while upscaling and was left alone; the result was discarded", {
      exists: true,
    });
  try {
    await Deno.link(temp, path);
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw appeared();
    if (await exists(path)) throw appeared();
    await Deno.rename(temp, path);
    return;
  }
  await Deno.remove(temp);
}

/** Throws unless `dir` is an existing, writable directory. */
async function checkWritableDir(dir: string, target: string): Promise<void> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(dir);
  } catch {
    throw new OutputError(
      target,
      await exists(dir)
        ? `output folder ${dir} is a link to nothing`
        : `output folder ${dir} does not exist`,
    );
  }
  if (!st.isDirectory) throw new OutputError(target, `${dir} is not a folder`);
  const probe = `${dir}/${WRITE_PROBE}${processTag()}`;
  try {
    await Deno.writeFile(probe, new Uint8Array(0), { createNew: true });
    await Deno.remove(probe);
  } catch {
    throw new OutputError(target, `output folder ${dir} is not writable`);
  }
}

/** An input of a run: a file, a frame pattern or a folder of images, and which. */
/** The folder an output writes its files into, and a test of the names it may write there. */
function outputNames(
  path: string,
  kind: MediaKind,
  frameExtension = "png",
): { dir: string; writes: (name: string) => boolean } {
  if (kind === "video" || kind === "image") {
    const { dir, base } = splitPath(path);
    return { dir, writes: (name) => name === base };
  }
  const { dir, base } = kind === "sequence-pattern"
    ? splitPath(path)
    : { dir: path.replace(/\/+$/, "") || "/", base: `${DIR_FRAME_PATTERN}.${frameExtension}` };
  const pattern = parseNamePattern(base)!;
  return { dir, writes: (name) => matchesNamePattern(name, pattern) };
}

/** The files an input reads: a file, a pattern's frames (all that exist), a folder's images. */
async function inputFiles(input: InputPlace): Promise<string[]> {
  if (input.kind === "video" || input.kind === "image") return [input.path];
  const { dir, base } = input.kind === "sequence-pattern"
    ? splitPath(input.path)
    : { dir: input.path.replace(/\/+$/, "") || "/", base: "" };
  const pattern = parseNamePattern(base);
  const files: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (pattern ? matchesNamePattern(e.name, pattern) : isImageName(e.name)) {
        files.push(`${dir}/${e.name}`);
      }
    }
  } catch {
    // An unreadable folder has no frames to protect; reading the input reports it.
  }
  return files;
}

/**
 * Refuses an output that would write into or over an input, whatever the spelling (relative
 * or absolute, `./`, symbolic links, `%4d` for `%04d`): the same file, a frame pattern or
 * folder whose frame names include an input's file (or the file a link among the inputs points
 * to), or frames written into a folder of images that is an input. Asks nothing of a file that
 * does not exist yet, which no input can be. Overwriting never permits this.
 *
 * @throws {UsageError} The output would write into or over an input.
 */
export async function refuseWritingOverInputs(
  path: string,
  kind: MediaKind,
  inputs: readonly InputPlace[],
  frameExtension?: string,
): Promise<void> {
  // Standard output is no file, and a stream's input none that could be written over.
  if (path === STANDARD_STREAM) return;
  inputs = inputs.filter((i) => !isStreamedInput(i.path));
  const out = outputNames(path, kind, frameExtension);
  const outDir = await realOrNull(out.dir);
  if (outDir === null) return;
  const realPath = await realOrNull(path);
  for (const input of inputs) {
    const inputReal = await realOrNull(input.path);
    if (kind === "video" || kind === "image") {
      if (realPath !== null && realPath === inputReal) {
        throw new UsageError(`${path}: output is the same file as the input`);
      }
    } else if (input.kind === "sequence-dir" && inputReal === outDir) {
      throw new UsageError(
        kind === "sequence-dir"
          ? `${path}: output is the input folder`
          : `${path}: writes frames into the input folder ${input.path}`,
      );
    } else if (
      kind === "sequence-dir" && input.kind === "sequence-pattern" &&
      await realOrNull(splitPath(input.path).dir) === outDir
    ) {
      // A folder output takes the folder for its frames; this one holds the input's.
      throw new UsageError(`${path}: output is the folder of the input frames ${input.path}`);
    }
    const dirs = new Map<string, string | null>();
    const realDir = async (dir: string) => {
      if (!dirs.has(dir)) dirs.set(dir, await realOrNull(dir));
      return dirs.get(dir);
    };
    for (const file of await inputFiles(input)) {
      // The name itself, and where a link among the inputs leads: both would be lost.
      const named = splitPath(file);
      const target = await realOrNull(file);
      const places = [{ dir: await realDir(named.dir), base: named.base }];
      if (target !== null) {
        places.push({ dir: splitPath(target).dir, base: splitPath(target).base });
      }
      if (places.some((p) => p.dir === outDir && out.writes(p.base))) {
        throw new UsageError(`${path}: would write over the input ${file}`);
      }
    }
  }
}

export interface InputPlace {
  path: string;
  kind: MediaKind;
}

export interface PrepareOptions {
  kind: MediaKind;
  overwrite: boolean;
  /** The run's inputs, which must not be written over (see {@link refuseWritingOverInputs}). */
  inputs: InputPlace[];
  /** Frame file extension for sequence-dir outputs. */
  frameExtension?: string;
}

/** Frame file names inside an output directory. */
export const DIR_FRAME_PATTERN = "%06d";

/** Name prefixes of our temporaries: a write test, and the folder of a sequence's frames. */
const WRITE_PROBE = ".fsrcnn-write-test-";
const SEQUENCE_TEMP = ".fsrcnn-partial-";

/**
 * Validates the output path and reserves a temporary name beside it. Standard output (`-`)
 * is written as it comes: nothing to check, rename or remove.
 */
export async function prepareOutput(path: string, o: PrepareOptions): Promise<OutputTarget> {
  if (path === STANDARD_STREAM) {
    const nothing = () => Promise.resolve();
    return {
      path,
      kind: o.kind,
      temp: path,
      commit: nothing,
      discard: nothing,
      leftovers: { removed: [], kept: [] },
    };
  }
  const tag = processTag();
  await refuseWritingOverInputs(path, o.kind, o.inputs, o.frameExtension);
  if (o.kind === "video" || o.kind === "image") {
    const { dir, base } = splitPath(path);
    await checkWritableDir(dir, path);
    if (await exists(path)) {
      // lstat found it; stat follows a link, which may lead nowhere (then the link is replaced).
      const st = await Deno.stat(path).catch(() => null);
      if (st?.isDirectory) throw new OutputError(path, "is a folder");
      if (!o.overwrite) throw new OutputError(path, "already exists", { exists: true });
    }
    const dot = base.lastIndexOf(".");
    const stem = `.${base.slice(0, dot)}.partial-`, ext = base.slice(dot);
    const temp = `${dir}/${stem}${tag}${ext}`;
    return {
      path,
      kind: o.kind,
      temp,
      commit: () => o.overwrite ? Deno.rename(temp, path) : placeWithoutReplacing(temp, path),
      discard: () => Deno.remove(temp).catch(() => {}),
      leftovers: await removeLeftovers(dir, [{ prefix: stem, suffix: ext }, {
        prefix: WRITE_PROBE,
      }]),
    };
  }
  // Sequences: frames go into a hidden temporary folder, then move into place one by one. A
  // missing output folder is made (its parent must exist), and removed again on failure.
  const s = o.kind === "sequence-pattern" ? splitPath(path) : {
    dir: path.replace(/\/+$/, "") || "/",
    base: `${DIR_FRAME_PATTERN}.${o.frameExtension ?? "png"}`,
  };
  const targetDir = s.dir, pattern = s.base;
  let created = false;
  if (!(await exists(targetDir))) {
    await checkWritableDir(splitPath(targetDir).dir, path);
    await Deno.mkdir(targetDir);
    created = true;
  }
  try {
    await checkWritableDir(targetDir, path);
  } catch (e) {
    if (created) await Deno.remove(targetDir).catch(() => {});
    throw e;
  }
  const first = `${targetDir}/${frameName(pattern, 1)}`;
  if (await exists(first) && !o.overwrite) {
    throw new OutputError(first, "already exists", { exists: true });
  }
  const leftovers = await removeLeftovers(targetDir, [
    { prefix: SEQUENCE_TEMP },
    { prefix: WRITE_PROBE },
  ]);
  const temp = `${targetDir}/${SEQUENCE_TEMP}${tag}`;
  await Deno.mkdir(temp);
  return {
    path,
    kind: o.kind,
    temp,
    pattern,
    commit: async () => {
      const names: string[] = [];
      for await (const e of Deno.readDir(temp)) names.push(e.name);
      // Only the first frame was checked up front: check them all before moving any.
      if (!o.overwrite) {
        for (const name of names) {
          if (await exists(`${targetDir}/${name}`)) {
            throw new OutputError(`${targetDir}/${name}`, "already exists", { exists: true });
          }
        }
      }
      for (const name of names) await Deno.rename(`${temp}/${name}`, `${targetDir}/${name}`);
      await Deno.remove(temp);
    },
    discard: async () => {
      await Deno.remove(temp, { recursive: true }).catch(() => {});
      // A folder made for this output goes too, unless something else is in it by now.
      if (created) await Deno.remove(targetDir).catch(() => {});
    },
    leftovers,
  };
}
