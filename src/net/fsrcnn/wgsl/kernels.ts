/**
 * WGSL generators for the hand-written FSRCNN engine, and the choice of tile sizes under a
 * device's limits.
 *
 * Activations between kernels are channel-interleaved (NHWC4); only the s-channel ones reach
 * global memory. Three kernel kinds (head, map, tail with the sub-pixel last layer fused into the
 * store), each invocation computing `p` adjacent pixels and all their output channels in
 * registers; why each choice was made is in docs/design.md ("The WebGPU engine").
 */
import type { FsrcnnConfig } from "../config.ts";
import { type TailGeometry, tailGeometry, vec4s } from "./pack.ts";

/** The device limits the plan respects. */
export interface KernelLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxUniformBufferBindingSize: number;
}

/** A workgroup's output tile (tw × th pixels) and pixels per invocation along x. */
export interface Tile {
  tw: number;
  th: number;
  p: number;
}

/** Tile of the tail kernel plus its expand-channel chunk (in vec4s). */
export interface TailTile extends Tile {
  ec: number;
}

/** Optional overrides of the automatic tile choice (for tuning on a real GPU). */
export interface WgslTuning {
  head?: Tile;
  map?: Tile;
  tail?: TailTile;
  /** Output tile side of the fused mapping stack (square). */
  stack?: number;
  /** Where the weights live; default: uniform when they fit. */
  weights?: "uniform" | "storage";
}

export interface KernelSource {
  name: string;
  code: string;
  /** Output tile of one workgroup (for the dispatch size). */
  tw: number;
  th: number;
  /** Bytes of workgroup memory and invocations per workgroup (for logs/tests). */
  sharedBytes: number;
  invocations: number;
  description: string;
}

const TILE_CANDIDATES: Tile[] = [
  { tw: 32, th: 8, p: 2 },
  { tw: 16, th: 8, p: 2 },
  { tw: 16, th: 4, p: 2 },
  { tw: 8, th: 4, p: 2 },
  { tw: 8, th: 2, p: 2 },
  { tw: 4, th: 2, p: 2 },
  { tw: 2, th: 2, p: 2 },
  { tw: 2, th: 1, p: 2 },
  { tw: 1, th: 1, p: 1 },
];

const TAIL_CANDIDATES: TailTile[] = [
  { tw: 16, th: 16, p: 2, ec: 2 },
  { tw: 16, th: 16, p: 2, ec: 1 },
  { tw: 16, th: 8, p: 2, ec: 2 },
  { tw: 16, th: 8, p: 2, ec: 1 },
  ...TILE_CANDIDATES.slice(3).map((t) => ({ ...t, ec: 1 })),
];

const STACK_CANDIDATES = [16, 12, 8];

function threadsOk(t: Tile, lim: KernelLimits): boolean {
  if (!(t.tw >= 1 && t.th >= 1 && t.p >= 1 && t.tw % t.p === 0)) return false;
  const x = t.tw / t.p;
  return x <= lim.maxComputeWorkgroupSizeX && t.th <= lim.maxComputeWorkgroupSizeY &&
    x * t.th <= lim.maxComputeInvocationsPerWorkgroup;
}

function pick<T extends Tile>(
  what: string,
  candidates: T[],
  shared: (t: T) => number,
  lim: KernelLimits,
  forced?: T,
): T {
  const fits = (t: T) => threadsOk(t, lim) && shared(t) <= lim.maxComputeWorkgroupStorageSize;
  if (forced) {
    if (!fits(forced)) {
      throw new Error(
        `${what} tile ${JSON.stringify(forced)} does not fit this device's workgroup limits`,
      );
    }
    return forced;
  }
  const t = candidates.find(fits);
  if (!t) {
    throw new Error(
      `no ${what} tile fits this device's workgroup memory (${lim.maxComputeWorkgroupStorageSize} bytes)`,
    );
  }
  return t;
}

/** WGSL text helpers. */
const u = (n: number) => `${n}u`;
const LANES = ["x", "y", "z", "w"];

interface Common {
  /** Storage type of activations. */
  act: "f32" | "f16";
  /** Weights: vec4 count and address space. */
  weightVec4s: number;
  weightsUniform: boolean;
}

function header(c: Common): string {
  const weights = c.weightsUniform
    ? `@group(0) @binding(1) var<uniform> wt: array<vec4<f32>, ${c.weightVec4s}>;`
    : `@group(0) @binding(1) var<storage, read> wt: array<vec4<f32>>;`;
  return `${c.act === "f16" ? "enable f16;\n" : ""}
struct Params { w: u32, h: u32, z0: u32, n: u32 }
@group(0) @binding(0) var<uniform> prm: Params;
${weights}

fn prelu(x: vec4<f32>, a: vec4<f32>) -> vec4<f32> {
  return max(x, vec4<f32>(0.0)) + a * min(x, vec4<f32>(0.0));
}
`;
}

const MAIN_ARGS = `@builtin(workgroup_id) wg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) li: u32`;

function actBytes(act: "f32" | "f16"): number {
  return act === "f16" ? 8 : 16;
}

/** Head: conv5x5 1→d + PReLU + conv1x1 d→s + PReLU, input f32 plane → NHWC4 activations. */
export function headKernel(
  cfg: FsrcnnConfig,
  c: Common,
  at: Record<string, number>,
  lim: KernelLimits,
  forced?: Tile,
): KernelSource {
  const D4 = vec4s(cfg.d), S4 = vec4s(cfg.s);
  const shared = (t: Tile) => (t.tw + 4) * (t.th + 4) * 4;
  const t = pick("head", TILE_CANDIDATES, shared, lim, forced);
  const { tw, th, p } = t;
  const RW = tw + 4, RH = th + 4, NT = (tw / p) * th;
  const L: string[] = [];
  for (let r = 0; r < 5; r++) {
    for (let col = 0; col < p + 4; col++) {
      L.push(`  let x${r}_${col} = tile[(ly + ${u(r)}) * ${u(RW)} + lx + ${u(col)}];`);
    }
  }
  for (let q = 0; q < p; q++) {
    for (let o = 0; o < S4; o++) L.push(`  var a${q}_${o} = wt[${u(at.b2 + o)}];`);
  }
  L.push(`  for (var k = 0u; k < ${u(D4)}; k++) {`);
  L.push(`    let b = wt[${u(at.b1)} + k];`);
  for (let q = 0; q < p; q++) L.push(`    var h${q} = b;`);
  L.push(`    let wb = ${u(at.w1)} + k * 25u;`);
  for (let ky = 0; ky < 5; ky++) {
    for (let kx = 0; kx < 5; kx++) {
      const tap = ky * 5 + kx;
      const fmas = [...Array(p).keys()].map((q) =>
        `h${q} = fma(vec4<f32>(x${ky}_${q + kx}), q, h${q});`
      ).join(" ");
      L.push(`    { let q = wt[wb + ${u(tap)}]; ${fmas} }`);
    }
  }
  L.push(`    let sa = wt[${u(at.a1)} + k];`);
  for (let q = 0; q < p; q++) L.push(`    h${q} = prelu(h${q}, sa);`);
  L.push(`    let sb = ${u(at.w2)} + k * ${u(4 * S4)};`);
  for (let j = 0; j < 4; j++) {
    for (let o = 0; o < S4; o++) {
      const fmas = [...Array(p).keys()].map((q) =>
        `a${q}_${o} = fma(vec4<f32>(h${q}.${LANES[j]}), q, a${q}_${o});`
      ).join(" ");
      L.push(`    { let q = wt[sb + ${u(j * S4 + o)}]; ${fmas} }`);
    }
  }
  L.push(`  }`);
  L.push(...storeActivations(c.act, tw, th, p, S4, at.a2));
  const code = `${header(c)}
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec4<${c.act}>>;
var<workgroup> tile: array<f32, ${RW * RH}>;

@compute @workgroup_size(${tw / p}, ${th})
fn main(${MAIN_ARGS}) {
  let n = wg.z + prm.z0;
  let w = prm.w;
  let h = prm.h;
  let base = n * h * w;
  let x0 = i32(wg.x * ${u(tw)}) - 2;
  let y0 = i32(wg.y * ${u(th)}) - 2;
  for (var i = li; i < ${u(RW * RH)}; i += ${u(NT)}) {
    let gx = x0 + i32(i % ${u(RW)});
    let gy = y0 + i32(i / ${u(RW)});
    var v = 0.0;
    if (gx >= 0 && gx < i32(w) && gy >= 0 && gy < i32(h)) {
      v = src[base + u32(gy) * w + u32(gx)];
    }
    tile[i] = v;
  }
  workgroupBarrier();
  let lx = lid.x * ${u(p)};
  let ly = lid.y;
${L.join("\n")}
}
`;
  return {
    name: "head",
    code,
    tw,
    th,
    sharedBytes: shared(t),
    invocations: NT,
    description: `head ${tw}x${th}/p${p}`,
  };
}

/** Loads a (RW × RH)-pixel NHWC4 patch at (x0, y0) into `tile`, zero outside the plane. */
function loadPatch(RW: number, RH: number, S4: number, NT: number, act: string): string {
  return `  for (var i = li; i < ${u(RW * RH * S4)}; i += ${u(NT)}) {
    let c4 = i % ${u(S4)};
    let pix = i / ${u(S4)};
    let gx = x0 + i32(pix % ${u(RW)});
    let gy = y0 + i32(pix / ${u(RW)});
    var v = vec4<${act}>();
    if (gx >= 0 && gx < i32(w) && gy >= 0 && gy < i32(h)) {
      v = src[(base + u32(gy) * w + u32(gx)) * ${u(S4)} + c4];
    }
    tile[i] = v;
  }
  workgroupBarrier();`;
}

/**
 * WGSL that writes each thread's `p` pixels of `S4` vec4 accumulators (`a{q}_{o}`) to `dst`,
 * through PReLU with the slopes at `slopes` in the weight buffer, skipping pixels outside the
 * plane. Shared by the head and mapping kernels, whose outputs have the same layout.
 */
function storeActivations(
  act: string,
  tw: number,
  th: number,
  p: number,
  S4: number,
  slopes: number,
): string[] {
  const L: string[] = [];
  L.push(`  let gy = wg.y * ${u(th)} + ly;`);
  L.push(`  if (gy < h) {`);
  for (let q = 0; q < p; q++) {
    L.push(`    { let gx = wg.x * ${u(tw)} + lx + ${u(q)};`);
    L.push(`      if (gx < w) {`);
    L.push(`        let ob = (base + gy * w + gx) * ${u(S4)};`);
    for (let o = 0; o < S4; o++) {
      L.push(`        dst[ob + ${u(o)}] = vec4<${act}>(prelu(a${q}_${o}, wt[${u(slopes + o)}]));`);
    }
    L.push(`      } }`);
  }
  L.push(`  }`);
  return L;
}

/**
 * The 3x3 accumulation of one or more horizontally adjacent pixels from a workgroup tile:
 * `rowExpr(ky)` is the tile pixel index of the leftmost input column of row ky.
 */
function conv3x3Body(
  indent: string,
  S4: number,
  p: number,
  wBase: number,
  rowExpr: string,
  acc: (q: number, o: number) => string,
): string[] {
  const SP = 4 * S4;
  const L: string[] = [];
  L.push(`${indent}for (var ky = 0u; ky < 3u; ky++) {`);
  L.push(`${indent}  let row = ${rowExpr};`);
  L.push(`${indent}  for (var c4 = 0u; c4 < ${u(S4)}; c4++) {`);
  for (let col = 0; col < p + 2; col++) {
    L.push(`${indent}    let v${col} = vec4<f32>(tile[(row + ${u(col)}) * ${u(S4)} + c4]);`);
  }
  L.push(`${indent}    let wb = ${u(wBase)} + (ky * ${u(3 * SP)} + c4 * 4u) * ${u(S4)};`);
  for (let kx = 0; kx < 3; kx++) {
    for (let j = 0; j < 4; j++) {
      for (let o = 0; o < S4; o++) {
        const fmas = [...Array(p).keys()].map((q) =>
          `${acc(q, o)} = fma(vec4<f32>(v${q + kx}.${LANES[j]}), q, ${acc(q, o)});`
        ).join(" ");
        L.push(`${indent}    { let q = wt[wb + ${u((kx * SP + j) * S4 + o)}]; ${fmas} }`);
      }
    }
  }
  L.push(`${indent}  }`);
  L.push(`${indent}}`);
  return L;
}

/** One mapping layer: conv3x3 s→s + PReLU, NHWC4 → NHWC4. */
export function mapKernel(
  cfg: FsrcnnConfig,
  c: Common,
  at: Record<string, number>,
  lim: KernelLimits,
  forced?: Tile,
): KernelSource {
  const S4 = vec4s(cfg.s);
  const shared = (t: Tile) => (t.tw + 2) * (t.th + 2) * S4 * actBytes(c.act);
  const t = pick("mapping", TILE_CANDIDATES, shared, lim, forced);
  const { tw, th, p } = t;
  const RW = tw + 2, RH = th + 2, NT = (tw / p) * th;
  const L: string[] = [];
  for (let q = 0; q < p; q++) {
    for (let o = 0; o < S4; o++) L.push(`  var a${q}_${o} = wt[${u(at.b0 + o)}];`);
  }
  L.push(
    ...conv3x3Body("  ", S4, p, at.w0, `(ly + ky) * ${u(RW)} + lx`, (q, o) => `a${q}_${o}`),
  );
  L.push(...storeActivations(c.act, tw, th, p, S4, at.a0));
  const code = `${header(c)}
@group(0) @binding(2) var<storage, read> src: array<vec4<${c.act}>>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec4<${c.act}>>;
var<workgroup> tile: array<vec4<${c.act}>, ${RW * RH * S4}>;

@compute @workgroup_size(${tw / p}, ${th})
fn main(${MAIN_ARGS}) {
  let n = wg.z + prm.z0;
  let w = prm.w;
  let h = prm.h;
  let base = n * h * w;
  let x0 = i32(wg.x * ${u(tw)}) - 1;
  let y0 = i32(wg.y * ${u(th)}) - 1;
${loadPatch(RW, RH, S4, NT, c.act)}
  let lx = lid.x * ${u(p)};
  let ly = lid.y;
${L.join("\n")}
}
`;
  return {
    name: "map",
    code,
    tw,
    th,
    sharedBytes: shared(t),
    invocations: NT,
    description: `map ${tw}x${th}/p${p}`,
  };
}

/**
 * All m mapping layers in one kernel. The workgroup loads its tile with an m-pixel halo; layer
 * l computes the region shrunk by l on each side (pixels outside the plane are set to 0, the
 * next layer's zero padding), in rounds of NT pixels whose results wait in registers until
 * every invocation has read its inputs, then overwrite the tile in place. The last layer
 * writes the tile's centre to global memory. Returns null when no tile fits.
 */
export function stackKernel(
  cfg: FsrcnnConfig,
  c: Common,
  at: Record<string, number>,
  lim: KernelLimits,
  forced?: number,
): KernelSource | null {
  const S4 = vec4s(cfg.s), M = cfg.m;
  if (M === 0) return null;
  const shared = (tw: number) => (tw + 2 * M) ** 2 * S4 * actBytes(c.act);
  const threads = (tw: number) => Math.min(256, lim.maxComputeInvocationsPerWorkgroup, tw * tw);
  const fits = (tw: number) =>
    shared(tw) <= lim.maxComputeWorkgroupStorageSize &&
    threads(tw) <= lim.maxComputeWorkgroupSizeX;
  let T: number | undefined;
  if (forced !== undefined) {
    if (!fits(forced)) {
      throw new Error(`stack tile ${forced} does not fit this device's workgroup limits`);
    }
    T = forced;
  } else {
    T = STACK_CANDIDATES.find(fits);
  }
  if (T === undefined) return null;
  const RW = T + 2 * M, NT = threads(T);
  const L: string[] = [];
  for (let l = 1; l <= M; l++) {
    const OW = RW - 2 * l, count = OW * OW, rounds = Math.ceil(count / NT);
    const last = l === M;
    const li = l - 1;
    L.push(`  // layer ${l}: ${OW}x${OW} pixels in ${rounds} round(s)`);
    for (let r = 0; r < rounds; r++) {
      const id = `${l}_${r}`;
      L.push(`  let i${id} = li + ${u(r * NT)};`);
      L.push(`  let ox${id} = i${id} % ${u(OW)} + ${u(l)};`);
      L.push(`  let oy${id} = i${id} / ${u(OW)} + ${u(l)};`);
      for (let o = 0; o < S4; o++) L.push(`  var a${id}_${o} = vec4<f32>(0.0);`);
      L.push(`  if (i${id} < ${u(count)} && inside(ox${id}, oy${id}, x0, y0, w, h)) {`);
      for (let o = 0; o < S4; o++) L.push(`    a${id}_${o} = wt[${u(at[`b${li}`] + o)}];`);
      L.push(
        ...conv3x3Body(
          "    ",
          S4,
          1,
          at[`w${li}`],
          `(oy${id} + ky - 1u) * ${u(RW)} + ox${id} - 1u`,
          (_q, o) => `a${id}_${o}`,
        ),
      );
      for (let o = 0; o < S4; o++) {
        L.push(`    a${id}_${o} = prelu(a${id}_${o}, wt[${u(at[`a${li}`] + o)}]);`);
      }
      if (last) {
        L.push(
          `    let ob = (base + u32(y0 + i32(oy${id})) * w + u32(x0 + i32(ox${id}))) * ${u(S4)};`,
        );
        for (let o = 0; o < S4; o++) {
          L.push(`    dst[ob + ${u(o)}] = vec4<${c.act}>(a${id}_${o});`);
        }
      }
      L.push(`  }`);
    }
    if (!last) {
      L.push(`  workgroupBarrier();`);
      for (let r = 0; r < rounds; r++) {
        const id = `${l}_${r}`;
        L.push(`  if (i${id} < ${u(count)}) {`);
        L.push(`    let tb = (oy${id} * ${u(RW)} + ox${id}) * ${u(S4)};`);
        for (let o = 0; o < S4; o++) {
          L.push(`    tile[tb + ${u(o)}] = vec4<${c.act}>(a${id}_${o});`);
        }
        L.push(`  }`);
      }
      L.push(`  workgroupBarrier();`);
    }
  }
  const code = `${header(c)}
@group(0) @binding(2) var<storage, read> src: array<vec4<${c.act}>>;
@group(0) @binding(3) var<storage, read_write> dst: array<vec4<${c.act}>>;
var<workgroup> tile: array<vec4<${c.act}>, ${RW * RW * S4}>;

fn inside(ox: u32, oy: u32, x0: i32, y0: i32, w: u32, h: u32) -> bool {
  let gx = x0 + i32(ox);
  let gy = y0 + i32(oy);
  return gx >= 0 && gx < i32(w) && gy >= 0 && gy < i32(h);
}

@compute @workgroup_size(${NT})
fn main(${MAIN_ARGS}) {
  let n = wg.z + prm.z0;
  let w = prm.w;
  let h = prm.h;
  let base = n * h * w;
  let x0 = i32(wg.x * ${u(T)}) - ${M};
  let y0 = i32(wg.y * ${u(T)}) - ${M};
${loadPatch(RW, RW, S4, NT, c.act)}
${L.join("\n")}
}
`;
  return {
    name: "stack",
    code,
    tw: T,
    th: T,
    sharedBytes: shared(T),
    invocations: NT,
    description: `map-stack ${T}x${T}+halo${M}`,
  };
}

/** Bytes of workgroup memory of a tail tile. */
function tailShared(t: TailTile, S4: number, geo: TailGeometry, act: "f32" | "f16"): number {
  const R = (t.tw + geo.taps - 1) * (t.th + geo.taps - 1);
  return R * (S4 + t.ec) * actBytes(act);
}

/** Picks the tail tile (the packer needs its channel chunk before the code is generated). */
export function pickTailTile(
  cfg: FsrcnnConfig,
  act: "f32" | "f16",
  lim: KernelLimits,
  forced?: TailTile,
): TailTile {
  const S4 = vec4s(cfg.s);
  const geo = tailGeometry(cfg);
  return pick(
    "tail",
    TAIL_CANDIDATES,
    (t) => tailShared(t, S4, geo, act),
    lim,
    forced,
  );
}

/** vec4s of expand channels after padding d to the tail tile's chunk. */
export function tailChannels(cfg: FsrcnnConfig, t: TailTile): number {
  return Math.ceil(vec4s(cfg.d) / t.ec) * t.ec;
}

/**
 * Tail: conv1x1 s→d + PReLU + sub-pixel conv d→scale² + depth-to-space, NHWC4 → f32 planes
 * of (scale·h) × (scale·w).
 */
export function tailKernel(
  cfg: FsrcnnConfig,
  c: Common,
  at: Record<string, number>,
  t: TailTile,
): KernelSource {
  const S4 = vec4s(cfg.s);
  const geo = tailGeometry(cfg);
  const { tw, th, p, ec } = t;
  const T = geo.taps, T2 = T * T, G = geo.groups, S = cfg.scale;
  const DP4 = tailChannels(cfg, t);
  const RW = tw + T - 1, RH = th + T - 1, NT = (tw / p) * th;
  const act = c.act;
  const L: string[] = [];
  for (let q = 0; q < p; q++) {
    for (let g = 0; g < G; g++) L.push(`  var a${q}_${g} = wt[${u(at.bl)}];`);
  }
  L.push(`  for (var ch = 0u; ch < ${u(DP4 / ec)}; ch++) {`);
  // Step 1: this chunk of expand channels over the whole patch.
  L.push(`    for (var i = li; i < ${u(RW * RH)}; i += ${u(NT)}) {`);
  L.push(`      let gx = x0 + i32(i % ${u(RW)});`);
  L.push(`      let gy = y0 + i32(i / ${u(RW)});`);
  for (let k = 0; k < ec; k++) L.push(`      var e${k} = vec4<f32>(0.0);`);
  L.push(`      if (gx >= 0 && gx < i32(w) && gy >= 0 && gy < i32(h)) {`);
  for (let k = 0; k < ec; k++) L.push(`        e${k} = wt[${u(at.be)} + ch * ${u(ec)} + ${u(k)}];`);
  L.push(`        for (var c4 = 0u; c4 < ${u(S4)}; c4++) {`);
  L.push(`          let v = vec4<f32>(stile[i * ${u(S4)} + c4]);`);
  L.push(`          let wb = ${u(at.we)} + c4 * ${u(4 * DP4)} + ch * ${u(ec)};`);
  for (let j = 0; j < 4; j++) {
    for (let k = 0; k < ec; k++) {
      L.push(
        `          e${k} = fma(vec4<f32>(v.${LANES[j]}), wt[wb + ${u(j * DP4 + k)}], e${k});`,
      );
    }
  }
  L.push(`        }`);
  for (let k = 0; k < ec; k++) {
    L.push(`        e${k} = prelu(e${k}, wt[${u(at.ae)} + ch * ${u(ec)} + ${u(k)}]);`);
  }
  L.push(`      }`);
  for (let k = 0; k < ec; k++) L.push(`      etile[i * ${u(ec)} + ${u(k)}] = vec4<${act}>(e${k});`);
  L.push(`    }`);
  L.push(`    workgroupBarrier();`);
  // Step 2: every invocation accumulates its pixels' phases from the chunk.
  for (let ty = 0; ty < T; ty++) {
    L.push(`    {`);
    L.push(`      let row = (ly + ${u(ty)}) * ${u(RW)} + lx;`);
    for (let k = 0; k < ec; k++) {
      L.push(`      {`);
      for (let col = 0; col < p + T - 1; col++) {
        L.push(`        let v${col} = vec4<f32>(etile[(row + ${u(col)}) * ${u(ec)} + ${u(k)}]);`);
      }
      L.push(
        `        let wb = ${u(at.wl)} + ((ch * ${u(ec)} + ${u(k)}) * ${u(4 * T2)} + ${
          u(ty * T)
        }) * ${u(G)};`,
      );
      for (let tx = 0; tx < T; tx++) {
        for (let g = 0; g < G; g++) {
          if (!geo.valid[ty * T + tx][g]) continue;
          for (let j = 0; j < 4; j++) {
            const fmas = [...Array(p).keys()].map((q) =>
              `a${q}_${g} = fma(vec4<f32>(v${q + tx}.${LANES[j]}), q, a${q}_${g});`
            ).join(" ");
            L.push(`        { let q = wt[wb + ${u((j * T2 + tx) * G + g)}]; ${fmas} }`);
          }
        }
      }
      L.push(`      }`);
    }
    L.push(`    }`);
  }
  L.push(`    workgroupBarrier();`);
  L.push(`  }`);
  // Store with depth-to-space.
  L.push(`  let gy = wg.y * ${u(th)} + ly;`);
  L.push(`  let ow = w * ${u(S)};`);
  L.push(`  if (gy < h) {`);
  for (let q = 0; q < p; q++) {
    L.push(`    { let gx = wg.x * ${u(tw)} + lx + ${u(q)};`);
    L.push(`      if (gx < w) {`);
    L.push(`        let ob = (n * h * ${u(S)} + gy * ${u(S)}) * ow + gx * ${u(S)};`);
    for (let ph = 0; ph < S * S; ph++) {
      const ry = Math.floor(ph / S), rx = ph % S;
      L.push(
        `        dst[ob + ${u(ry)} * ow + ${u(rx)}] = a${q}_${ph >> 2}.${LANES[ph & 3]};`,
      );
    }
    L.push(`      } }`);
  }
  L.push(`  }`);
  const code = `${header(c)}
@group(0) @binding(2) var<storage, read> src: array<vec4<${act}>>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
var<workgroup> stile: array<vec4<${act}>, ${RW * RH * S4}>;
var<workgroup> etile: array<vec4<${act}>, ${RW * RH * ec}>;

@compute @workgroup_size(${tw / p}, ${th})
fn main(${MAIN_ARGS}) {
  let n = wg.z + prm.z0;
  let w = prm.w;
  let h = prm.h;
  let base = n * h * w;
  let x0 = i32(wg.x * ${u(tw)}) - ${geo.padBefore};
  let y0 = i32(wg.y * ${u(th)}) - ${geo.padBefore};
${loadPatch(RW, RH, S4, NT, act).replaceAll("tile[i]", "stile[i]")}
  let lx = lid.x * ${u(p)};
  let ly = lid.y;
${L.join("\n")}
}
`;
  return {
    name: "tail",
    code,
    tw,
    th,
    sharedBytes: tailShared(t, S4, geo, act),
    invocations: NT,
    description: `tail ${tw}x${th}/p${p} ec${4 * ec}`,
  };
}

export type { Common as KernelCommon };
