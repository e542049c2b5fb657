/**
 * Chroma upsampling of one 1080p frame to 2160p: both 960×540 chroma planes to 1920×1080.
 * Run with `deno bench src/bench/resample_bench.ts`.
 */
import { upsamplePlane, upsamplePlaneFloat } from "../media/frame/resample.ts";

const [W, H, S] = [960, 540, 2];
const u8 = new Uint8Array(W * H).map((_, i) => (i * 7 + (i >> 9)) & 255);
const v8 = new Uint8Array(W * H).map((_, i) => (i * 13 + (i >> 7)) & 255);
const u10 = Uint16Array.from(u8, (x) => x * 4 + 3);
const v10 = Uint16Array.from(v8, (x) => x * 4 + 1);
const uf = Float32Array.from(u8, (x) => x / 255);
const vf = Float32Array.from(v8, (x) => x / 255);
const opts = { scale: S, dstWidth: S * W, dstHeight: S * H, siting: "left" as const };
// Reused outputs, as the pipeline would; allocation is timed separately below.
const out8 = [new Uint8Array(S * W * S * H), new Uint8Array(S * W * S * H)];
const out10 = [new Uint16Array(S * W * S * H), new Uint16Array(S * W * S * H)];
const outF = [new Float32Array(S * W * S * H), new Float32Array(S * W * S * H)];

Deno.bench("chroma 960x540 -> 1920x1080, U+V, 8-bit", { group: "chroma", baseline: true }, () => {
  upsamplePlane(u8, W, H, { ...opts, bitDepth: 8 }, out8[0]);
  upsamplePlane(v8, W, H, { ...opts, bitDepth: 8 }, out8[1]);
});

Deno.bench("chroma 960x540 -> 1920x1080, U+V, 8-bit, new outputs", { group: "chroma" }, () => {
  upsamplePlane(u8, W, H, { ...opts, bitDepth: 8 });
  upsamplePlane(v8, W, H, { ...opts, bitDepth: 8 });
});

Deno.bench("chroma 960x540 -> 1920x1080, U+V, 10-bit", { group: "chroma" }, () => {
  upsamplePlane(u10, W, H, { ...opts, bitDepth: 10 }, out10[0]);
  upsamplePlane(v10, W, H, { ...opts, bitDepth: 10 }, out10[1]);
});

Deno.bench("chroma 960x540 -> 1920x1080, U+V, float", { group: "chroma" }, () => {
  upsamplePlaneFloat(uf, W, H, opts, outF[0]);
  upsamplePlaneFloat(vf, W, H, opts, outF[1]);
});
