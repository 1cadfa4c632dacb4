import type { ConvParams } from '../backbone/to-onnx.ts';
import { createRng, shuffle } from '../synthetic/rng.ts';
import type { Head } from '../train/head.ts';

/**
 * Fine-tuning the last tapped block of the patch head: block 6's 1×1 expansion (32 → 192 channels, BatchNorm
 * folded, ReLU6) is trained jointly with the per-cell logistic head, by back-propagation through that converted
 * layer, on the same class-balanced cells. A cell's logit is
 *   w_f · frozen + w_t · clip(W·x + c, 0, 6) + b
 * with `frozen` the untouched cell features (context channels, blocks 4 and 5) and x the block's input (block_5_add). W starts at the
 * pretrained weights and is held near them (L2-SP: λ‖W − W₀‖²), the head starts at the frozen fit.
 */
export const FINETUNE_LAYER = 'block_6_expand';
/** The tensor feeding it, sampled at the same cells as the patch features. */
export const FINETUNE_INPUT = 'block_5_add';

export interface FinetuneParams {
  conv: ConvParams;
  /** Head over [frozen…, tuned…] on raw features (standardisation folded in), as the patch head. */
  head: Head;
}

export interface FinetuneOptions {
  epochs?: number;
  batch?: number;
  learningRate?: number;
  /** L2 on the standardised head weights, per weighted sample (the patch head's λ). */
  lambda?: number;
  /** L2-SP pull of W towards the pretrained weights. */
  lambdaSp?: number;
  seed: number;
  onStep?: () => void;
}

/** Steps `fitFinetuned` takes for n rows (progress totals). */
export const finetuneSteps = (n: number, o: Pick<FinetuneOptions, 'epochs' | 'batch'> = {}) =>
  (o.epochs ?? 6) * Math.ceil(n / (o.batch ?? 256));

/**
 * `frozen[i]`: the cell's features of the taps that stay (length F), `x[i]`: its block input (ci), `labels`
 * 1 = defect; `init`: the pretrained conv and the frozen patch head over [frozen, pretrained tuned taps].
 */
export function fitFinetuned(
  frozen: readonly Float32Array[],
  x: readonly Float32Array[],
  labels: readonly number[],
  init: FinetuneParams,
  opts: FinetuneOptions,
): FinetuneParams {
  const n = frozen.length;
  const F = frozen[0]?.length ?? 0;
  const ci = x[0]?.length ?? 0;
  const co = init.conv.bias.length;
  const W = Float32Array.from(init.conv.weight);
  const c = Float32Array.from(init.conv.bias);
  const W0 = init.conv.weight;
  const w = Float64Array.from(init.head.weights);
  let b = init.head.bias;
  const pos = labels.filter((l) => l === 1).length;
  const sw = (l: number) => (l === 1 ? 0.5 / Math.max(pos, 1) : 0.5 / Math.max(n - pos, 1));
  // Adam state over [W, c, w, b]; gradients are sums over the batch of per-sample weighted terms scaled by n/batch.
  const P = co * ci + co + F + co + 1;
  const m = new Float64Array(P);
  const v = new Float64Array(P);
  const g = new Float64Array(P);
  const lr = opts.learningRate ?? 1e-3;
  const lambda = opts.lambda ?? 0.01;
  const lambdaSp = opts.lambdaSp ?? 1e-2;
  const batch = opts.batch ?? 256;
  const rng = createRng(opts.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const h = new Float64Array(co);
  let t = 0;
  // Feature scales for the head's L2 (the head was fitted on standardised features: penalise w·sd).
  const sd2 = new Float64Array(F + co).fill(1);
  for (let j = 0; j < F; j++) {
    let s = 0;
    let s2 = 0;
    for (const r of frozen) {
      s += r[j] as number;
      s2 += (r[j] as number) ** 2;
    }
    sd2[j] = Math.max(1e-6, s2 / n - (s / n) ** 2);
  }
  for (let epoch = 0; epoch < (opts.epochs ?? 6); epoch++) {
    shuffle(rng, order);
    for (let s0 = 0; s0 < n; s0 += batch) {
      g.fill(0);
      const end = Math.min(n, s0 + batch);
      const scale = n / (end - s0);
      for (let q = s0; q < end; q++) {
        const i = order[q] as number;
        const fr = frozen[i] as Float32Array;
        const xi = x[i] as Float32Array;
        let z = b;
        for (let j = 0; j < F; j++) z += (w[j] as number) * (fr[j] as number);
        for (let o = 0; o < co; o++) {
          let a = c[o] as number;
          for (let k = 0; k < ci; k++) a += (W[o * ci + k] as number) * (xi[k] as number);
          h[o] = a;
          z += (w[F + o] as number) * Math.min(6, Math.max(0, a));
        }
        const err = (1 / (1 + Math.exp(-z)) - (labels[i] as number)) * sw(labels[i] as number) * scale;
        const gw0 = co * ci + co;
        for (let j = 0; j < F; j++) g[gw0 + j] = (g[gw0 + j] as number) + err * (fr[j] as number);
        for (let o = 0; o < co; o++) {
          const a = h[o] as number;
          const act = Math.min(6, Math.max(0, a));
          g[gw0 + F + o] = (g[gw0 + F + o] as number) + err * act;
          if (a <= 0 || a >= 6) continue; // ReLU6 passes no gradient outside (0, 6)
          const d = err * (w[F + o] as number);
          g[co * ci + o] = (g[co * ci + o] as number) + d;
          for (let k = 0; k < ci; k++) g[o * ci + k] = (g[o * ci + k] as number) + d * (xi[k] as number);
        }
        g[P - 1] = (g[P - 1] as number) + err;
      }
      for (let k = 0; k < co * ci; k++)
        g[k] = (g[k] as number) + lambdaSp * ((W[k] as number) - (W0[k] as number));
      for (let j = 0; j < F + co; j++) {
        const at = co * ci + co + j;
        g[at] = (g[at] as number) + lambda * (w[j] as number) * (sd2[j] as number);
      }
      t++;
      const [b1, b2] = [0.9, 0.999];
      for (let k = 0; k < P; k++) {
        const gk = g[k] as number;
        m[k] = b1 * (m[k] as number) + (1 - b1) * gk;
        v[k] = b2 * (v[k] as number) + (1 - b2) * gk * gk;
        const step =
          (lr * ((m[k] as number) / (1 - b1 ** t))) / (Math.sqrt((v[k] as number) / (1 - b2 ** t)) + 1e-8);
        if (k < co * ci) W[k] = (W[k] as number) - step;
        else if (k < co * ci + co) c[k - co * ci] = (c[k - co * ci] as number) - step;
        else if (k < P - 1) w[k - co * ci - co] = (w[k - co * ci - co] as number) - step;
        else b -= step;
      }
      opts.onStep?.();
    }
  }
  return { conv: { weight: W, bias: c }, head: { weights: Float32Array.from(w), bias: b } };
}
