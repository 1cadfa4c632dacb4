import type { ManifestInput } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { SCORE_NAME } from '../train/classifier-graph.ts';
import { createFrameRunner } from '../train/extract.ts';
import { greedyCoreset } from './coreset.ts';
import type { AnomalyFeatureSpec } from './features.ts';
import { bankNeighbours, type MemoryBank } from './knn-graph.ts';

/** PatchCore-style defaults (see models/README.md, good-only anomaly mode, for how they were chosen). */
export const ANOMALY_DEFAULTS = {
  spec: {
    taps: ['block_6_expand_relu', 'block_13_expand_relu'],
    stride: 8,
    dim: 192,
    reduce: 'average',
    seed: 1,
    // The image score is the highest mean of a 3×3 window of locations (5-fold CV AUROC on KolektorSDD's
    // train/: single highest location 0.663, 3×3 0.757, 4×4 0.710, 6×6 0.667).
    window: 3,
  } satisfies AnomalyFeatureSpec,
  /** Candidate cells kept in all, each good image's most distinct ones (a coreset within the image). */
  pool: 20_000,
  /** Bank rows: 10 % of the candidate cells, within these bounds (the bank's size sets the model's speed). */
  bank: { share: 0.1, min: 1000, max: 2000 },
  neighbours: 9,
};

export interface AnomalyOptions {
  spec?: AnomalyFeatureSpec;
  pool?: number;
  bankSize?: number;
  seed: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** Candidate cells of good images: an even, seeded spread of each image's locations. */
export interface CellPool {
  dim: number;
  /** One block of rows per image (empty for defect images). */
  rows: Float32Array[];
  /** Locations per image. */
  perImage: number;
}

/** The memory bank of the good images `use` (indices into the pool): coreset + neighbour table. */
export function buildBank(pool: CellPool, use: readonly number[], opts: AnomalyOptions): MemoryBank {
  const parts = use.map((i) => pool.rows[i] as Float32Array).filter((r) => r.length > 0);
  const total = parts.reduce((s, r) => s + r.length, 0);
  const all = new Float32Array(total);
  let o = 0;
  for (const r of parts) {
    all.set(r, o);
    o += r.length;
  }
  const candidates = total / pool.dim;
  const { share, min, max } = ANOMALY_DEFAULTS.bank;
  const size =
    opts.bankSize ?? Math.min(candidates, Math.max(min, Math.min(max, Math.round(share * candidates))));
  const chosen = greedyCoreset(all, pool.dim, size, {
    seed: opts.seed,
    projectTo: 64,
    onProgress: (d, t) => opts.onProgress?.('coreset', d, t),
  });
  const rows = new Float32Array(chosen.length * pool.dim);
  chosen.forEach((c, i) => {
    rows.set(all.subarray(c * pool.dim, (c + 1) * pool.dim), i * pool.dim);
  });
  const k = Math.min(ANOMALY_DEFAULTS.neighbours, chosen.length);
  return { dim: pool.dim, size: chosen.length, rows, neighbours: bankNeighbours(rows, pool.dim, k), k };
}

/** Raw anomaly scores of `frames` under `bytes` (an anomaly graph). */
export async function anomalyScores(
  bytes: Uint8Array,
  input: ManifestInput,
  frames: readonly ImageFrame[],
  onScored?: () => void,
) {
  const runner = await createFrameRunner(bytes, input, SCORE_NAME);
  const out: number[] = [];
  for (const f of frames) {
    out.push((await runner.run(f))[0] as number);
    onScored?.();
  }
  await runner.release();
  return out;
}
