/**
 * The house rules of `src/`, read from the import statements themselves: each top folder is a
 * layer that imports only the layers below it, no two folders import each other (directly or
 * round a cycle), no CLI command imports another, and the CLI reaches the library only through
 * its public entry points (deno.json's exports), as any other user of the library would.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize } from "node:path";
import { ROOT } from "./helpers.ts";
import config from "../deno.json" with { type: "json" };

/** `src/`'s layers, lowest first: a file may import its own layer and those before it. */
const LAYERS = ["core", "media", "net", "upscale", "jobs", "eval", "train", "bench"];

const SPECIFIER =
  /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every `.ts` file under `dir` (relative to the repository root), tests included. */
function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(join(ROOT, dir))) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...tsFiles(path));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The repository-relative files that `file` imports by relative path. */
function importsOf(file: string): string[] {
  const text = Deno.readTextFileSync(join(ROOT, file));
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2];
    if (spec.startsWith(".")) out.push(normalize(join(dirname(file), spec)));
  }
  return out;
}

/** The layer a file of `src/` belongs to: its top folder under `src/`. */
function layerOf(file: string): string {
  return file.split("/")[1];
}

/** Strongly connected groups of more than one node (Tarjan), each sorted. */
export function cycles(edges: Map<string, Set<string>>): string[][] {
  let next = 0;
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>(), found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) found.push(group.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

Deno.test("cycles finds folders that import each other, and only those", () => {
  const graph = (pairs: string) => {
    const m = new Map<string, Set<string>>();
    for (const [a, b] of pairs.split(" ").map((p) => p.split(">"))) {
      if (!m.has(a)) m.set(a, new Set());
      m.get(a)!.add(b);
    }
    return m;
  };
  assert.deepEqual(cycles(graph("a>b b>c")), []);
  assert.deepEqual(cycles(graph("a>b b>a")), [["a", "b"]]);
  assert.deepEqual(cycles(graph("a>b b>c c>a c>d")), [["a", "b", "c"]]);
  assert.deepEqual(cycles(graph("a>b b>a c>d d>c")).length, 2);
});

const SRC = tsFiles("src");

Deno.test("every folder of src/ is one of the layers", () => {
  assert.deepEqual([...new Set(SRC.map(layerOf))].sort(), [...LAYERS].sort());
});

Deno.test("a layer of src/ imports only itself and the layers below it", () => {
  const upward: string[] = [];
  for (const file of SRC) {
    const from = LAYERS.indexOf(layerOf(file));
    for (const target of importsOf(file)) {
      if (!target.startsWith("src/")) continue;
      if (LAYERS.indexOf(layerOf(target)) > from) upward.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(upward, []);
});

Deno.test("no two folders import each other, at any depth", () => {
  const edges = new Map<string, Set<string>>();
  for (const file of SRC) {
    for (const target of importsOf(file)) {
      const [a, b] = [dirname(file), dirname(target)];
      if (a === b || !target.startsWith("src/")) continue;
      // Compare the folders where the two paths part: src/net/fsrcnn and src/net/weights,
      // or src/net and src/media.
      const aParts = a.split("/"), bParts = b.split("/");
      let i = 0;
      while (i < aParts.length && i < bParts.length && aParts[i] === bParts[i]) i++;
      if (i === aParts.length || i === bParts.length) continue; // a folder and its own subfolder
      const from = aParts.slice(0, i + 1).join("/"), to = bParts.slice(0, i + 1).join("/");
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  assert.deepEqual(cycles(edges), []);
});

Deno.test("no CLI command imports another; the library never imports the CLI", () => {
  const commands = tsFiles("cli/commands");
  const crossing = commands.flatMap((file) =>
    importsOf(file).filter((t) => t.startsWith("cli/commands/") && t !== file).map((t) =>
      `${file} imports ${t}`
    )
  );
  const intoCli = [...SRC, "mod.ts"].flatMap((file) =>
    importsOf(file).filter((t) => t.startsWith("cli/")).map((t) => `${file} imports ${t}`)
  );
  assert.deepEqual([...crossing, ...intoCli], []);
});

/** The library's entry points, repository-relative: `mod.ts` and the sub-path exports. */
const ENTRIES = Object.values(config.exports).map((path) => normalize(path));

Deno.test("the entry points are the root module and one mod.ts per exported layer", () => {
  assert.deepEqual(ENTRIES.sort(), [
    "mod.ts",
    "src/bench/mod.ts",
    "src/eval/mod.ts",
    "src/jobs/mod.ts",
    "src/net/mod.ts",
    "src/train/mod.ts",
  ]);
});

Deno.test("the CLI imports the library only through its entry points", () => {
  const bypassing = tsFiles("cli").flatMap((file) =>
    importsOf(file).filter((t) => !t.startsWith("cli/") && !t.startsWith("deno.json"))
      .filter((t) => !ENTRIES.includes(t)).map((t) => `${file} imports ${t}`)
  );
  assert.deepEqual(bypassing, []);
});
