import type { ImageFrame } from './frame.ts';
import { createRng, type Rng, uniform } from './rng.ts';

/** Defect kinds of the textured tiles: five, like the surface sets users bring. */
export const TILE_DEFECTS = ['scratch', 'crack', 'hole', 'stain', 'contamination'] as const;
export type TileDefect = (typeof TILE_DEFECTS)[number];

export interface Tile {
  frame: ImageFrame;
  /** Anti-aliased defect mask, 0–255, same size as the frame (all 0 for a good tile). */
  mask: Uint8Array;
  defect: TileDefect | null;
}

/** Smooth value noise: a coarse random grid, bilinearly upsampled. */
function valueNoise(rng: Rng, w: number, h: number, cell: number): Float32Array {
  const gw = Math.ceil(w / cell) + 2;
  const gh = Math.ceil(h / cell) + 2;
  const grid = Float32Array.from({ length: gw * gh }, () => rng() * 2 - 1);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const fy = y / cell;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = x / cell;
      const x0 = Math.floor(fx);
      const tx = fx - x0;
      const g = (a: number, b: number) => grid[(y0 + b) * gw + x0 + a] as number;
      out[y * w + x] =
        (g(0, 0) * (1 - tx) + g(1, 0) * tx) * (1 - ty) + (g(0, 1) * (1 - tx) + g(1, 1) * tx) * ty;
    }
  }
  return out;
}

/** Distance from (x, y) to the segment a–b. */
function segmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}

/** A surface material: base tone and three oriented gratings (woven / brushed look). */
export interface TileMaterial {
  base: number;
  gratings: Array<{ a: number; f: number; amp: number }>;
}

export function randomMaterial(rng: Rng): TileMaterial {
  return {
    base: uniform(rng, 90, 170),
    gratings: Array.from({ length: 3 }, () => ({
      a: rng() * Math.PI,
      f: uniform(rng, 0.08, 0.35),
      amp: uniform(rng, 4, 14),
    })),
  };
}

/**
 * A textured surface tile of a material (gratings at a random phase + smooth noise + grain, per-tile tone and
 * lighting) of any size, optionally with one defect drawn anti-aliased into the image and its mask.
 */
export function renderTile(
  rng: Rng,
  width: number,
  height: number,
  defect: TileDefect | null,
  material: TileMaterial = randomMaterial(rng),
): Tile {
  const n = width * height;
  const base = material.base * uniform(rng, 0.9, 1.1);
  const gratings = material.gratings.map((g) => ({
    ...g,
    a: g.a + uniform(rng, -0.05, 0.05),
    p: rng() * 6.28,
  }));
  const noise = valueNoise(rng, width, height, uniform(rng, 12, 40));
  const light = uniform(rng, -0.15, 0.15);
  const img = new Float32Array(n);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let v = base * (1 + light * (x / width - 0.5)) + 18 * (noise[y * width + x] as number);
      for (const g of gratings) v += g.amp * Math.sin(g.f * (x * Math.cos(g.a) + y * Math.sin(g.a)) + g.p);
      img[y * width + x] = v + (rng() - 0.5) * 16;
    }
  const cover = new Float32Array(n);
  if (defect) drawDefect(rng, width, height, defect, cover);
  const target = defect === 'contamination' || (defect === 'scratch' && rng() < 0.5) ? 235 : 35;
  const strength = defect === 'stain' ? 0.35 : 0.8;
  const frame = new Uint8Array(n);
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = cover[i] as number;
    frame[i] = Math.max(
      0,
      Math.min(255, Math.round((img[i] as number) * (1 - strength * c) + target * strength * c)),
    );
    mask[i] = Math.round(255 * c);
  }
  return { frame: { width, height, channels: 1, data: frame }, mask, defect };
}

function drawDefect(rng: Rng, w: number, h: number, kind: TileDefect, cover: Float32Array): void {
  const s = Math.min(w, h);
  const cx = uniform(rng, 0.2, 0.8) * w;
  const cy = uniform(rng, 0.2, 0.8) * h;
  // Shapes as (distance → coverage) with a 1-pixel anti-aliased edge.
  const paint = (f: (x: number, y: number) => number, box: [number, number, number, number]) => {
    for (let y = Math.max(0, Math.floor(box[1])); y < Math.min(h, Math.ceil(box[3])); y++)
      for (let x = Math.max(0, Math.floor(box[0])); x < Math.min(w, Math.ceil(box[2])); x++) {
        const c = Math.max(0, Math.min(1, f(x + 0.5, y + 0.5)));
        if (c > (cover[y * w + x] as number)) cover[y * w + x] = c;
      }
  };
  if (kind === 'scratch' || kind === 'crack') {
    const pts: Array<[number, number]> = [[cx, cy]];
    const segs = kind === 'crack' ? 6 : 1;
    let a = rng() * Math.PI * 2;
    for (let i = 0; i < segs; i++) {
      const len = (kind === 'crack' ? 0.06 : uniform(rng, 0.25, 0.5)) * s;
      a += kind === 'crack' ? uniform(rng, -0.8, 0.8) : 0;
      const [px, py] = pts[pts.length - 1] as [number, number];
      pts.push([px + Math.cos(a) * len, py + Math.sin(a) * len]);
    }
    const half = kind === 'crack' ? uniform(rng, 0.8, 1.6) : uniform(rng, 0.6, 1.2);
    for (let i = 1; i < pts.length; i++) {
      const [ax, ay] = pts[i - 1] as [number, number];
      const [bx, by] = pts[i] as [number, number];
      const box: [number, number, number, number] = [
        Math.min(ax, bx) - 3,
        Math.min(ay, by) - 3,
        Math.max(ax, bx) + 3,
        Math.max(ay, by) + 3,
      ];
      paint((x, y) => half + 0.5 - segmentDistance(x, y, ax, ay, bx, by), box);
    }
  } else if (kind === 'hole' || kind === 'stain') {
    const r = (kind === 'hole' ? uniform(rng, 0.02, 0.05) : uniform(rng, 0.08, 0.16)) * s;
    const rx = r * uniform(rng, 0.7, 1.3);
    paint(
      (x, y) => r + 0.5 - Math.hypot((x - cx) * (r / rx), y - cy),
      [cx - rx - 2, cy - r - 2, cx + rx + 2, cy + r + 2],
    );
  } else {
    for (let i = 0; i < 5; i++) {
      const x0 = cx + uniform(rng, -0.06, 0.06) * s;
      const y0 = cy + uniform(rng, -0.06, 0.06) * s;
      const r = uniform(rng, 1.2, 3);
      paint((x, y) => r + 0.5 - Math.hypot(x - x0, y - y0), [x0 - r - 2, y0 - r - 2, x0 + r + 2, y0 + r + 2]);
    }
  }
}

/** A seeded stream of tiles of random sizes in the given ranges, each of one of `materials` materials. */
export function createTileStream(opts: {
  seed: number;
  defectRate: number;
  width: [number, number];
  height: [number, number];
  materials?: number;
}) {
  const rng = createRng(opts.seed);
  const materials = Array.from({ length: opts.materials ?? 2 }, () => randomMaterial(rng));
  return {
    next(): Tile {
      const w = Math.round(uniform(rng, ...opts.width));
      const h = Math.round(uniform(rng, ...opts.height));
      const kind = TILE_DEFECTS[Math.floor(rng() * TILE_DEFECTS.length)] as TileDefect;
      const d = rng() < opts.defectRate ? kind : null;
      return renderTile(rng, w, h, d, materials[Math.floor(rng() * materials.length)]);
    },
  };
}
