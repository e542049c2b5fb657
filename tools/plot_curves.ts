/**
 * Draws validation PSNR against training time from tools/time_to_quality.ts logs as an SVG
 * (for docs/training.md):
 *
 *   deno run -A tools/plot_curves.ts --title "..." --out docs/training_x2.svg LOG.jsonl... \
 *     [--labels "old=Old way;new=New way"]
 */
import { parseArgs } from "node:util";

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: "string" },
    title: { type: "string", default: "" },
    labels: { type: "string", default: "" },
    "y-min": { type: "string" },
  },
});
if (!a.out || positionals.length === 0) {
  console.error("plot_curves: --out and at least one log are required");
  Deno.exit(2);
}
const names = new Map(
  a.labels.split(";").filter(Boolean).map((p) => p.split("=") as [string, string]),
);
const series = new Map<string, Array<[number, number]>>();
for (const file of positionals) {
  for (const line of (await Deno.readTextFile(file)).split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (r.psnr === undefined) continue;
    if (names.size && !names.has(r.label)) continue;
    const s = series.get(r.label) ?? [];
    s.push([r.seconds / 60, r.psnr]);
    series.set(r.label, s);
  }
}
const all = [...series.values()].flat();
const xMax = Math.ceil(Math.max(...all.map((p) => p[0])) / 5) * 5;
const yMin = a["y-min"] !== undefined
  ? Number(a["y-min"])
  : Math.floor(Math.min(...all.map((p) => p[1])) * 2) / 2;
const yMax = Math.ceil(Math.max(...all.map((p) => p[1])) * 5) / 5;
const W = 780, H = 440, L = 64, R = 230, T = 40, B = 52;
const px = (x: number) => L + (x / xMax) * (W - L - R);
const py = (y: number) => H - B - ((y - yMin) / (yMax - yMin)) * (H - T - B);
const colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const parts: string[] = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
  `font-family="sans-serif" font-size="12">`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="${L}" y="22" font-size="14">${escape(a.title)}</text>`,
];
const xStep = xMax <= 20 ? 2 : xMax <= 60 ? 5 : 10;
for (let x = 0; x <= xMax; x += xStep) {
  parts.push(
    `<line x1="${px(x)}" y1="${T}" x2="${px(x)}" y2="${H - B}" stroke="#eee"/>`,
    `<text x="${px(x)}" y="${H - B + 16}" text-anchor="middle">${x}</text>`,
  );
}
const yStep = yMax - yMin <= 1.5 ? 0.1 : yMax - yMin <= 4 ? 0.5 : 1;
for (let y = yMin; y <= yMax + 1e-9; y += yStep) {
  parts.push(
    `<line x1="${L}" y1="${py(y)}" x2="${W - R}" y2="${py(y)}" stroke="#eee"/>`,
    `<text x="${L - 6}" y="${py(y) + 4}" text-anchor="end">${
      y.toFixed(yStep < 0.5 ? 1 : 1)
    }</text>`,
  );
}
parts.push(
  `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#999"/>`,
  `<text x="${(L + W - R) / 2}" y="${
    H - 14
  }" text-anchor="middle">training time (minutes, one core)</text>`,
  `<text x="16" y="${(T + H - B) / 2}" text-anchor="middle" transform="rotate(-90 16 ${
    (T + H - B) / 2
  })">held-out Y-PSNR (dB)</text>`,
);
let i = 0;
for (const [label, points] of series) {
  const colour = colours[i % colours.length];
  const clipped = points.filter((p) => p[1] >= yMin).sort((p, q) => p[0] - q[0]);
  parts.push(
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${
      clipped.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ")
    }"/>`,
    `<line x1="${W - R + 12}" y1="${T + 12 + 18 * i}" x2="${W - R + 32}" y2="${
      T + 12 + 18 * i
    }" stroke="${colour}" stroke-width="2"/>`,
    `<text x="${W - R + 38}" y="${T + 16 + 18 * i}">${escape(names.get(label) ?? label)}</text>`,
  );
  i++;
}
parts.push("</svg>");
await Deno.writeTextFile(a.out, parts.join("\n") + "\n");

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
