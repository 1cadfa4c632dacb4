import { normal, type Rng, randInt, uniform } from './rng.ts';

/** A circular feature in part coordinates (pixels, origin at the plate centre, u along the brushing). */
export interface Hole {
  u: number;
  v: number;
  r: number;
}

/** One machined plate as placed under the camera: pose, shape, lighting. All lengths in pixels. */
export interface PartGeometry {
  width: number;
  height: number;
  /** Pixels per unit of the 256-pixel reference frame. */
  scale: number;
  cx: number;
  cy: number;
  cos: number;
  sin: number;
  halfW: number;
  halfH: number;
  corner: number;
  /** Bolt holes, one per quadrant; `present[i]` false means the hole was never drilled. */
  holes: Hole[];
  present: boolean[];
  /** Radius of the turned (concentric-textured) face at the centre. */
  bossR: number;
  plateLevel: number;
  bgLevel: number;
  gradX: number;
  gradY: number;
  vignette: number;
  /** Brushing streak profile across v, sampled at 1 px from v = -halfH - 2. */
  streaks: Float32Array;
  ringPhase: number;
  noiseSeed: number;
}

/** Samples a plate with pose jitter (±6 px, ±4°) and lighting variation; `missingHole` drops one bolt hole. */
export function samplePart(rng: Rng, width: number, height: number, missingHole: boolean): PartGeometry {
  const scale = Math.min(width, height) / 256;
  const angle = uniform(rng, -4, 4) * (Math.PI / 180);
  const halfW = uniform(rng, 90, 94) * scale;
  const halfH = uniform(rng, 72, 76) * scale;
  const holeR = uniform(rng, 13, 14) * scale;
  const inset = 31 * scale;
  const holes: Hole[] = [
    { u: -(halfW - inset), v: -(halfH - inset), r: holeR },
    { u: halfW - inset, v: -(halfH - inset), r: holeR },
    { u: -(halfW - inset), v: halfH - inset, r: holeR },
    { u: halfW - inset, v: halfH - inset, r: holeR },
  ];
  const present = [true, true, true, true];
  // Drawn either way, so a part with and without a missing hole is otherwise the same scene.
  const missingIndex = randInt(rng, 4);
  if (missingHole) present[missingIndex] = false;

  const n = Math.ceil(2 * halfH) + 6;
  const raw = new Float32Array(n);
  for (let i = 0; i < n; i++) raw[i] = normal(rng);
  const streaks = new Float32Array(n);
  const amp = uniform(rng, 2.5, 4.5);
  for (let i = 0; i < n; i++) {
    // A 3-tap smoothing keeps the streaks a few pixels wide, like a brushed finish.
    const a = raw[Math.max(0, i - 1)] ?? 0;
    const b = raw[i] ?? 0;
    const c = raw[Math.min(n - 1, i + 1)] ?? 0;
    streaks[i] = amp * (0.25 * a + 0.5 * b + 0.25 * c);
  }

  const gradMag = uniform(rng, 0, 28) / (128 * scale);
  const gradDir = uniform(rng, 0, 2 * Math.PI);
  return {
    width,
    height,
    scale,
    cx: width / 2 + uniform(rng, -6, 6) * scale,
    cy: height / 2 + uniform(rng, -6, 6) * scale,
    cos: Math.cos(angle),
    sin: Math.sin(angle),
    halfW,
    halfH,
    corner: uniform(rng, 10, 16) * scale,
    holes,
    present,
    bossR: uniform(rng, 26, 30) * scale,
    plateLevel: uniform(rng, 135, 175),
    bgLevel: uniform(rng, 18, 38),
    gradX: gradMag * Math.cos(gradDir),
    gradY: gradMag * Math.sin(gradDir),
    vignette: uniform(rng, 0, 14),
    streaks,
    ringPhase: uniform(rng, 0, 2 * Math.PI),
    noiseSeed: (Math.floor(rng() * 4294967296) | 1) >>> 0,
  };
}

/** Signed distance (px) to the plate outline: negative inside. */
export function plateDistance(g: PartGeometry, u: number, v: number): number {
  const qx = Math.abs(u) - (g.halfW - g.corner);
  const qy = Math.abs(v) - (g.halfH - g.corner);
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - g.corner;
}

/** True when (u, v) is on bare plate surface at least `margin` px from every edge and every drilled hole. */
export function isSafeSurface(g: PartGeometry, u: number, v: number, margin: number): boolean {
  if (plateDistance(g, u, v) > -margin) return false;
  for (let i = 0; i < g.holes.length; i++) {
    const h = g.holes[i];
    if (!h || !g.present[i]) continue;
    if (Math.hypot(u - h.u, v - h.v) < h.r + margin) return false;
  }
  return true;
}

export function toImage(g: PartGeometry, u: number, v: number): [number, number] {
  return [g.cx + u * g.cos - v * g.sin, g.cy + u * g.sin + v * g.cos];
}
