/** L2-regularised logistic regression by Newton's method (IRLS) on standardised features. */

export interface LogisticModel {
  /** Weights and bias on the raw (unstandardised) features: standardisation is folded in. */
  weights: Float64Array;
  bias: number;
  iterations: number;
}

export interface LogisticOptions {
  /** L2 penalty on the standardised weights (not the bias). */
  lambda?: number;
  maxIterations?: number;
}

/** Solves A·x = b (A symmetric positive definite, n×n row-major) by Gaussian elimination with pivoting. */
export function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs(m[r * n + col] ?? 0) > Math.abs(m[pivot * n + col] ?? 0)) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < n; c++) {
        const t = m[col * n + c] ?? 0;
        m[col * n + c] = m[pivot * n + c] ?? 0;
        m[pivot * n + c] = t;
      }
      const t = x[col] ?? 0;
      x[col] = x[pivot] ?? 0;
      x[pivot] = t;
    }
    const d = m[col * n + col] ?? 0;
    if (Math.abs(d) < 1e-300) throw new Error('logistic regression: singular Hessian');
    for (let r = col + 1; r < n; r++) {
      const f = (m[r * n + col] ?? 0) / d;
      if (f === 0) continue;
      for (let c = col; c < n; c++) m[r * n + c] = (m[r * n + c] ?? 0) - f * (m[col * n + c] ?? 0);
      x[r] = (x[r] ?? 0) - f * (x[col] ?? 0);
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r] ?? 0;
    for (let c = r + 1; c < n; c++) s -= (m[r * n + c] ?? 0) * (x[c] ?? 0);
    x[r] = s / (m[r * n + r] ?? 1);
  }
  return x;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Fits p(defect | x) = σ(w·x + b). `rows` are feature vectors, `labels` 1 = defect, 0 = ok. */
export function fitLogistic(
  rows: readonly ArrayLike<number>[],
  labels: readonly number[],
  opts: LogisticOptions = {},
) {
  const lambda = opts.lambda ?? 1;
  const maxIterations = opts.maxIterations ?? 50;
  const n = rows.length;
  const f = rows[0]?.length ?? 0;
  const mean = new Float64Array(f);
  const sd = new Float64Array(f);
  for (const r of rows) for (let j = 0; j < f; j++) mean[j] = (mean[j] ?? 0) + (r[j] ?? 0) / n;
  for (const r of rows)
    for (let j = 0; j < f; j++) sd[j] = (sd[j] ?? 0) + ((r[j] ?? 0) - (mean[j] ?? 0)) ** 2 / n;
  for (let j = 0; j < f; j++) sd[j] = Math.sqrt(sd[j] ?? 0) || 1;
  // Design matrix with a leading 1 for the bias.
  const d = f + 1;
  const z = rows.map((r) => {
    const v = new Float64Array(d);
    v[0] = 1;
    for (let j = 0; j < f; j++) v[j + 1] = ((r[j] ?? 0) - (mean[j] ?? 0)) / (sd[j] ?? 1);
    return v;
  });
  let beta = new Float64Array(d);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const h = new Float64Array(d * d);
    const g = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const x = z[i] as Float64Array;
      let s = 0;
      for (let j = 0; j < d; j++) s += (beta[j] ?? 0) * (x[j] ?? 0);
      const p = sigmoid(s);
      const w = Math.max(p * (1 - p), 1e-12);
      const err = p - (labels[i] ?? 0);
      for (let a = 0; a < d; a++) {
        g[a] = (g[a] ?? 0) + err * (x[a] ?? 0);
        const wa = w * (x[a] ?? 0);
        for (let b = a; b < d; b++) h[a * d + b] = (h[a * d + b] ?? 0) + wa * (x[b] ?? 0);
      }
    }
    for (let a = 1; a < d; a++) {
      g[a] = (g[a] ?? 0) + lambda * (beta[a] ?? 0);
      h[a * d + a] = (h[a * d + a] ?? 0) + lambda;
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) h[a * d + b] = h[b * d + a] ?? 0;
    const step = solve(h, g, d);
    beta = beta.map((v, j) => v - (step[j] ?? 0));
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  // Fold the standardisation in: w·(x − μ)/σ + b0 = (w/σ)·x + (b0 − Σ wμ/σ).
  const weights = new Float64Array(f);
  let bias = beta[0] ?? 0;
  for (let j = 0; j < f; j++) {
    weights[j] = (beta[j + 1] ?? 0) / (sd[j] ?? 1);
    bias -= (weights[j] ?? 0) * (mean[j] ?? 0);
  }
  return { weights, bias, iterations: iterations + 1 } satisfies LogisticModel;
}
