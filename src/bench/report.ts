/** Presenting benchmark results: a text table and an SVG chart of fps by input size. */
import type { BenchCell, BenchReport, BenchStart } from "./bench.ts";

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The table's columns: heading, least width (rows print before all are known), numeric. */
const COLUMNS = [
  { head: "mode", width: 5, numeric: false },
  { head: "network", width: 8, numeric: false },
  { head: "backend", width: 12, numeric: false },
  { head: "input", width: 9, numeric: false },
  { head: "×", width: 1, numeric: true },
  { head: "batch", width: 5, numeric: true },
  { head: "output", width: 9, numeric: false },
  { head: "ms/frame", width: 24, numeric: false },
  { head: "fps", width: 8, numeric: true },
  { head: "MP/s", width: 6, numeric: true },
  { head: "GMAC/s", width: 6, numeric: true },
  { head: "of peak", width: 7, numeric: true },
  { head: "peak MiB", width: 8, numeric: true },
  { head: "+MiB", width: 5, numeric: true },
] as const;

function tableLine(row: readonly string[]): string {
  return row.map((x, i) =>
    pad(x, Math.max(COLUMNS[i].width, COLUMNS[i].head.length), COLUMNS[i].numeric)
  )
    .join("  ").trimEnd();
}

/**
 * The table's head: the device, the network, what the memory columns mean, and the column
 * headings. Printed before the first row, so that rows can follow as they are measured.
 */
export function formatTableHead(r: BenchStart): string {
  const d = r.device;
  const gpu = d.gpu
    ? `${d.gpu.description} (${d.gpu.vendor || "?"}${
      d.gpu.architecture ? `, ${d.gpu.architecture}` : ""
    })` +
      (d.gpu.fallback ? " [software fallback]" : "")
    : "none";
  const peak = r.memory === "high-water mark"
    ? "the kernel's high-water mark, reset per cell"
    : "sampled after each run";
  const sgemm = r.peak
    ? `${r.peak.gmacPerSecond.toFixed(1)} GMAC/s on ${r.peak.threads} thread${
      r.peak.threads === 1 ? "" : "s"
    }`
    : "not measured";
  return [
    `CPU: ${d.cpu.model} × ${d.cpu.cores}   GPU: ${gpu}`,
    `CPU flags: ${d.cpu.flags.join(" ") || "unknown"}`,
    `SGEMM peak (onnxruntime, fp32): ${sgemm}; "of peak" is GMAC/s against it`,
    `Deno ${d.deno}, tfjs ${d.tfjs}, onnxruntime ${d.onnxruntime}, ${d.ffmpeg}`,
    ...r.networks.map((n) =>
      `${n.name}: ${Object.entries(n.shape).map(([k, v]) => `${k}=${v}`).join(", ")}, ` +
      `${n.macsPerPixel.toLocaleString("en-US")} MACs per input pixel`
    ),
    "ms/frame: median [p10–p90]",
    `peak MiB: the most this process held resident during the cell (${peak});`,
    "+MiB: that peak less what it held as the cell started (ffmpeg's own memory not counted)",
    "",
    tableLine(COLUMNS.map((c) => c.head)),
    tableLine(COLUMNS.map((c) => "-".repeat(Math.max(c.width, c.head.length)))),
  ].join("\n");
}

/** One row of the table: a cell as it was measured, or why it was skipped. */
export function formatTableRow(c: BenchCell): string {
  const where = [c.mode, c.network, c.backend + (c.fallback ? "*" : ""), `${c.width}x${c.height}`];
  const setup = [String(c.scale), String(c.batch)];
  if (c.skipped) return tableLine([...where, ...setup, `skipped: ${c.skipped}`]);
  return tableLine([
    ...where,
    ...setup,
    `${c.outWidth}x${c.outHeight}`,
    `${c.msPerFrame.median.toFixed(1)} [${c.msPerFrame.p10.toFixed(1)}–${
      c.msPerFrame.p90.toFixed(1)
    }]`,
    c.fps.toFixed(2),
    c.megapixelsPerSecond.toFixed(1),
    c.mode === "model" ? c.gmacPerSecond.toFixed(1) : "",
    c.peakShare === null ? "" : `${(100 * c.peakShare).toFixed(0)}%`,
    c.peakRssMiB.toFixed(0),
    (c.peakRssMiB - c.startRssMiB).toFixed(0),
  ]);
}

/** What follows the rows: the note on software adapters when a row was timed on one. */
export function formatTableFoot(r: BenchReport): string {
  return r.cells.some((c) => c.fallback && !c.skipped)
    ? "\n* software (fallback) adapter: correctness only, not speed"
    : "";
}

/** A readable table, one row per cell, preceded by the device description. */
export function formatTable(r: BenchReport): string {
  const foot = formatTableFoot(r);
  return [formatTableHead(r), ...r.cells.map(formatTableRow), ...(foot ? [foot] : [])].join("\n");
}

const COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
];

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"]/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" }[c]!),
  );
}

/**
 * An SVG line chart: fps (log scale) against input megapixels, one line per
 * mode/network/backend/scale/batch series.
 */
export function plotSvg(r: BenchReport, title = "FSRCNN frames per second"): string {
  const cells = r.cells.filter((c) => !c.skipped && c.fps > 0 && Number.isFinite(c.fps));
  const series = new Map<string, BenchCell[]>();
  for (const c of cells) {
    const key = `${c.mode} ${c.network} ${c.backend}${c.fallback ? " (fallback)" : ""} x${c.scale}${
      c.batch > 1 ? ` b${c.batch}` : ""
    }`;
    series.set(key, [...(series.get(key) ?? []), c]);
  }
  const W = 720, H = 440, L = 70, R = 230, T = 40, B = 60;
  const pw = W - L - R, ph = H - T - B;
  const sizes = [...new Set(cells.map((c) => `${c.width}x${c.height}`))].sort((a, b) => {
    const [aw, ah] = a.split("x").map(Number), [bw, bh] = b.split("x").map(Number);
    return aw * ah - bw * bh;
  });
  const fpsValues = cells.map((c) => c.fps);
  const lo = Math.floor(Math.log10(Math.min(...fpsValues, 1)));
  const hi = Math.ceil(Math.log10(Math.max(...fpsValues, 10)));
  const x = (size: string) =>
    L + (sizes.length === 1 ? pw / 2 : (sizes.indexOf(size) * pw) / (sizes.length - 1));
  const y = (fps: number) => T + ph - ((Math.log10(fps) - lo) / Math.max(1, hi - lo)) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let e = lo; e <= hi; e++) {
    const yy = y(10 ** e);
    out.push(
      `<line x1="${L}" y1="${yy}" x2="${L + pw}" y2="${yy}" stroke="#ddd"/>`,
      `<text x="${L - 8}" y="${yy + 4}" text-anchor="end">${
        10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(-e)
      }</text>`,
    );
  }
  for (const s of sizes) {
    out.push(
      `<line x1="${x(s)}" y1="${T}" x2="${x(s)}" y2="${T + ph}" stroke="#eee"/>`,
      `<text x="${x(s)}" y="${T + ph + 18}" text-anchor="middle">${s}</text>`,
    );
  }
  out.push(
    `<rect x="${L}" y="${T}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${L + pw / 2}" y="${H - 15}" text-anchor="middle">input size (LR)</text>`,
    `<text x="18" y="${T + ph / 2}" transform="rotate(-90 18 ${
      T + ph / 2
    })" text-anchor="middle">frames per second (log)</text>`,
  );
  [...series.entries()].forEach(([name, pts], i) => {
    const color = COLORS[i % COLORS.length];
    const sorted = pts.sort((a, b) =>
      sizes.indexOf(`${a.width}x${a.height}`) - sizes.indexOf(`${b.width}x${b.height}`)
    );
    const path = sorted.map((c) =>
      `${x(`${c.width}x${c.height}`).toFixed(1)},${y(c.fps).toFixed(1)}`
    ).join(" ");
    out.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const c of sorted) {
      out.push(
        `<circle cx="${x(`${c.width}x${c.height}`).toFixed(1)}" cy="${
          y(c.fps).toFixed(1)
        }" r="3.5" fill="${color}"><title>${
          escapeXml(`${name} ${c.width}x${c.height}: ${c.fps.toFixed(2)} fps`)
        }</title></circle>`,
      );
    }
    const ly = T + 10 + i * 18;
    out.push(
      `<line x1="${L + pw + 15}" y1="${ly}" x2="${
        L + pw + 35
      }" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${L + pw + 40}" y="${ly + 4}">${escapeXml(name)}</text>`,
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
