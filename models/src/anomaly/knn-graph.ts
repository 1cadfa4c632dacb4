import type { GraphBuilder } from '../export/graph.ts';

/** The memory bank: `size` rows of `dim` features, and for each row its `k` nearest rows (itself first). */
export interface MemoryBank {
  dim: number;
  size: number;
  rows: Float32Array;
  /** [size, k] row indices, for PatchCore's reweighting. */
  neighbours: Int32Array;
  k: number;
}

/**
 * Nearest-neighbour anomaly score on a [1, dim, gh, gw] feature map, in ONNX (PatchCore §3.3):
 * each location's distance to its nearest bank row (‖x‖² − 2x·b + ‖b‖² by one MatMul), the image's score the
 * largest, reweighted by how isolated the matched bank row is: s = (1 − 1 / Σⱼ exp(‖x* − mⱼ‖ − s*))·s* over
 * the bank row's k neighbours mⱼ (a location matched to a rare, far-from-everything bank row counts less).
 * With `window` w > 1 the reweighted value is the highest mean distance of a w×w window of locations (the
 * weight still from the single most distant location): a defect moves several neighbouring locations away from
 * the bank, while normal texture the bank happens to miss lights isolated ones.
 * Also outputs the per-location distance map `mapName` [1, 1, gh, gw]. Returns the score tensor [1, 1].
 */
export function addKnnScore(
  g: GraphBuilder,
  features: string,
  bank: MemoryBank,
  grid: { gh: number; gw: number },
  names: { score: string; map: string; prefix?: string },
  opts: { window?: number } = {},
): string {
  const p = names.prefix ?? 'knn';
  const { dim, size } = bank;
  const n = grid.gh * grid.gw;
  const bt = new Float32Array(dim * size);
  const bb = new Float32Array(size);
  for (let m = 0; m < size; m++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = bank.rows[m * dim + j] as number;
      bt[j * size + m] = -2 * v;
      s += v * v;
    }
    bb[m] = s;
  }
  const flat = g.node('Reshape', [features, g.initializerInt64(`${p}/shape`, [dim, n], [2])], `${p}/flat`);
  const x = g.node('Transpose', [flat], `${p}/x`, { perm: [1, 0] }); // [n, dim]
  const xx = g.node('ReduceSumSquare', [x], `${p}/xx`, { axes: [1], keepdims: 1 }); // [n, 1]
  const xb = g.node('MatMul', [x, g.initializer(`${p}/bank`, bt, [dim, size])], `${p}/xb`); // −2x·b, [n, M]
  const d2 = g.node(
    'Relu',
    [
      g.node(
        'Add',
        [g.node('Add', [xb, xx], `${p}/xb_xx`), g.initializer(`${p}/bb`, bb, [1, size])],
        `${p}/d2raw`,
      ),
    ],
    `${p}/d2`,
  );
  const nearest = g.node(
    'Sqrt',
    [g.node('ReduceMin', [d2], `${p}/min2`, { axes: [1], keepdims: 1 })],
    `${p}/min`,
  );
  const map = g.node(
    'Reshape',
    [nearest, g.initializerInt64(`${p}/mapshape`, [1, 1, grid.gh, grid.gw], [4])],
    names.map,
  );
  const w = Math.min(opts.window ?? 1, grid.gh, grid.gw);
  // Reweighting around the most anomalous location.
  const at = g.node('ArgMax', [nearest], `${p}/at`, { axis: 0, keepdims: 0 }); // [1]
  const top = g.node('ReduceMax', [nearest], `${p}/top`, { keepdims: 1 }); // [1, 1]
  const peak =
    w > 1
      ? g.node(
          'Reshape',
          [
            g.node(
              'GlobalMaxPool',
              [g.node('AveragePool', [map], `${p}/window`, { kernel_shape: [w, w], strides: [1, 1] })],
              `${p}/wmax`,
            ),
            g.initializerInt64(`${p}/peakshape`, [1, 1], [2]),
          ],
          `${p}/peak`,
        )
      : top;
  const row = g.node('Gather', [d2, at], `${p}/row`, { axis: 0 }); // [1, M]
  const matched = g.node('ArgMin', [row], `${p}/matched`, { axis: 1, keepdims: 0 }); // [1]
  const nb = g.initializerInt64(`${p}/neighbours`, Array.from(bank.neighbours), [size, bank.k]);
  const idx = g.node('Gather', [nb, matched], `${p}/nbidx`, { axis: 0 }); // [1, k]
  const dn = g.node('Sqrt', [g.node('Gather', [row, idx], `${p}/nbd2`, { axis: 1 })], `${p}/nbd`); // [1, 1, k]
  const sum = g.node(
    'ReduceSum',
    [
      g.node('Exp', [g.node('Sub', [dn, top], `${p}/rel`)], `${p}/exp`),
      g.initializerInt64(`${p}/axes`, [2], [1]),
    ],
    `${p}/sum`,
    { keepdims: 0 },
  ); // [1, 1]
  const one = g.initializer(`${p}/one`, [1], [1, 1]);
  const weight = g.node('Sub', [one, g.node('Reciprocal', [sum], `${p}/inv`)], `${p}/weight`);
  return g.node('Mul', [weight, peak], names.score);
}

/** Each bank row's `k` nearest rows (itself first), by exact squared distance. */
export function bankNeighbours(rows: Float32Array, dim: number, k: number): Int32Array {
  const size = rows.length / dim;
  const kk = Math.min(k, size);
  const out = new Int32Array(size * kk);
  const d = new Float32Array(size);
  const order = new Int32Array(size);
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const t = (rows[a * dim + j] as number) - (rows[b * dim + j] as number);
        s += t * t;
      }
      d[b] = s;
      order[b] = b;
    }
    d[a] = -1;
    // Partial selection of the kk smallest.
    for (let i = 0; i < kk; i++) {
      let best = i;
      for (let j = i + 1; j < size; j++)
        if ((d[order[j] as number] as number) < (d[order[best] as number] as number)) best = j;
      const t = order[i] as number;
      order[i] = order[best] as number;
      order[best] = t;
      out[a * kk + i] = order[i] as number;
    }
  }
  return out;
}
