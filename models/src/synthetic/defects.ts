import type { DefectKind } from './frame.ts';
import { isSafeSurface, type PartGeometry, toImage } from './part.ts';
import { type Rng, uniform } from './rng.ts';

/** Surface defects stay this far (reference px) from edges and holes: the chamfer hides anything closer. */
const MARGIN = 16;

type Point = [number, number];

/** A random point on safe plate surface, in part coordinates. */
function safePoint(rng: Rng, g: PartGeometry, margin: number): Point {
  for (let i = 0; i < 500; i++) {
    const u = uniform(rng, -g.halfW, g.halfW);
    const v = uniform(rng, -g.halfH, g.halfH);
    if (isSafeSurface(g, u, v, margin)) return [u, v];
  }
  return [g.bossR + margin, 0];
}

/**
 * Paints a thin antialiased segment into `layer`, keeping per pixel the strongest contribution
 * (so joints of a polyline do not double up). Profile: Gaussian across, tapered over the last `taper` of its length.
 */
function segment(
  layer: Float32Array,
  g: PartGeometry,
  a: Point,
  b: Point,
  sigma: number,
  amp: number,
  taper = 0,
): void {
  const [x0, y0] = a;
  const [x1, y1] = b;
  const pad = 3 * sigma + 1;
  const minX = Math.max(0, Math.floor(Math.min(x0, x1) - pad));
  const maxX = Math.min(g.width - 1, Math.ceil(Math.max(x0, x1) + pad));
  const minY = Math.max(0, Math.floor(Math.min(y0, y1) - pad));
  const maxY = Math.min(g.height - 1, Math.ceil(Math.max(y0, y1) + pad));
  const ex = x1 - x0;
  const ey = y1 - y0;
  const len2 = ex * ex + ey * ey || 1;
  const inv = 1 / (2 * sigma * sigma);
  for (let y = minY; y <= maxY; y++) {
    for (let x = minX; x <= maxX; x++) {
      const px = x + 0.5 - x0;
      const py = y + 0.5 - y0;
      const t = Math.max(0, Math.min(1, (px * ex + py * ey) / len2));
      const qx = px - t * ex;
      const qy = py - t * ey;
      let val = amp * Math.exp(-(qx * qx + qy * qy) * inv);
      if (taper > 0) val *= Math.min(1, t / taper, (1 - t) / taper);
      const i = y * g.width + x;
      if (Math.abs(val) > Math.abs(layer[i] ?? 0)) layer[i] = val;
    }
  }
}

function scratch(layer: Float32Array, rng: Rng, g: PartGeometry): void {
  const s = g.scale;
  for (let attempt = 0; attempt < 50; attempt++) {
    const [u, v] = safePoint(rng, g, MARGIN * s);
    const len = uniform(rng, 24, 64) * s * (attempt > 25 ? 0.5 : 1);
    const th = uniform(rng, 0, Math.PI);
    const du = (Math.cos(th) * len) / 2;
    const dv = (Math.sin(th) * len) / 2;
    const ok = [-1, -0.5, 0.5, 1].every((k) => isSafeSurface(g, u + k * du, v + k * dv, MARGIN * s));
    if (!ok) continue;
    const amp = rng() < 0.7 ? uniform(rng, 30, 60) : -uniform(rng, 30, 60);
    segment(
      layer,
      g,
      toImage(g, u - du, v - dv),
      toImage(g, u + du, v + dv),
      uniform(rng, 0.7, 1.2) * s,
      amp,
      0.15,
    );
    return;
  }
}

function spot(layer: Float32Array, rng: Rng, g: PartGeometry): void {
  const s = g.scale;
  const [cx, cy] = toImage(g, ...safePoint(rng, g, MARGIN * s));
  const r = uniform(rng, 2.5, 5.5) * s;
  const amp = rng() < 0.65 ? -uniform(rng, 35, 70) : uniform(rng, 35, 60);
  const pad = Math.ceil(2.5 * r) + 1;
  for (let y = Math.max(0, Math.floor(cy - pad)); y <= Math.min(g.height - 1, cy + pad); y++) {
    for (let x = Math.max(0, Math.floor(cx - pad)); x <= Math.min(g.width - 1, cx + pad); x++) {
      const q = Math.hypot(x + 0.5 - cx, y + 0.5 - cy) / r;
      const val = amp / (1 + q ** 6);
      const i = y * g.width + x;
      if (Math.abs(val) > Math.abs(layer[i] ?? 0)) layer[i] = val;
    }
  }
}

function crack(layer: Float32Array, rng: Rng, g: PartGeometry): void {
  const s = g.scale;
  for (let attempt = 0; attempt < 50; attempt++) {
    let p: Point = safePoint(rng, g, MARGIN * s);
    let heading = uniform(rng, 0, 2 * Math.PI);
    const pts: Point[] = [p];
    const steps = 6 + Math.floor(rng() * 7);
    for (let i = 0; i < steps; i++) {
      heading += uniform(rng, -0.7, 0.7);
      const step = uniform(rng, 4, 8) * s;
      const next: Point = [p[0] + Math.cos(heading) * step, p[1] + Math.sin(heading) * step];
      if (!isSafeSurface(g, next[0], next[1], MARGIN * s)) break;
      pts.push(next);
      p = next;
    }
    if (pts.length < 5) continue;
    const base = -uniform(rng, 40, 70);
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1] as Point;
      const b = pts[i] as Point;
      segment(
        layer,
        g,
        toImage(g, ...a),
        toImage(g, ...b),
        uniform(rng, 0.6, 0.9) * s,
        base * uniform(rng, 0.8, 1.1),
      );
    }
    return;
  }
}

/** Draws the surface defects among `kinds` (missing-feature is geometric: see samplePart) onto `buf`. */
export function drawDefects(
  buf: Float32Array,
  rng: Rng,
  g: PartGeometry,
  kinds: readonly DefectKind[],
): void {
  for (const kind of kinds) {
    if (kind === 'missing-feature') continue;
    const layer = new Float32Array(buf.length);
    if (kind === 'scratch') scratch(layer, rng, g);
    else if (kind === 'spot') spot(layer, rng, g);
    else crack(layer, rng, g);
    for (let i = 0; i < buf.length; i++) buf[i] = (buf[i] ?? 0) + (layer[i] ?? 0);
  }
}
