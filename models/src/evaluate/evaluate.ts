import { type LoadedModel, loadModel } from '../manifest/load.ts';
import { preprocessFrame } from '../preprocess/preprocess.ts';
import { percentile, type Runtime } from '../quantize/latency.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { auroc, binaryMetrics } from '../train/metrics.ts';
import { createModelRunner } from './runner.ts';
import { decodeScore, outputNames } from './score.ts';

export interface EvaluationResult {
  model: { id: string; version: string; sha256: string };
  runtime: Runtime;
  n: number;
  positives: number;
  /** NaN when the set holds only one class. */
  auroc: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  /** The manifest threshold the figures are computed at (score ≥ threshold ⇒ defect). */
  threshold: number;
  /** Median wall time of one `session.run`, ms. */
  latency_ms: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  /** ROC curve from (0, 0) to (1, 1), one point per distinct score. */
  roc: { fpr: number; tpr: number; threshold: number }[];
  scores: number[];
  labels: (0 | 1)[];
}

export interface EvaluateOptions {
  /** A model directory (manifest.json + ONNX), or an already loaded model. */
  modelDir: string | LoadedModel;
  images: ReadonlyArray<{ frame: ImageFrame; label: 0 | 1 }>;
  runtime?: Runtime;
  threads?: number;
  /** Override the manifest threshold. */
  threshold?: number;
  onProgress?: (done: number, total: number) => void;
}

/** ROC points sweeping the threshold from above the top score down through every distinct score. */
export function rocCurve(scores: readonly number[], labels: readonly number[]): EvaluationResult['roc'] {
  const order = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => b[0] - a[0]);
  const pos = order.filter((o) => o[1] === 1).length;
  const neg = order.length - pos;
  const points = [{ fpr: 0, tpr: 0, threshold: Number.POSITIVE_INFINITY }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length; ) {
    const s = (order[i] as readonly [number, number])[0];
    for (; i < order.length && order[i]?.[0] === s; i++)
      (order[i] as readonly [number, number])[1] === 1 ? tp++ : fp++;
    points.push({ fpr: neg ? fp / neg : 0, tpr: pos ? tp / pos : 0, threshold: s });
  }
  return points;
}

/** Scores labelled frames with the model (preprocessFrame + manifest decoding) and computes the figures. */
export async function evaluateModel(opts: EvaluateOptions): Promise<EvaluationResult> {
  const model = typeof opts.modelDir === 'string' ? await loadModel(opts.modelDir) : opts.modelDir;
  const { manifest } = model;
  const runtime = opts.runtime ?? 'node';
  const names = outputNames(manifest.output);
  const runner = await createModelRunner(model, {
    runtime,
    outputs: names,
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
  const scores: number[] = [];
  const times: number[] = [];
  try {
    const first = opts.images[0];
    if (first) for (let w = 0; w < 2; w++) await runner.run(preprocessFrame(first.frame, manifest.input)); // warm-up
    for (const [i, img] of opts.images.entries()) {
      const { outputs, ms } = await runner.run(preprocessFrame(img.frame, manifest.input));
      scores.push(decodeScore(manifest.output, outputs[manifest.output.name] as Float32Array));
      times.push(ms);
      opts.onProgress?.(i + 1, opts.images.length);
    }
  } finally {
    await runner.release();
  }
  const labels = opts.images.map((i) => i.label);
  const threshold = opts.threshold ?? manifest.threshold;
  const m = binaryMetrics(scores, labels, threshold);
  return {
    model: { id: manifest.id, version: manifest.version, sha256: manifest.sha256 },
    runtime,
    n: scores.length,
    positives: labels.filter((l) => l === 1).length,
    auroc: auroc(scores, labels),
    accuracy: m.accuracy,
    precision: m.precision,
    recall: m.recall,
    f1: m.tp === 0 ? 0 : (2 * m.tp) / (2 * m.tp + m.fp + m.fn),
    threshold,
    latency_ms: percentile(
      times.sort((a, b) => a - b),
      50,
    ),
    confusion: { tp: m.tp, fp: m.fp, tn: m.tn, fn: m.fn },
    roc: rocCurve(scores, labels),
    scores,
    labels,
  };
}
