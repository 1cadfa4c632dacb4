import { createRng } from '../synthetic/rng.ts';

/**
 * Greedy k-centre coreset (PatchCore §3.2): repeatedly adds the row farthest from everything chosen so far,
 * so a few thousand rows cover the whole feature distribution, rare textures included (random subsampling
 * drops them). Distances are measured after a seeded random projection to `projectTo` dimensions (as
 * PatchCore does: Johnson–Lindenstrauss keeps them). Returns the chosen row indices, in order of choice.
 */
export function greedyCoreset(
  rows: Float32Array,
  dim: number,
  count: number,
  opts: { seed: number; projectTo?: number; onProgress?: (done: number, total: number) => void },
): Int32Array {
  const n = rows.length / dim;
  const k = Math.min(count, n);
  const p = Math.min(opts.projectTo ?? 128, dim);
  const rng = createRng(opts.seed);
  const proj = new Float32Array(p * dim);
  for (let i = 0; i < proj.length; i++) proj[i] = rng() < 0.5 ? -1 : 1; // Achlioptas' ±1 projection
  const x = new Float32Array(n * p);
  for (let r = 0; r < n; r++) {
    const o = r * dim;
    for (let i = 0; i < p; i++) {
      let s = 0;
      const w = i * dim;
      for (let j = 0; j < dim; j++) s += (proj[w + j] as number) * (rows[o + j] as number);
      x[r * p + i] = s;
    }
  }
  const nearest = new Float32Array(n).fill(Number.POSITIVE_INFINITY);
  const chosen = new Int32Array(k);
  let next = Math.floor(rng() * n);
  for (let c = 0; c < k; c++) {
    chosen[c] = next;
    const a = next * p;
    let far = -1;
    let farAt = 0;
    for (let r = 0; r < n; r++) {
      const b = r * p;
      let d = 0;
      for (let i = 0; i < p; i++) {
        const t = (x[a + i] as number) - (x[b + i] as number);
        d += t * t;
      }
      const m = Math.min(nearest[r] as number, d);
      nearest[r] = m;
      if (m > far) {
        far = m;
        farAt = r;
      }
    }
    next = farAt;
    if (opts.onProgress && (c + 1) % 256 === 0) opts.onProgress(c + 1, k);
  }
  return chosen;
}
