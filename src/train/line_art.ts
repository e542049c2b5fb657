/**
 * Synthetic line art: pictures of the kind a photograph collection lacks and video often holds —
 * animation, drawings, titles, slides and screen recordings — made of flat fills, outlined
 * shapes, pen strokes, text-like glyphs and pixel-aligned boxes on flat or graded backgrounds.
 * T91 and BSDS200 are photographs only; the network has never seen a long, clean, dark line on a
 * flat field or a sharp-edged box, and sharpens them badly or not at all.
 *
 * Shapes are drawn with anti-aliased edges from their exact distance to the pixel centre (coverage
 * `clamp(0.5 + distance inside)`), the way vector renderers draw, so the HR pictures are clean
 * and their LR versions are made by the same degradations as the photographs'.
 */
import type { NamedImage } from "../eval/protocol.ts";
import type { Image8 } from "../media/frame/pixels.ts";
import { Rng } from "../core/random.ts";

/** A point in pixels (pixel centres are at half-integers). */
type Point = readonly [number, number];
type Rgb = readonly [number, number, number];

/** Side of each synthetic picture, in pixels. */
export const LINE_ART_SIDE = 320;

/** Distance from `(px, py)` to the segment `a`–`b`. */
export function segmentDistance(px: number, py: number, a: Point, b: Point): number {
  const dx = b[0] - a[0], dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - a[0]) * dx + (py - a[1]) * dy) / len2));
  const ex = a[0] + t * dx - px, ey = a[1] + t * dy - py;
  return Math.sqrt(ex * ex + ey * ey);
}

/** Whether `(px, py)` is inside the closed polygon (even-odd rule). */
export function insidePolygon(px: number, py: number, poly: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > py) !== (yj > py) && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Edge coverage of a pixel whose centre lies `inside` pixels within a shape (negative: out). */
export function coverage(inside: number): number {
  return Math.max(0, Math.min(1, 0.5 + inside));
}

/** An RGB canvas in [0, 1] that shapes are blended onto. */
export class Canvas {
  readonly width: number;
  readonly height: number;
  readonly rgb: Float32Array;

  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
    this.rgb = new Float32Array(width * height * 3);
  }

  /** Fills with a linear gradient from `from` to `to` along the direction `angle`. */
  gradient(from: Rgb, to: Rgb, angle: number): void {
    const cx = Math.cos(angle), cy = Math.sin(angle);
    const span = Math.abs(cx) * this.width + Math.abs(cy) * this.height;
    const o = Math.min(0, cx * this.width) + Math.min(0, cy * this.height);
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const t = (cx * (x + 0.5) + cy * (y + 0.5) - o) / span;
        for (let c = 0; c < 3; c++) {
          this.rgb[(y * this.width + x) * 3 + c] = from[c] + (to[c] - from[c]) * t;
        }
      }
    }
  }

  /**
   * Blends `colour` over the pixels of the box `[x0, x1) × [y0, y1)` by the coverage that
   * `cover(x, y)` gives at each pixel centre.
   */
  paint(
    box: readonly [number, number, number, number],
    colour: Rgb,
    cover: (x: number, y: number) => number,
  ): void {
    const x0 = Math.max(0, Math.floor(box[0])), x1 = Math.min(this.width, Math.ceil(box[1]));
    const y0 = Math.max(0, Math.floor(box[2])), y1 = Math.min(this.height, Math.ceil(box[3]));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const a = cover(x + 0.5, y + 0.5);
        if (a <= 0) continue;
        const i = (y * this.width + x) * 3;
        for (let c = 0; c < 3; c++) this.rgb[i + c] += (colour[c] - this.rgb[i + c]) * a;
      }
    }
  }

  /** A filled polygon with anti-aliased edges. */
  fill(poly: readonly Point[], colour: Rgb): void {
    this.paint(bounds(poly, 1), colour, (x, y) => {
      const d = polylineDistance(x, y, poly, true);
      return coverage(insidePolygon(x, y, poly) ? d : -d);
    });
  }

  /** A stroke of `width` pixels along a polyline (closed: back to its first point). */
  stroke(line: readonly Point[], width: number, colour: Rgb, closed = false): void {
    this.paint(
      bounds(line, width / 2 + 1),
      colour,
      (x, y) => coverage(width / 2 - polylineDistance(x, y, line, closed)),
    );
  }

  /** The canvas rounded to 8-bit RGB. */
  toImage(): Image8 {
    const data = new Uint8Array(this.rgb.length);
    for (let i = 0; i < data.length; i++) {
      data[i] = Math.round(Math.max(0, Math.min(1, this.rgb[i])) * 255);
    }
    return { width: this.width, height: this.height, channels: 3, data };
  }
}

function polylineDistance(x: number, y: number, line: readonly Point[], closed: boolean): number {
  let d = Infinity;
  const n = closed ? line.length : line.length - 1;
  for (let i = 0; i < n; i++) {
    d = Math.min(d, segmentDistance(x, y, line[i], line[(i + 1) % line.length]));
  }
  return d;
}

function bounds(
  points: readonly Point[],
  margin: number,
): [number, number, number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
  }
  return [x0 - margin, x1 + margin, y0 - margin, y1 + margin];
}

/** A closed polygon rounded by two rounds of Chaikin corner cutting. */
function smoothClosed(poly: readonly Point[]): Point[] {
  let p: Point[] = [...poly];
  for (let round = 0; round < 2; round++) {
    const next: Point[] = [];
    for (let i = 0; i < p.length; i++) {
      const a = p[i], b = p[(i + 1) % p.length];
      next.push([0.75 * a[0] + 0.25 * b[0], 0.75 * a[1] + 0.25 * b[1]]);
      next.push([0.25 * a[0] + 0.75 * b[0], 0.25 * a[1] + 0.75 * b[1]]);
    }
    p = next;
  }
  return p;
}

/** A cubic Bézier curve as a polyline of `segments` pieces. */
function bezier(p0: Point, p1: Point, p2: Point, p3: Point, segments = 24): Point[] {
  const out: Point[] = [];
  for (let i = 0; i <= segments; i++) {
    const t = i / segments, u = 1 - t;
    const w = [u * u * u, 3 * u * u * t, 3 * u * t * t, t * t * t];
    out.push([
      w[0] * p0[0] + w[1] * p1[0] + w[2] * p2[0] + w[3] * p3[0],
      w[0] * p0[1] + w[1] * p1[1] + w[2] * p2[1] + w[3] * p3[1],
    ]);
  }
  return out;
}

/** A colour from hue, saturation and value in [0, 1]. */
function hsv(h: number, s: number, v: number): Rgb {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

function between(rng: Rng, lo: number, hi: number): number {
  return lo + rng.uniform() * (hi - lo);
}

/** A dark ink colour (outlines, pen strokes, text on light backgrounds). */
function ink(rng: Rng): Rgb {
  return hsv(rng.uniform(), between(rng, 0, 0.6), between(rng, 0, 0.25));
}

/** A fill colour: anything from pastel to saturated, light to mid-dark. */
function paintColour(rng: Rng): Rgb {
  return hsv(rng.uniform(), between(rng, 0.1, 1), between(rng, 0.35, 1));
}

/** An outlined blob: a smoothed star-shaped polygon, flat-filled, sometimes with a shadow tone. */
function blob(canvas: Canvas, rng: Rng): void {
  const cx = between(rng, 0, canvas.width), cy = between(rng, 0, canvas.height);
  const r = between(rng, 12, canvas.width / 3);
  const n = 4 + rng.int(9);
  const poly: Point[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * (i + between(rng, -0.3, 0.3))) / n;
    const ri = r * between(rng, 0.5, 1.3);
    poly.push([cx + ri * Math.cos(a), cy + ri * Math.sin(a)]);
  }
  const shape = rng.uniform() < 0.7 ? smoothClosed(poly) : poly;
  const fill = paintColour(rng);
  canvas.fill(shape, fill);
  if (rng.uniform() < 0.4) {
    // Cel shading: a darker tone over part of the shape.
    const k = between(rng, 0.55, 0.85);
    const dx = between(rng, -0.4, 0.4) * r, dy = between(rng, -0.4, 0.4) * r;
    const shade = shape.map(([x, y]): Point => [
      cx + (x - cx) * 0.6 + dx,
      cy + (y - cy) * 0.6 + dy,
    ]);
    canvas.fill(shade, [fill[0] * k, fill[1] * k, fill[2] * k]);
  }
  if (rng.uniform() < 0.8) canvas.stroke(shape, between(rng, 0.8, 5), ink(rng), true);
}

/** A pen stroke along a random cubic Bézier curve. */
function penStroke(canvas: Canvas, rng: Rng): void {
  const pt =
    (): Point => [between(rng, -20, canvas.width + 20), between(rng, -20, canvas.height + 20)];
  const p0 = pt();
  const reach = between(rng, 20, canvas.width * 0.8);
  const near =
    (): Point => [p0[0] + between(rng, -reach, reach), p0[1] + between(rng, -reach, reach)];
  const colour = rng.uniform() < 0.75 ? ink(rng) : paintColour(rng);
  canvas.stroke(bezier(p0, near(), near(), near()), between(rng, 0.7, 6), colour);
}

/** A box: pixel-aligned (user interfaces, slides) or rotated, filled or framed. */
function box(canvas: Canvas, rng: Rng): void {
  const w = between(rng, 8, canvas.width / 2), h = between(rng, 8, canvas.height / 2);
  const x = between(rng, -w / 2, canvas.width), y = between(rng, -h / 2, canvas.height);
  let corners: Point[] = [[x, y], [x + w, y], [x + w, y + h], [x, y + h]];
  if (rng.uniform() < 0.5) {
    corners = corners.map(([u, v]): Point => [Math.round(u), Math.round(v)]);
  } else {
    const a = between(rng, -0.6, 0.6), cx = x + w / 2, cy = y + h / 2;
    const c = Math.cos(a), s = Math.sin(a);
    corners = corners.map(([u, v]): Point => [
      cx + (u - cx) * c - (v - cy) * s,
      cy + (u - cx) * s + (v - cy) * c,
    ]);
  }
  if (rng.uniform() < 0.7) canvas.fill(corners, paintColour(rng));
  if (rng.uniform() < 0.5) canvas.stroke(corners, between(rng, 1, 4), ink(rng), true);
}

/**
 * A line of text-like glyphs: each glyph is one to four strokes between points of a 3×5 grid in
 * its cell, the way letters are made of stems, bars and bowls; words are parted by spaces.
 */
function textLine(canvas: Canvas, rng: Rng, colour: Rgb): void {
  const height = between(rng, 6, 28);
  const width = height * between(rng, 0.45, 0.7);
  const pen = height * between(rng, 0.08, 0.18);
  const glyphs = 4 + rng.int(24);
  let x = between(rng, -width, canvas.width * 0.6);
  const y = between(rng, 0, canvas.height - height);
  const italic = rng.uniform() < 0.2 ? between(rng, 0.1, 0.3) : 0;
  for (let g = 0; g < glyphs && x < canvas.width; g++) {
    if (rng.uniform() < 0.18) {
      x += width; // a space
      continue;
    }
    const at = (col: number, row: number): Point => {
      const py = y + (row / 4) * height;
      return [x + (col / 2) * width * 0.8 + italic * (y + height - py), py];
    };
    const strokes = 1 + rng.int(4);
    for (let s = 0; s < strokes; s++) {
      const a = at(rng.int(3), rng.int(5)), b = at(rng.int(3), rng.int(5));
      const line: Point[] = rng.uniform() < 0.3
        ? bezier(a, at(rng.int(3), rng.int(5)), at(rng.int(3), rng.int(5)), b, 12)
        : [a, b];
      canvas.stroke(line, pen, colour);
    }
    x += width * between(rng, 1.0, 1.25);
  }
}

/** Parallel strokes over a region: hatching, stripes, railings, blinds. */
function hatching(canvas: Canvas, rng: Rng): void {
  const a = rng.uniform() * Math.PI;
  const gap = between(rng, 3, 14), width = between(rng, 0.8, gap / 2);
  const count = 3 + rng.int(14);
  const cx = between(rng, 0, canvas.width), cy = between(rng, 0, canvas.height);
  const length = between(rng, 20, canvas.width / 2);
  const colour = ink(rng);
  const ux = Math.cos(a), uy = Math.sin(a);
  for (let i = 0; i < count; i++) {
    const ox = cx - uy * gap * i, oy = cy + ux * gap * i;
    canvas.stroke([[ox, oy], [ox + ux * length, oy + uy * length]], width, colour);
  }
}

/**
 * One synthetic line-art picture of `side`×`side` pixels drawn from `rng`: a flat or graded
 * background, then a random mix of outlined blobs, pen strokes, boxes, hatching and lines of
 * text-like glyphs.
 */
export function lineArtImage(rng: Rng, side = LINE_ART_SIDE): Image8 {
  const canvas = new Canvas(side, side);
  const paper = rng.uniform() < 0.5;
  const bg1: Rgb = paper
    ? hsv(rng.uniform(), between(rng, 0, 0.15), between(rng, 0.85, 1))
    : paintColour(rng);
  const bg2: Rgb = rng.uniform() < 0.5 ? bg1 : paintColour(rng);
  canvas.gradient(bg1, bg2, rng.uniform() * 2 * Math.PI);
  const shapes = 6 + rng.int(20);
  for (let i = 0; i < shapes; i++) {
    const kind = rng.uniform();
    if (kind < 0.35) blob(canvas, rng);
    else if (kind < 0.6) penStroke(canvas, rng);
    else if (kind < 0.75) box(canvas, rng);
    else if (kind < 0.85) hatching(canvas, rng);
    else {
      const lines = 1 + rng.int(6);
      const colour = rng.uniform() < 0.7 ? ink(rng) : hsv(rng.uniform(), between(rng, 0, 0.3), 1);
      for (let l = 0; l < lines; l++) textLine(canvas, rng, colour);
    }
  }
  return canvas.toImage();
}

/**
 * `count` synthetic line-art pictures, named `line-art/<seed>-<i>`; picture `i` depends only on
 * `seed` and `i`, so a resumed run draws the same ones and a held-out set of another seed never
 * repeats a training picture.
 */
export function lineArtImages(count: number, seed: number, side = LINE_ART_SIDE): NamedImage[] {
  const out: NamedImage[] = [];
  for (let i = 0; i < count; i++) {
    const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ (i + 1) * 0x85ebca6b) >>> 0);
    out.push({ name: `line-art/${seed}-${i}`, image: lineArtImage(rng, side) });
  }
  return out;
}
