import type { TensorRange } from './calibrate.ts';
import {
  DataType,
  dimsOf,
  floatValues,
  intAttr,
  type ModelProto,
  type NodeProto,
  onnx,
  rawTensor,
  type TensorProto,
} from './onnx-model.ts';
import {
  type ActivationParams,
  quantizeBias,
  quantizeUint8,
  quantizeWeights,
  uint8Params,
} from './params.ts';
import { activationInputs, COMPUTE_OPS, MOVEMENT_OPS } from './plan.ts';

export interface RewriteOptions {
  ranges: Map<string, TensorRange>;
  /** Per-channel weight scales (default true); MatMul weights are always per-tensor. */
  perChannel: boolean;
  /** Weight scaling (see quantizeWeights); depthwise Conv always uses `full`: ORT's depthwise kernel sums in int32. */
  weightRange: 'full' | 'pair-safe';
  /** Op types to quantize (default COMPUTE_OPS). */
  ops?: ReadonlySet<string>;
  /** Nodes left float (see headNodes). */
  skip?: ReadonlySet<NodeProto>;
  /** Outputs of quantized nodes that stay float (QuantPlan.floatOutputs). */
  floatOutputs?: ReadonlySet<string>;
}

export interface RewriteStats {
  quantizedNodes: Record<string, number>;
  quantizedTensors: number;
  quantizedWeights: number;
}

const node = (op: string, input: string[], output: string[], axis?: number): NodeProto =>
  onnx.NodeProto.create({
    opType: op,
    name: `${op}_${output[0]}`,
    input,
    output,
    attribute:
      axis === undefined ? [] : [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }],
  });

/**
 * Inserts QuantizeLinear → DequantizeLinear pairs (QDQ format) in place: uint8 activations, symmetric int8
 * weights (per channel for Conv and Gemm), int32 biases. The graph stays float at its edges; onnxruntime
 * fuses each DQ → op → Q group into QLinearConv, QLinearAdd, QGemm, … when it optimises the session.
 */
export function insertQdq(model: ModelProto, opts: RewriteOptions): RewriteStats {
  const graph = model.graph as NonNullable<ModelProto['graph']>;
  const inits = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) inits.set(t.name as string, t);
  const outputs = new Set((graph.output ?? []).map((o) => o.name as string));
  const newInits: TensorProto[] = [];
  const act = new Map<string, ActivationParams>(); // quantized activation → params
  const dq = new Map<string, string>(); // original tensor → its dequantized name
  const pending = new Map<string, NodeProto[]>(); // producer output → Q/DQ nodes to emit after it
  const stats: RewriteStats = { quantizedNodes: {}, quantizedTensors: 0, quantizedWeights: 0 };

  const atTop = (n: NodeProto) => {
    const list = pending.get('') ?? [];
    list.push(n);
    pending.set('', list);
  };
  const scalar = (name: string, type: number, v: number) => {
    const data =
      type === DataType.FLOAT
        ? Float32Array.of(v)
        : type === DataType.UINT8
          ? Uint8Array.of(v)
          : Int8Array.of(v);
    newInits.push(rawTensor(name, type, [], data));
    return name;
  };
  const quantizeActivation = (t: string): string | undefined => {
    const done = dq.get(t);
    if (done) return done;
    const r = opts.ranges.get(t);
    if (!r) return undefined;
    const p = uint8Params(r);
    act.set(t, p);
    const s = scalar(`${t}_scale`, DataType.FLOAT, p.scale);
    const z = scalar(`${t}_zero_point`, DataType.UINT8, p.zeroPoint);
    const pair = [
      node('QuantizeLinear', [t, s, z], [`${t}_quantized`]),
      node('DequantizeLinear', [`${t}_quantized`, s, z], [`${t}_dequantized`]),
    ];
    const list = pending.get(t) ?? [];
    list.push(...pair);
    pending.set(t, list);
    dq.set(t, `${t}_dequantized`);
    stats.quantizedTensors++;
    return `${t}_dequantized`;
  };
  const quantizeConstant = (t: string): string => {
    const done = dq.get(t);
    if (done) return done;
    const values = floatValues(inits.get(t) as TensorProto);
    const p = uint8Params({ min: Math.min(...values), max: Math.max(...values) });
    newInits.push(
      rawTensor(
        `${t}_quantized`,
        DataType.UINT8,
        dimsOf(inits.get(t) as TensorProto),
        quantizeUint8(values, p),
      ),
    );
    const s = scalar(`${t}_scale`, DataType.FLOAT, p.scale);
    const z = scalar(`${t}_zero_point`, DataType.UINT8, p.zeroPoint);
    atTop(node('DequantizeLinear', [`${t}_quantized`, s, z], [`${t}_dequantized`]));
    dq.set(t, `${t}_dequantized`);
    return `${t}_dequantized`;
  };
  const weightCache = new Map<string, { name: string; scales: Float32Array }>();
  const quantizeWeight = (
    t: string,
    axis: number | undefined,
    range: 'full' | 'pair-safe',
  ): { name: string; scales: Float32Array } => {
    const cached = weightCache.get(t);
    if (cached) return cached;
    const w = inits.get(t) as TensorProto;
    const dims = dimsOf(w);
    const q = quantizeWeights(floatValues(w), dims, axis, range);
    const name = `${t}_quantized`;
    newInits.push(rawTensor(name, DataType.INT8, dims, q.data));
    const perAxis = axis !== undefined;
    newInits.push(rawTensor(`${t}_scale`, DataType.FLOAT, perAxis ? [q.scales.length] : [], q.scales));
    newInits.push(
      rawTensor(
        `${t}_zero_point`,
        DataType.INT8,
        perAxis ? [q.scales.length] : [],
        new Int8Array(q.scales.length),
      ),
    );
    atTop(node('DequantizeLinear', [name, `${t}_scale`, `${t}_zero_point`], [`${t}_dequantized`], axis));
    stats.quantizedWeights++;
    const result = { name: `${t}_dequantized`, scales: q.scales };
    weightCache.set(t, result);
    dq.set(t, result.name);
    return result;
  };
  const quantizeBiasInput = (t: string, inputScale: number, weightScales: Float32Array): string => {
    if (dq.has(t)) return dq.get(t) as string; // shared bias: same input scale assumed
    dq.set(t, `${t}_dequantized`);
    const b = quantizeBias(floatValues(inits.get(t) as TensorProto), inputScale, weightScales);
    const n = b.data.length;
    newInits.push(rawTensor(`${t}_quantized`, DataType.INT32, [n], b.data));
    newInits.push(rawTensor(`${t}_scale`, DataType.FLOAT, [n], b.scales));
    newInits.push(rawTensor(`${t}_zero_point`, DataType.INT32, [n], new Int32Array(n)));
    atTop(
      node('DequantizeLinear', [`${t}_quantized`, `${t}_scale`, `${t}_zero_point`], [`${t}_dequantized`], 0),
    );
    return `${t}_dequantized`;
  };

  // Graph inputs first: their pairs go at the top.
  for (const input of graph.input ?? []) {
    if (!inits.has(input.name as string) && opts.ranges.has(input.name as string))
      quantizeActivation(input.name as string);
  }
  for (const n of graph.node ?? []) {
    const op = n.opType ?? '';
    if ((!(opts.ops ?? COMPUTE_OPS).has(op) && !MOVEMENT_OPS.has(op)) || opts.skip?.has(n)) continue;
    const idx = activationInputs(n);
    const ins = n.input ?? [];
    if (MOVEMENT_OPS.has(op) && !dq.has(ins[0] ?? '')) continue;
    const weighted = op === 'Conv' || op === 'Gemm' || (op === 'MatMul' && inits.has(ins[1] ?? ''));
    const actIdx = weighted ? [0] : idx;
    const ready = actIdx.every(
      (i) => inits.has(ins[i] ?? '') || opts.ranges.has(ins[i] ?? '') || dq.has(ins[i] ?? ''),
    );
    if (!ready || (weighted && !inits.has(ins[1] ?? ''))) continue;
    if (op === 'Gemm' && (intAttr(n, 'transA', 0) !== 0 || hasNonUnitAlphaBeta(n))) continue;
    const newInputs = [...ins];
    for (const i of actIdx) {
      const t = ins[i] ?? '';
      newInputs[i] = inits.has(t) ? quantizeConstant(t) : (quantizeActivation(t) as string);
    }
    if (weighted) {
      const axis =
        !opts.perChannel || op === 'MatMul'
          ? undefined
          : op === 'Gemm' && intAttr(n, 'transB', 0) === 0
            ? 1
            : 0;
      const depthwise =
        op === 'Conv' &&
        intAttr(n, 'group', 1) > 1 &&
        dimsOf(inits.get(ins[1] as string) as TensorProto)[1] === 1;
      const w = quantizeWeight(ins[1] as string, axis, depthwise ? 'full' : opts.weightRange);
      newInputs[1] = w.name;
      const bias = ins[2];
      const xParams = act.get(ins[0] ?? '');
      if (bias && inits.has(bias) && xParams && dimsOf(inits.get(bias) as TensorProto).length === 1) {
        newInputs[2] = quantizeBiasInput(bias, xParams.scale, w.scales);
      }
    }
    n.input = newInputs;
    const out = n.output?.[0] ?? '';
    if (!outputs.has(out) && !opts.floatOutputs?.has(out)) quantizeActivation(out);
    stats.quantizedNodes[op] = (stats.quantizedNodes[op] ?? 0) + 1;
  }

  // Rewire every consumer of a quantized activation to its dequantized copy (graph outputs stay float).
  const qdqNodes = new Set([...pending.values()].flat());
  for (const n of graph.node ?? []) {
    n.input = (n.input ?? []).map((i) => (act.has(i) ? (dq.get(i) as string) : i));
  }
  const ordered: NodeProto[] = [...(pending.get('') ?? [])];
  for (const input of graph.input ?? []) ordered.push(...(pending.get(input.name as string) ?? []));
  for (const n of graph.node ?? []) {
    if (qdqNodes.has(n)) continue;
    ordered.push(n);
    for (const o of n.output ?? []) ordered.push(...(pending.get(o) ?? []));
  }
  graph.node = ordered;
  const replaced = new Set(
    [...inits.keys()].filter((k) => dq.has(k) || newInits.some((t) => t.name === `${k}_quantized`)),
  );
  const stillUsed = new Set(ordered.flatMap((n) => n.input ?? []));
  graph.initializer = [
    ...(graph.initializer ?? []).filter(
      (t) => !replaced.has(t.name as string) || stillUsed.has(t.name as string),
    ),
    ...newInits,
  ];
  return stats;
}

function hasNonUnitAlphaBeta(n: NodeProto): boolean {
  return (n.attribute ?? []).some((a) => (a.name === 'alpha' || a.name === 'beta') && a.f !== 1);
}
