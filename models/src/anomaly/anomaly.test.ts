import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../export/graph.ts';
import { writeTileSet } from '../images/tile-set.ts';
import { loadModel } from '../manifest/load.ts';
import { createRng } from '../synthetic/rng.ts';
import { auroc } from '../train/metrics.ts';
import { trainFromFolder } from '../train/train-folder.ts';
import { greedyCoreset } from './coreset.ts';
import { addKnnScore, bankNeighbours } from './knn-graph.ts';

describe('nearest-neighbour score graph', () => {
  it('computes each location’s nearest-bank distance and PatchCore’s reweighted image score', async () => {
    const [dim, gh, gw, size] = [4, 2, 3, 6];
    const rng = createRng(9);
    const rows = Float32Array.from({ length: size * dim }, () => rng() * 4);
    const bank = { dim, size, rows, k: 3, neighbours: bankNeighbours(rows, dim, 3) };
    const g = createGraph('knn-test');
    g.input('f', [1, dim, gh, gw]);
    addKnnScore(g, 'f', bank, { gh, gw }, { score: 's', map: 'm' });
    g.output('s', [1, 1]);
    g.output('m', [1, 1, gh, gw]);
    const f = Float32Array.from({ length: dim * gh * gw }, () => rng() * 4);
    const session = await ort.InferenceSession.create(g.toBytes());
    const out = await session.run({ f: new ort.Tensor('float32', f, [1, dim, gh, gw]) });
    await session.release();
    // Brute force in float64.
    const n = gh * gw;
    const dist = (i: number, m: number) => {
      let s = 0;
      for (let k = 0; k < dim; k++) s += ((f[k * n + i] as number) - (rows[m * dim + k] as number)) ** 2;
      return Math.sqrt(s);
    };
    const nearest = Array.from({ length: n }, (_, i) =>
      Math.min(...Array.from({ length: size }, (_, m) => dist(i, m))),
    );
    const map = (out.m as ort.Tensor).data as Float32Array;
    for (let i = 0; i < n; i++) expect(map[i]).toBeCloseTo(nearest[i] as number, 4);
    const at = nearest.indexOf(Math.max(...nearest));
    const top = nearest[at] as number;
    const matched = Array.from({ length: size }, (_, m) => dist(at, m)).indexOf(top);
    const nb = Array.from(bank.neighbours.subarray(matched * 3, matched * 3 + 3));
    expect(nb[0]).toBe(matched);
    const weight = 1 - 1 / nb.reduce((s, m) => s + Math.exp(dist(at, m) - top), 0);
    expect((out.s as ort.Tensor).data[0]).toBeCloseTo(weight * top, 4);
    expect(weight).toBeGreaterThan(0);
    expect(weight).toBeLessThan(1);
    // A 2×2 window: the same weight times the highest mean distance of a 2×2 window of locations.
    const g2 = createGraph('knn-window-test');
    g2.input('f', [1, dim, gh, gw]);
    addKnnScore(g2, 'f', bank, { gh, gw }, { score: 's', map: 'm' }, { window: 2 });
    g2.output('s', [1, 1]);
    const s2 = await ort.InferenceSession.create(g2.toBytes());
    const out2 = await s2.run({ f: new ort.Tensor('float32', f, [1, dim, gh, gw]) });
    await s2.release();
    const windows = [0, 1].map(
      (x) =>
        ((nearest[x] as number) +
          (nearest[x + 1] as number) +
          (nearest[x + gw] as number) +
          (nearest[x + gw + 1] as number)) /
        4,
    );
    expect((out2.s as ort.Tensor).data[0]).toBeCloseTo(weight * Math.max(...windows), 4);
    expect(Math.max(...windows)).toBeLessThan(top);
  });

  it('greedy coreset covers every cluster before repeating one', () => {
    // Three tight clusters of 50 points in 8-D: the first three picks land in three different clusters.
    const rng = createRng(3);
    const centres = [0, 10, 20];
    const rows = new Float32Array(150 * 8);
    for (let i = 0; i < 150; i++)
      for (let k = 0; k < 8; k++) rows[i * 8 + k] = (centres[i % 3] as number) + rng() * 0.1;
    const pick = greedyCoreset(rows, 8, 3, { seed: 1, projectTo: 8 });
    expect(new Set(Array.from(pick, (i) => i % 3)).size).toBe(3);
  });
});

describe('good-only anomaly mode', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-anomaly-'));
    // Train on good tiles only (a line without defect images yet); val has defects of all five kinds.
    await writeTileSet({
      dir,
      seed: 21,
      count: 70,
      defectRate: 0.35,
      width: [96, 160],
      height: [96, 160],
      materials: 1,
      valShare: 0.4,
      goodOnlyTrain: true,
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('trains a memory-bank model from good images alone; its graph flags defective tiles', async () => {
    const out = join(dir, 'out');
    const logs: string[] = [];
    const r = await trainFromFolder({
      data: dir,
      out,
      folds: 3,
      seed: 1,
      int8: false,
      width: 96,
      augmentations: 0,
      head: 'anomaly',
      log: (l) => logs.push(l),
    });
    const { manifest } = await loadModel(out);
    expect(manifest.task).toBe('anomaly');
    expect(manifest.output).toMatchObject({ decode: 'anomaly-score', map: 'anomaly_map' });
    expect(manifest.input.resize).toBe('letterbox');
    expect(r.chosen.name).toBe('anomaly');
    expect(manifest.evaluation.positives).toBeGreaterThan(4);
    expect(auroc(r.finalVal, r.valLabels)).toBeGreaterThan(0.8);
    expect(manifest.threshold).toBe(0.5);
  });
});
