import * as ort from 'onnxruntime-node';
import { encodeModel, type ModelProto, onnx } from './onnx-model.ts';

export type CalibrationMethod = 'minmax' | 'percentile';

export interface TensorRange {
  min: number;
  max: number;
}

export interface CalibrateOptions {
  model: ModelProto;
  /** Float activation tensors whose ranges are wanted. */
  tensors: readonly string[];
  inputName: string;
  dims: readonly number[];
  calibration: readonly Float32Array[];
  /** `minmax` (default) or `percentile`: clip each tail at `percentile` % of the values (two passes). */
  method?: CalibrationMethod;
  percentile?: number;
  onProgress?: (done: number, total: number) => void;
}

const BINS = 2048;

/**
 * Runs the fp32 model in onnxruntime-node with the wanted intermediate tensors added as graph outputs and
 * returns each one's range over all calibration inputs. Tensors ORT returns as non-float are left out.
 */
export async function calibrateRanges(opts: CalibrateOptions): Promise<Map<string, TensorRange>> {
  const model = onnx.ModelProto.decode(encodeModel(opts.model)); // deep copy
  const graph = model.graph as NonNullable<ModelProto['graph']>;
  const existing = new Set((graph.output ?? []).map((o) => o.name));
  // An output without type info: ORT takes the producing node's inferred type.
  const fetched = opts.tensors.filter((t) => t !== opts.inputName);
  graph.output ??= [];
  for (const name of fetched)
    if (!existing.has(name)) graph.output.push(onnx.ValueInfoProto.create({ name }));
  const session = await ort.InferenceSession.create(encodeModel(model), {
    graphOptimizationLevel: 'disabled', // keep every intermediate tensor
    logSeverityLevel: 3,
  });
  const method = opts.method ?? 'minmax';
  const passes = method === 'percentile' ? 2 : 1;
  const total = opts.calibration.length * passes;
  const ranges = new Map<string, TensorRange>();
  const hist = new Map<string, Float64Array>();
  let done = 0;
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const input of opts.calibration) {
        const feeds = { [opts.inputName]: new ort.Tensor('float32', input, [...opts.dims]) };
        const out = await session.run(feeds, fetched);
        for (const name of opts.tensors) {
          const t = name === opts.inputName ? feeds[name] : out[name];
          if (t?.type !== 'float32') continue;
          const data = t.data as Float32Array;
          if (pass === 0) updateRange(ranges, name, data);
          else updateHistogram(hist, ranges.get(name) as TensorRange, name, data);
        }
        for (const t of Object.values(out)) t.dispose();
        opts.onProgress?.(++done, total);
      }
    }
  } finally {
    await session.release();
  }
  if (method === 'percentile') {
    const p = opts.percentile ?? 99.99;
    for (const [name, h] of hist) ranges.set(name, clipRange(ranges.get(name) as TensorRange, h, p));
  }
  return ranges;
}

function updateRange(ranges: Map<string, TensorRange>, name: string, data: Float32Array): void {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const r = ranges.get(name);
  ranges.set(name, r ? { min: Math.min(r.min, lo), max: Math.max(r.max, hi) } : { min: lo, max: hi });
}

function updateHistogram(
  hist: Map<string, Float64Array>,
  r: TensorRange,
  name: string,
  data: Float32Array,
): void {
  let h = hist.get(name);
  if (!h) {
    h = new Float64Array(BINS);
    hist.set(name, h);
  }
  const width = r.max - r.min || 1;
  for (let i = 0; i < data.length; i++) {
    const b = Math.min(BINS - 1, Math.floor((((data[i] as number) - r.min) / width) * BINS));
    h[b] = (h[b] as number) + 1;
  }
}

/** Shrinks [min, max] to the values between the (100 − p) % and p % quantiles of the histogram. */
function clipRange(r: TensorRange, h: Float64Array, p: number): TensorRange {
  const total = h.reduce((a, b) => a + b, 0);
  const tail = (total * (100 - p)) / 100;
  const width = (r.max - r.min) / BINS;
  let lo = 0;
  for (let acc = 0; lo < BINS - 1 && acc + (h[lo] as number) <= tail; lo++) acc += h[lo] as number;
  let hi = BINS - 1;
  for (let acc = 0; hi > 0 && acc + (h[hi] as number) <= tail; hi--) acc += h[hi] as number;
  // A one-sided tensor (e.g. after ReLU) keeps its exact lower bound.
  return {
    min: lo === 0 ? r.min : r.min + lo * width,
    max: hi === BINS - 1 ? r.max : r.min + (hi + 1) * width,
  };
}
