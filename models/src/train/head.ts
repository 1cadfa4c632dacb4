/**
 * The classifier head: class-weighted, L2-regularised logistic regression on standardised features, fitted by
 * full-batch Adam (deterministic; cost n·F per step, so hundreds of backbone features stay cheap where a
 * Newton step would cost F² per sample).
 */

export interface HeadOptions {
  /** L2 penalty on the standardised weights, per (weighted) sample. */
  lambda?: number;
  steps?: number;
  learningRate?: number;
  /** Called after each optimiser step (progress). */
  onStep?: (step: number, steps: number) => void;
}

export interface Head {
  /** Weights and bias on raw features (standardisation folded in): logit = w·x + b. */
  weights: Float32Array;
  bias: number;
}

/** Per-feature mean and standard deviation of `rows`, and each row standardised, row-major in one block. */
export function standardise(rows: readonly Float32Array[]) {
  const n = rows.length;
  const f = rows[0]?.length ?? 0;
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  for (const r of rows) for (let j = 0; j < f; j++) mean[j] = (mean[j] as number) + (r[j] as number) / n;
  for (const r of rows)
    for (let j = 0; j < f; j++) sd[j] = (sd[j] as number) + ((r[j] as number) - (mean[j] as number)) ** 2 / n;
  // A feature constant up to float32 noise (e.g. a max-pooled channel saturated at 6 in every image) would be
  // divided by ~1e-7 and blow the folded weights up: it keeps scale 1 and so learns next to nothing.
  for (let j = 0; j < f; j++) {
    const d = Math.sqrt(sd[j] as number);
    sd[j] = d > 1e-6 * (1 + Math.abs(mean[j] as number)) ? d : 1;
  }
  const z = new Float64Array(n * f);
  rows.forEach((r, i) => {
    for (let j = 0; j < f; j++) z[i * f + j] = ((r[j] as number) - (mean[j] as number)) / (sd[j] as number);
  });
  return { n, f, mean, sd, z };
}

/** Each class gets half the total weight, so a rare defect class counts as much as ok. */
export function classWeights(labels: readonly number[]): number[] {
  const pos = labels.filter((l) => l === 1).length;
  const n = labels.length;
  return labels.map((l) => (l === 1 ? 0.5 / Math.max(pos, 1) : 0.5 / Math.max(n - pos, 1)));
}

/** Adam (β 0.9, 0.999) over parameters `w` with state m, v, gradient g, at step t (1-based). */
export function adamStep(
  w: Float64Array,
  m: Float64Array,
  v: Float64Array,
  g: Float64Array,
  t: number,
  lr: number,
) {
  const b1 = 0.9;
  const b2 = 0.999;
  for (let j = 0; j < w.length; j++) {
    const gj = g[j] as number;
    m[j] = b1 * (m[j] as number) + (1 - b1) * gj;
    v[j] = b2 * (v[j] as number) + (1 - b2) * gj * gj;
    const mh = (m[j] as number) / (1 - b1 ** t);
    const vh = (v[j] as number) / (1 - b2 ** t);
    w[j] = (w[j] as number) - (lr * mh) / (Math.sqrt(vh) + 1e-8);
  }
}

/** Weights on standardised features (bias last) → a head on raw features. */
export function unstandardise(w: Float64Array, mean: Float64Array, sd: Float64Array): Head {
  const f = mean.length;
  const weights = new Float32Array(f);
  let bias = w[f] as number;
  for (let j = 0; j < f; j++) {
    const wj = (w[j] as number) / (sd[j] as number);
    weights[j] = wj;
    bias -= wj * (mean[j] as number);
  }
  return { weights, bias };
}

/** `labels` 1 = defect, class-balanced (`classWeights`). */
export function fitHead(
  rows: readonly Float32Array[],
  labels: readonly number[],
  opts: HeadOptions = {},
): Head {
  const lambda = opts.lambda ?? 1e-2;
  const steps = opts.steps ?? 300;
  const lr = opts.learningRate ?? 0.05;
  const sampleWeight = classWeights(labels);
  const { n, f, mean, sd, z } = standardise(rows);
  // Parameters: w[0..f) and bias at w[f]. Adam state m, v.
  const w = new Float64Array(f + 1);
  const m = new Float64Array(f + 1);
  const v = new Float64Array(f + 1);
  const g = new Float64Array(f + 1);
  for (let t = 1; t <= steps; t++) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * f;
      let s = w[f] as number;
      for (let j = 0; j < f; j++) s += (w[j] as number) * (z[o + j] as number);
      const err = (1 / (1 + Math.exp(-s)) - (labels[i] as number)) * (sampleWeight[i] as number);
      for (let j = 0; j < f; j++) g[j] = (g[j] as number) + err * (z[o + j] as number);
      g[f] = (g[f] as number) + err;
    }
    for (let j = 0; j < f; j++) g[j] = (g[j] as number) + lambda * (w[j] as number);
    adamStep(w, m, v, g, t, lr);
    opts.onStep?.(t, steps);
  }
  return unstandardise(w, mean, sd);
}

/** The head's logit w·x + b for one feature vector (the ONNX graph's Gemm; its Sigmoid is monotone). */
export function headLogit(head: Head, x: Float32Array): number {
  let s = head.bias;
  for (let j = 0; j < head.weights.length; j++) s += (head.weights[j] as number) * (x[j] as number);
  return s;
}
