import { describe, expect, it } from 'vitest';
import { fitHead, type Head, headLogit } from './head.ts';
import { fitFoldHeadsFast, fitHeadsFast } from './head-ort.ts';
import { auroc, binaryMetrics, pickThreshold } from './metrics.ts';

describe('metrics', () => {
  it('counts the confusion matrix at a threshold (score ≥ threshold ⇒ defect)', () => {
    const m = binaryMetrics([0.9, 0.8, 0.4, 0.3, 0.5], [1, 0, 1, 0, 0], 0.5);
    expect(m).toMatchObject({ tp: 1, fp: 2, fn: 1, tn: 1 });
    expect(m.precision).toBeCloseTo(1 / 3);
    expect(m.recall).toBeCloseTo(0.5);
    expect(m.accuracy).toBeCloseTo(0.4);
  });

  it('computes AUROC with ties counted as one half', () => {
    expect(auroc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(auroc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
    // pairs (pos, neg): (0.5 vs 0.5) = ½, (0.5 vs 0.1) = 1, (0.7 vs both) = 2 → 3.5 / 4.
    expect(auroc([0.5, 0.7, 0.5, 0.1], [1, 1, 0, 0])).toBeCloseTo(0.875);
  });

  it('puts the threshold in the gap that separates the classes', () => {
    expect(pickThreshold([0.1, 0.2, 0.3, 0.7, 0.9], [0, 0, 0, 1, 1])).toBeCloseTo(0.5);
  });
});

describe('logistic head (fitHead)', () => {
  it('learns a separating direction, folds standardisation into raw-feature weights, weighs classes evenly', () => {
    // Defect iff feature 0 (scale 100) exceeds 500 (a quarter of the rows); feature 1 is noise.
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 200; i++) {
      const a = 300 + (i % 40) * 10;
      rows.push(Float32Array.of(a, (i * 7919) % 13));
      labels.push(a > 500 ? 1 : 0);
    }
    const head = fitHead(rows, labels, { lambda: 1e-3, steps: 500 });
    const p = (r: Float32Array) => 1 / (1 + Math.exp(-headLogit(head, r)));
    expect(p(Float32Array.of(650, 5))).toBeGreaterThan(0.99);
    expect(p(Float32Array.of(350, 5))).toBeLessThan(0.01);
    expect(Math.abs(head.weights[1] ?? 0)).toBeLessThan(Math.abs((head.weights[0] ?? 0) * 100));
    // Balanced classes: the boundary sits between the classes (≈ 505), not pushed into the rare one.
    expect(-(head.bias + (head.weights[1] ?? 0) * 6) / (head.weights[0] ?? 1)).toBeGreaterThan(490);
    expect(-(head.bias + (head.weights[1] ?? 0) * 6) / (head.weights[0] ?? 1)).toBeLessThan(520);
  });
});

describe('several L2 strengths in one onnxruntime fit (fitHeadsFast)', () => {
  it('gives each λ the head fitHead gives it alone; a stronger λ shrinks the weights', async () => {
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < 120; i++) {
      const a = (i % 12) - 6 + ((i * 37) % 5) * 0.3;
      rows.push(Float32Array.of(a, (i * 7919) % 13, a * 0.5 + ((i * 31) % 7)));
      labels.push(a > 0.5 ? 1 : 0);
    }
    const lambdas = [0.01, 0.1, 1];
    const heads = await fitHeadsFast(rows, labels, lambdas, { steps: 200 });
    expect(heads).toHaveLength(3);
    for (const [l, lambda] of lambdas.entries()) {
      const alone = fitHead(rows, labels, { lambda, steps: 200 });
      const h = heads[l] as (typeof heads)[number];
      // float32 gradients in onnxruntime against float64 JavaScript: the same fit up to rounding.
      for (const [j, w] of alone.weights.entries()) expect(h.weights[j]).toBeCloseTo(w, 2);
      expect(h.bias).toBeCloseTo(alone.bias, 2);
    }
    const norm = (h: (typeof heads)[number]) => Math.hypot(...h.weights);
    expect(norm(heads[2] as (typeof heads)[number])).toBeLessThan(norm(heads[0] as (typeof heads)[number]));
  });
});

describe('every fold and the final fit in one onnxruntime fit (fitFoldHeadsFast)', () => {
  it('gives each fold and λ the head fitHead gives it alone on that fold’s rows (its own standardisation)', async () => {
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    const rowFold: number[] = [];
    for (let i = 0; i < 150; i++) {
      const k = i % 3;
      // Each fold shifted and scaled differently, so a fold's own mean and sd differ from the global ones.
      const a = (i % 12) - 6 + ((i * 37) % 5) * 0.3;
      rows.push(Float32Array.of(a * (1 + k) + 10 * k, (i * 7919) % 13, a * 0.5 + ((i * 31) % 7)));
      labels.push(a > 0.5 ? 1 : 0);
      rowFold.push(k);
    }
    const lambdas = [0.01, 1];
    const r = await fitFoldHeadsFast(rows, labels, rowFold, 3, lambdas, { steps: 200 });
    expect(r.folds).toHaveLength(3);
    const check = (
      h: { weights: Float32Array; bias: number },
      take: (i: number) => boolean,
      lambda: number,
    ) => {
      const idx = rows.flatMap((_, i) => (take(i) ? [i] : []));
      const alone = fitHead(
        idx.map((i) => rows[i] as Float32Array),
        idx.map((i) => labels[i] as number),
        { lambda, steps: 200 },
      );
      for (const [j, w] of alone.weights.entries()) expect(h.weights[j]).toBeCloseTo(w, 2);
      expect(h.bias).toBeCloseTo(alone.bias, 2);
    };
    for (const [l, lambda] of lambdas.entries()) {
      for (let k = 0; k < 3; k++) check(r.folds[k]?.[l] as Head, (i) => rowFold[i] !== k, lambda);
      check(r.all[l] as Head, () => true, lambda);
    }
  });
});
