/**
 * Temporaries named after the process that makes them, and finding the ones whose process is
 * gone. A run removes its own temporaries when it ends, fails or is interrupted, but nothing
 * runs after `kill -9`, a crash or a power cut: the next run that looks in the same place
 * recognises them by name and removes those that no running process can still be writing.
 */
import { tmpdir } from "node:os";

/**
 * A tag for a new temporary's name: this process's id and 8 random hex digits, e.g.
 * `12345-0f3a9c2e`. {@link parseTag} reads the process id back.
 */
export function processTag(): string {
  return `${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * How temporaries of one kind are named: `prefix`, a {@link processTag}, then `suffix` (e.g.
 * `.clip.partial-` + tag + `.mp4`).
 */
export interface TaggedName {
  prefix: string;
  suffix?: string;
}

/** The whole-name pattern of a {@link TaggedName}, capturing the process id. */
function namePattern(name: TaggedName): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escape(name.prefix)}(\\d+)-[0-9a-f]{8}${escape(name.suffix ?? "")}$`);
}

/** What became of a temporary that another process left. */
export interface Leftover {
  /** Its path. */
  path: string;
  /** The process named in it. */
  pid: number;
}

/** What {@link removeLeftovers} found. */
export interface LeftoverReport {
  /** Temporaries whose process is gone, now removed. */
  removed: Leftover[];
  /**
   * Temporaries whose process could not be checked (a system without `/proc`, or not
   * removable), left where they are.
   */
  kept: Leftover[];
}

/**
 * Whether process `pid` may still be writing a file last modified at `modified`: `"gone"`
 * when no such process runs on this machine or the one with that id started after the file's
 * last change (the id was reused), `"running"` when it may, `"unknown"` without `/proc`.
 */
export async function processState(
  pid: number,
  modified: Date | null,
): Promise<"running" | "gone" | "unknown"> {
  if (pid === Deno.pid) return "running";
  if (Deno.build.os !== "linux") return "unknown";
  let stat: string;
  try {
    stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) return "unknown";
    // No /proc at all says nothing about the process.
    return (await procMounted()) ? "gone" : "unknown";
  }
  const started = await startTime(stat);
  // A second of slack: start times are in clock ticks, modification times may be coarse.
  if (started !== null && modified !== null && started > modified.getTime() + 1000) {
    return "gone";
  }
  return "running";
}

async function procMounted(): Promise<boolean> {
  try {
    await Deno.stat(`/proc/${Deno.pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** Clock ticks per second in /proc (USER_HZ): 100 on every Linux architecture Deno runs on. */
const USER_HZ = 100;

/** When the process of a `/proc/PID/stat` line started (ms since 1970), or null. */
async function startTime(stat: string): Promise<number | null> {
  // The command name in parentheses may hold spaces and parentheses: fields follow the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[19]); // field 22, starttime, counted from field 3
  let boot: number;
  try {
    const m = (await Deno.readTextFile("/proc/stat")).match(/^btime (\d+)$/m);
    if (!m) return null;
    boot = Number(m[1]);
  } catch {
    return null;
  }
  return Number.isFinite(ticks) ? (boot + ticks / USER_HZ) * 1000 : null;
}

/**
 * Removes the entries of `dir` named as one of `names` says and whose process is gone; folders
 * go with their contents. Only entries owned by this user are touched. Never throws: what
 * cannot be read or removed is reported as kept.
 *
 * @param dir The folder to look in.
 * @param names How the temporaries to look for are named.
 * @returns The entries removed and those that may be stale but were left alone.
 */
export async function removeLeftovers(dir: string, names: TaggedName[]): Promise<LeftoverReport> {
  const patterns = names.map(namePattern);
  const report: LeftoverReport = { removed: [], kept: [] };
  const uid = Deno.uid();
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return report;
  }
  for (const entry of entries) {
    const m = patterns.map((p) => entry.name.match(p)).find((m) => m !== null);
    if (!m) continue;
    const pid = Number(m[1]);
    const path = dir === "/" ? `/${entry.name}` : `${dir}/${entry.name}`;
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch {
      continue; // gone already (its own process finished)
    }
    if (uid !== null && info.uid !== null && info.uid !== uid) continue;
    const state = await processState(pid, info.mtime);
    if (state === "running") continue;
    if (state === "unknown") {
      report.kept.push({ path, pid });
      continue;
    }
    try {
      await Deno.remove(path, { recursive: info.isDirectory });
      report.removed.push({ path, pid });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) report.kept.push({ path, pid });
    }
  }
  return report;
}

/**
 * Makes a private folder (mode 0700) named `prefix` plus a {@link processTag}, after removing
 * folders of that name there whose process is gone. The caller removes it when done.
 *
 * @param prefix Name prefix, e.g. `fsrcnn-frames-`.
 * @param parent Where; default the system's temporary folder (TMPDIR, else /tmp).
 * @returns The new folder's path.
 */
export async function makeTaggedTempDir(prefix: string, parent = tmpdir()): Promise<string> {
  await removeLeftovers(parent, [{ prefix }]);
  const path = `${parent}/${prefix}${processTag()}`;
  await Deno.mkdir(path, { mode: 0o700 });
  return path;
}
