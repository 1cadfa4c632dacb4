import { floatValues, type ModelProto, type NodeProto } from './onnx-model.ts';

/** Ops whose inputs (and outputs) get QuantizeLinear/DequantizeLinear pairs, so ORT can fuse them to int8 kernels. */
export const COMPUTE_OPS = new Set([
  'Conv',
  'Gemm',
  'MatMul',
  'Add',
  'Mul',
  'GlobalAveragePool',
  'AveragePool',
  'MaxPool',
  'Sigmoid',
  'LeakyRelu',
  'Concat',
]);
/** Data-movement ops: quantized only when their input already is, so ORT drops the pair around them. */
export const MOVEMENT_OPS = new Set(['Reshape', 'Flatten', 'Transpose', 'Squeeze', 'Unsqueeze']);
/** Producers that a following ReLU / Clip(0, x) folds into: the uint8 range [0, max] does the clamping. */
const FOLD_INTO = new Set(['Conv', 'Gemm', 'MatMul', 'Add']);

/** Ops a classifier head ends with after its last Gemm/MatMul (or a patch head's 1-channel Conv). */
const HEAD_TAIL = new Set([
  'Sigmoid',
  'Softmax',
  'Identity',
  'Flatten',
  'Reshape',
  'GlobalMaxPool',
  'ReduceMax',
  'AveragePool',
  'MaxPool',
  'Max',
]);

/**
 * Nodes that are the model's head: a Gemm/MatMul, or a Conv with one output channel (a patch head: a logistic
 * regression at every location), whose output reaches a graph output through only Sigmoid/Softmax/reshapes/
 * max pooling. A fitted head's weights span a wide range (standardisation folded in) and cost next to nothing
 * in float, so they stay float, and so does the tail after them.
 */
export function headNodes(model: ModelProto): Set<NodeProto> {
  const graph = model.graph as NonNullable<ModelProto['graph']>;
  const outputs = new Set((graph.output ?? []).map((o) => o.name as string));
  const consumers = new Map<string, NodeProto[]>();
  for (const n of graph.node ?? [])
    for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const reachesOutput = (t: string): boolean =>
    outputs.has(t) ||
    ((consumers.get(t) ?? []).length > 0 &&
      (consumers.get(t) ?? []).every(
        (c) => HEAD_TAIL.has(c.opType ?? '') && reachesOutput(c.output?.[0] ?? ''),
      ));
  const dims = new Map((graph.initializer ?? []).map((t) => [t.name as string, (t.dims ?? []).map(Number)]));
  const isHeadOp = (n: NodeProto) =>
    n.opType === 'Gemm' ||
    n.opType === 'MatMul' ||
    (n.opType === 'Conv' && dims.get(n.input?.[1] ?? '')?.[0] === 1);
  const head = new Set((graph.node ?? []).filter((n) => isHeadOp(n) && reachesOutput(n.output?.[0] ?? '')));
  // What follows the head (max pooling, Sigmoid) stays float too: a uint8 logit would tie close scores.
  const tail = (t: string): void => {
    for (const c of consumers.get(t) ?? []) {
      if (!head.has(c)) {
        head.add(c);
        tail(c.output?.[0] ?? '');
      }
    }
  };
  for (const n of [...head]) tail(n.output?.[0] ?? '');
  return head;
}

export interface QuantPlan {
  /** Activation tensors (after folding) whose ranges calibration must collect. */
  tensors: string[];
  /** ReLU / Clip nodes folded away: their input tensor is renamed to their output. */
  folded: number;
  /** Outputs of quantized nodes left float because only head nodes (maybe via reshapes) read them. */
  floatOutputs: Set<string>;
}

/** Indices of a node's inputs that are quantized as activations (or uint8 constants). */
export function activationInputs(node: NodeProto): number[] {
  const n = node.input?.length ?? 0;
  switch (node.opType) {
    case 'Conv':
    case 'Gemm':
      return [0];
    case 'MatMul':
    case 'Add':
    case 'Mul':
      return [0, 1];
    case 'Concat':
      return Array.from({ length: n }, (_, i) => i);
    default:
      return [0];
  }
}

function isZeroMinClip(node: NodeProto, inits: Map<string, Float32Array>): boolean {
  if (node.opType === 'Relu') return true;
  if (node.opType !== 'Clip') return false;
  const minName = node.input?.[1];
  if (!minName) return false;
  return inits.get(minName)?.[0] === 0;
}

/**
 * Folds ReLU / Clip(0, ·) into a preceding Conv/Gemm/MatMul/Add (in place) and lists the tensors to calibrate.
 * Folding is what lets ORT emit QLinearConv directly with the activation built into the output range.
 */
export function planQuantization(
  model: ModelProto,
  ops: ReadonlySet<string> = COMPUTE_OPS,
  skip: ReadonlySet<NodeProto> = new Set(),
  head: ReadonlySet<NodeProto> = skip,
): QuantPlan {
  const graph = model.graph as NonNullable<ModelProto['graph']>;
  const inits = new Map<string, Float32Array>();
  for (const t of graph.initializer ?? []) if (t.dataType === 1 && t.name) inits.set(t.name, floatValues(t));
  const outputs = new Set((graph.output ?? []).map((o) => o.name as string));
  const producer = new Map<string, NodeProto>();
  const uses = new Map<string, number>();
  for (const node of graph.node ?? []) {
    for (const o of node.output ?? []) producer.set(o, node);
    for (const i of node.input ?? []) uses.set(i, (uses.get(i) ?? 0) + 1);
  }
  let folded = 0;
  const keep: NodeProto[] = [];
  for (const node of graph.node ?? []) {
    const x = node.input?.[0] ?? '';
    const y = node.output?.[0] ?? '';
    const p = producer.get(x);
    if (
      isZeroMinClip(node, inits) &&
      p &&
      FOLD_INTO.has(p.opType ?? '') &&
      ops.has(p.opType ?? '') &&
      !skip.has(p) &&
      uses.get(x) === 1 &&
      !outputs.has(x) &&
      !outputs.has(y)
    ) {
      p.output = (p.output ?? []).map((o) => (o === x ? y : o));
      producer.set(y, p);
      folded++;
      continue;
    }
    keep.push(node);
  }
  graph.node = keep;

  const consumers = new Map<string, NodeProto[]>();
  for (const n of keep) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const feedsOnlyFloat = (t: string): boolean => {
    const cs = consumers.get(t) ?? [];
    return (
      head.size > 0 &&
      cs.length > 0 &&
      cs.every(
        (c) => head.has(c) || (MOVEMENT_OPS.has(c.opType ?? '') && feedsOnlyFloat(c.output?.[0] ?? '')),
      )
    );
  };
  const floatOutputs = new Set<string>();
  const tensors = new Set<string>();
  const quantized = new Set<string>(); // tensors already planned, for movement ops
  for (const node of keep) {
    const op = node.opType ?? '';
    const ins = activationInputs(node).map((i) => node.input?.[i] ?? '');
    if (MOVEMENT_OPS.has(op) && !quantized.has(ins[0] ?? '')) continue;
    if ((!ops.has(op) && !MOVEMENT_OPS.has(op)) || skip.has(node)) continue;
    for (const t of ins) if (t && !inits.has(t)) tensors.add(t);
    for (const o of node.output?.slice(0, 1) ?? []) {
      if (feedsOnlyFloat(o)) {
        floatOutputs.add(o);
        continue;
      }
      if (!outputs.has(o)) tensors.add(o);
      quantized.add(o);
    }
  }
  return { tensors: [...tensors], folded, floatOutputs };
}
