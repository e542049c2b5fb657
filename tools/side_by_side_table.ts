/**
 * Reads the JSON lines of tools/cpu_side_by_side.sh (stdin or a file) and prints the markdown
 * table of docs/benchmarks.md: per input size and scale, the median over rounds of each
 * implementation and thread count, ours against PyTorch's best, and our GMAC/s.
 *
 *   deno run -A tools/side_by_side_table.ts side.jsonl [peak GMAC/s …]
 */
import { macsPerFrame } from "../src/net/fsrcnn/config.ts";
import { networkConfig, type NetworkName } from "../src/net/networks.ts";

interface Line {
  round: number;
  /** The registered network (lines without one are FSRCNN's). */
  network?: NetworkName;
  impl: string;
  threads: number;
  in: [number, number];
  scale: number;
  ms_per_frame: number;
}

const text = Deno.args[0]
  ? await Deno.readTextFile(Deno.args[0])
  : await new Response(Deno.stdin.readable).text();
const peaks = Deno.args.slice(1).map(Number);
const lines: Line[] = text.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const cells = new Map<string, number[]>();
for (const l of lines) {
  const key = `${l.in[0]}x${l.in[1]}|${l.scale}|${l.network ?? "fsrcnn"}|${l.impl}|${l.threads}`;
  cells.set(key, [...cells.get(key) ?? [], l.ms_per_frame]);
}
const threadCounts = [...new Set(lines.map((l) => l.threads))].sort((a, b) => a - b);
const rounds = new Set(lines.map((l) => l.round)).size;
const head = [
  "network",
  "input → output",
  ...threadCounts.map((t) => `PyTorch ${t}T`),
  ...threadCounts.map((t) => `ours ${t}T`),
  ...threadCounts.map((t) => `× PyTorch best, ${t}T`),
  `GMAC/s ${threadCounts.at(-1)}T`,
  ...peaks.map((p) => `of ${p}`),
];
console.log(`Medians of ${rounds} interleaved rounds, ms per frame.\n`);
console.log(`| ${head.join(" | ")} |`);
console.log(`| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
const sizes = [
  ...new Set(lines.map((l) => `${l.in[0]}x${l.in[1]}|${l.scale}|${l.network ?? "fsrcnn"}`)),
];
for (const key of sizes) {
  const [size, scale, network] = key.split("|") as [string, string, NetworkName];
  const [w, h] = size.split("x").map(Number);
  const get = (impl: string, t: number) => {
    const v = cells.get(`${key}|${impl}|${t}`);
    return v ? median(v) : NaN;
  };
  const torch = threadCounts.map((t) => get("pytorch", t));
  const ours = threadCounts.map((t) => get("fsrcnn-deno", t));
  const best = Math.min(...torch);
  const gmac = macsPerFrame(networkConfig(network, Number(scale)), w, h) / 1e9;
  const last = ours.at(-1)!;
  const gmacPerS = gmac / (last / 1000);
  console.log(
    `| ${network} | ${size} → ${w * +scale}x${h * +scale} (×${scale}) | ${
      [
        ...torch.map((v) => v.toFixed(0)),
        ...ours.map((v) => v.toFixed(1)),
        ...ours.map((v) => `${(best / v).toFixed(1)}×`),
        gmacPerS.toFixed(1),
        ...peaks.map((p) => `${(100 * gmacPerS / p).toFixed(0)}%`),
      ].join(" | ")
    } |`,
  );
}
