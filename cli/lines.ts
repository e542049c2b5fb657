/**
 * The lines that more than one command prints: progress, and which weights run and why.
 */
import type { UpscaleProgress, WeightsChoice } from "../mod.ts";

function formatTime(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0
    ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}`
    : `${m}:${String(r).padStart(2, "0")}`;
}

/** The `--verbose` line: which weights an input runs, and why. */
export function weightsLine(input: string, c: Pick<WeightsChoice, "reason">): string {
  return `fsrcnn: ${input}: ${c.reason}`;
}

/** One progress line: frames done/total, segments (of a segmented run), fps, ETA. */
export function progressLine(p: UpscaleProgress): string {
  const total = p.total ? `/${p.total} (${Math.floor((100 * p.frames) / p.total)}%)` : "";
  const eta = p.eta !== undefined ? ` ETA ${formatTime(p.eta)}` : "";
  const segs = p.segments
    ? ` segment ${Math.min(p.segments.done + 1, p.segments.total)}/${p.segments.total}` +
      (p.resumed ? ` (${p.resumed} frames done before)` : "")
    : "";
  return `frame ${p.frames}${total}${segs} ${p.fps.toFixed(1)} fps ${formatTime(p.seconds)}${eta}`;
}
