import type { ManifestInput } from '../manifest/schema.ts';
import { cellCoverage } from '../masks/coverage.ts';
import type { Rng } from '../synthetic/rng.ts';
import type { Augmentation } from './augment.ts';
import type { PatchSample } from './patch.ts';

/** Cell rows of one training image (all its copies) with their labels (1 = defect). */
export interface CellRows {
  x: Float32Array[];
  y: number[];
  /** The same cells of a second map (the fine-tuned block's input), when one is collected. */
  aux: Float32Array[];
}

export interface CellSampling {
  /** Good cells kept in all, spread evenly over the images (default 20 000); defect cells are capped the same. */
  negatives?: number;
  /** Defect cells need at least this share covered by the mask (default 0.05); cells with less are left out. */
  minCover?: number;
}

/**
 * Class-balanced cell sampling from feature maps [C, gh·gw] at 1/`stride`: a cell ≥ `minCover` inside the mask is
 * a defect cell, a cell the mask does not touch a good one, cells in between (and letterbox margin) are left
 * out. Both classes are capped by an even, seeded spread over each image, so large defects cannot flood the fit
 * and every image's background is in it. A defect image without a usable mask trains no cells.
 */
export function createCellSampler(
  samples: readonly PatchSample[],
  opts: CellSampling & { input: ManifestInput; stride: number; channels: number; copies: number; rng: Rng },
) {
  const [, , height, width] = opts.input.shape;
  const gh = height / opts.stride;
  const gw = width / opts.stride;
  const n = gh * gw;
  const c = opts.channels;
  const minCover = opts.minCover ?? 0.05;
  const budget = opts.negatives ?? 20_000;
  const perImage = Math.max(4, Math.ceil(budget / (samples.length * opts.copies)));
  const masked = samples.filter((s) => s.label === 1 && s.mask).length;
  const perDefect = Math.max(4, Math.ceil(budget / (Math.max(1, masked) * opts.copies)));
  const grid = { width, height, resize: opts.input.resize, stride: opts.stride };
  const rows: CellRows[] = samples.map(() => ({ x: [], y: [], aux: [] }));
  const cellAt = (map: Float32Array, i: number, channels = c) => {
    const v = new Float32Array(channels);
    for (let k = 0; k < channels; k++) v[k] = map[k * n + i] as number;
    return v;
  };
  return {
    rows,
    /** Whether sample i trains cells at all. */
    usable: (i: number) => {
      const s = samples[i] as PatchSample;
      return s.label === 0 || s.mask !== null;
    },
    /** Adds the cells of sample i's map (of the copy augmented by `aug`, or the original), and of `aux`. */
    collect(i: number, map: Float32Array, aug: Augmentation | null, aux?: Float32Array) {
      const s = samples[i] as PatchSample;
      if (s.label === 1 && !s.mask) return;
      const r = rows[i] as CellRows;
      const cover = s.mask ? cellCoverage(s.mask, grid, aug ?? {}) : new Float32Array(n);
      const good: number[] = [];
      const bad: number[] = [];
      for (let k = 0; k < n; k++) {
        const v = cover[k] as number;
        if (v >= minCover) bad.push(k);
        else if (v === 0) good.push(k);
      }
      for (const [cells, label, cap] of [
        [bad, 1, perDefect],
        [good, 0, perImage],
      ] as const) {
        const step = Math.max(1, cells.length / cap);
        // All defect cells under the cap are taken without a draw (the default model's build depends on it).
        for (let t = label === 0 || cells.length > cap ? opts.rng() * step : 0; t < cells.length; t += step) {
          const cell = cells[Math.floor(t)] as number;
          r.x.push(cellAt(map, cell));
          r.y.push(label);
          if (aux) r.aux.push(cellAt(aux, cell, aux.length / n));
        }
      }
    },
  };
}
