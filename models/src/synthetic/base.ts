import type { PartGeometry } from './part.ts';

/**
 * Draws the defect-free scene into `buf` (float gray levels): dark conveyor background, the plate with a
 * brushed finish, a turned face at the centre, a bright chamfer on every edge, a lighting gradient and
 * vignetting. Drilled holes show the (shadowed) background through them.
 */
export function drawBase(buf: Float32Array, g: PartGeometry): void {
  const { width, height, cos, sin, holes, present, streaks } = g;
  const innerW = g.halfW - g.corner;
  const innerH = g.halfH - g.corner;
  const streakOffset = g.halfH + 2;
  const maxStreak = streaks.length - 2;
  const holeList = holes.filter((_, i) => present[i]);
  const rimWidth = 2.2 * g.scale;
  const ringK = (2 * Math.PI) / (3.2 * g.scale);
  const half = 0.5 * Math.hypot(width, height);
  const bossR = g.bossR;

  for (let y = 0; y < height; y++) {
    const dy = y + 0.5 - g.cy;
    const dx0 = 0.5 - g.cx;
    let u = dx0 * cos + dy * sin;
    let v = -dx0 * sin + dy * cos;
    const row = y * width;
    for (let x = 0; x < width; x++, u += cos, v -= sin) {
      const lx = x - width / 2;
      const ly = y - height / 2;
      const bg = g.bgLevel + 0.04 * lx * g.scale;
      // Rounded-rectangle signed distance, negative inside the plate.
      const qx = (u < 0 ? -u : u) - innerW;
      const qy = (v < 0 ? -v : v) - innerH;
      const ox = Math.max(qx, 0);
      const oy = Math.max(qy, 0);
      let d = Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0) - g.corner;
      if (d > 1) {
        buf[row + x] = bg;
        continue;
      }
      for (let k = 0; k < holeList.length; k++) {
        const h = holeList[k] as (typeof holeList)[number];
        const hu = u - h.u;
        const hv = v - h.v;
        if (hu > h.r + 2 || hu < -h.r - 2 || hv > h.r + 2 || hv < -h.r - 2) continue;
        const dh = h.r - Math.sqrt(hu * hu + hv * hv);
        if (dh > d) d = dh;
      }
      if (d > 1) {
        buf[row + x] = bg * 0.7;
        continue;
      }
      const r2 = (lx * lx + ly * ly) / (half * half);
      let level = g.plateLevel + g.gradX * lx + g.gradY * ly - g.vignette * r2;
      const sv = v + streakOffset;
      const si = sv < 0 ? 0 : sv > maxStreak ? maxStreak : Math.floor(sv);
      const sf = sv - si;
      level += (streaks[si] ?? 0) * (1 - sf) + (streaks[si + 1] ?? 0) * sf;
      const rho = Math.sqrt(u * u + v * v);
      if (rho < bossR + 1.5) {
        const w = rho < bossR - 1.5 ? 1 : (bossR + 1.5 - rho) / 3;
        level += w * (5 + 2.2 * Math.sin(rho * ringK + g.ringPhase));
      }
      if (d > -rimWidth) level += 28 * (1 + d / rimWidth);
      const cover = d < -0.5 ? 1 : 0.5 - d;
      buf[row + x] = bg * (d > 0 ? 0.85 : 1) + (level - bg) * cover;
    }
  }
}

/** Adds sensor noise (read noise + shot noise ∝ √signal) and quantises to 8 bits. */
export function quantize(buf: Float32Array, noiseSeed: number, out: Uint8Array): void {
  let s = noiseSeed >>> 0 || 1;
  const sigmaLut = new Float32Array(256);
  for (let l = 0; l < 256; l++) sigmaLut[l] = (1.2 + 0.2 * Math.sqrt(l)) / 147.8;
  for (let i = 0; i < buf.length; i++) {
    // xorshift32; the sum of its four bytes is an Irwin–Hall(4) draw: mean 510, sd ≈ 147.8.
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const b = s >>> 0;
    const n = (b & 255) + ((b >>> 8) & 255) + ((b >>> 16) & 255) + (b >>> 24) - 510;
    const v = buf[i] ?? 0;
    const level = v < 0 ? 0 : v > 255 ? 255 : v | 0;
    const q = Math.round(v + n * (sigmaLut[level] ?? 0));
    out[i] = Math.min(255, Math.max(0, q));
  }
}
