/**
 * Writing outputs safely: refuse to clobber what the user did not ask to overwrite, refuse to
 * write over the input, write everything under a temporary name beside the target, and only
 * rename it into place once the whole output is complete. Temporaries of the same output that
 * killed runs left behind are removed (see leftovers.ts).
 */
import { OutputError, UsageError } from "../errors.ts";
import { exists } from "../fs.ts";
import { type LeftoverReport, processTag, removeLeftovers } from "../leftovers.ts";
import type { MediaKind } from "./kinds.ts";
import { frameName } from "./sequence.ts";

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
    throw new OutputError(target, `output folder ${dir} does not exist`);
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

export interface PrepareOptions {
  kind: MediaKind;
  overwrite: boolean;
  /** Input paths (files or folders) that must not be written over. */
  inputs: string[];
  /** Frame file extension for sequence-dir outputs. */
  frameExtension?: string;
}

/** Frame file names inside an output directory. */
export const DIR_FRAME_PATTERN = "%06d";

/** Name prefixes of our temporaries: a write test, and the folder of a sequence's frames. */
const WRITE_PROBE = ".fsrcnn-write-test-";
const SEQUENCE_TEMP = ".fsrcnn-partial-";

/** Validates the output path and reserves a temporary name beside it. */
export async function prepareOutput(path: string, o: PrepareOptions): Promise<OutputTarget> {
  const tag = processTag();
  const inputs = (await Promise.all(o.inputs.map(realOrNull))).filter((p) => p !== null);
  const same = async (p: string) => {
    const real = await realOrNull(p);
    return real !== null && inputs.includes(real);
  };
  if (o.kind === "video" || o.kind === "image") {
    const { dir, base } = splitPath(path);
    if (await same(path)) throw new UsageError(`${path}: output is the same file as the input`);
    await checkWritableDir(dir, path);
    if (await exists(path)) {
      if ((await Deno.stat(path)).isDirectory) throw new OutputError(path, "is a folder");
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
  // Sequences: frames go into a hidden temporary folder, then move into place one by one.
  let targetDir: string, pattern: string;
  let created = false;
  if (o.kind === "sequence-pattern") {
    const s = splitPath(path);
    targetDir = s.dir;
    pattern = s.base;
  } else {
    targetDir = path.replace(/\/+$/, "") || "/";
    pattern = `${DIR_FRAME_PATTERN}.${o.frameExtension ?? "png"}`;
    if (await same(targetDir)) throw new UsageError(`${path}: output is the input folder`);
    if (!(await exists(targetDir))) {
      const parent = splitPath(targetDir).dir;
      await checkWritableDir(parent, path);
      await Deno.mkdir(targetDir);
      created = true;
    }
  }
  await checkWritableDir(targetDir, path);
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
