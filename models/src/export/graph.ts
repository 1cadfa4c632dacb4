import onnxProto from 'onnx-proto';
import { ModelsError } from '../errors.ts';

const { onnx } = onnxProto;

/** ONNX opset and IR version we emit (ONNX 1.12 era; onnxruntime-web 1.30 runs both). */
export const OPSET = 17;
export const IR_VERSION = 8;

export type AttributeValue = number | number[] | string | { ints: number[] } | { floats: number[] };

export interface GraphNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttributeValue>;
}

export interface GraphBuilder {
  /** Declares a float32 graph input. */
  input(name: string, shape: number[]): string;
  /** Declares a float32 graph output. */
  output(name: string, shape: number[]): string;
  /** Adds a float32 constant tensor; returns its name. */
  initializer(name: string, data: Float32Array | number[], dims: number[]): string;
  /** Adds an int64 constant tensor (shapes, axes); returns its name. */
  initializerInt64(name: string, data: number[], dims: number[]): string;
  /** Adds a node; returns its first output name. */
  node(
    op: string,
    inputs: string[],
    outputs: string[] | string,
    attrs?: Record<string, AttributeValue>,
  ): string;
  /** Serialises the model to ONNX protobuf bytes. */
  toBytes(meta?: { producer?: string; docString?: string }): Uint8Array;
}

function valueInfo(name: string, shape: number[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: shape.map((d) => ({ dimValue: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (Array.isArray(value)) {
    return value.every(Number.isInteger)
      ? { name, type: T.INTS, ints: value }
      : { name, type: T.FLOATS, floats: value };
  }
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  return { name, type: T.FLOATS, floats: value.floats };
}

function checkDims(name: string, length: number, dims: number[]): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new ModelsError(
      'SL_MODEL_GRAPH_INVALID',
      `initializer "${name}": dims [${dims.join(', ')}] need ${expected} values, got ${length}`,
    );
  }
}

/**
 * A small ONNX graph builder: float32 inputs/outputs, constant initializers, nodes.
 * Node and tensor order is insertion order, so the same calls give the same bytes.
 */
export function createGraph(name: string): GraphBuilder {
  const inputs: ReturnType<typeof valueInfo>[] = [];
  const outputs: ReturnType<typeof valueInfo>[] = [];
  const initializers: Array<Record<string, unknown>> = [];
  const nodes: Array<Record<string, unknown>> = [];
  const names = new Set<string>();

  const claim = (n: string): string => {
    if (names.has(n)) throw new ModelsError('SL_MODEL_GRAPH_INVALID', `tensor name "${n}" is defined twice`);
    names.add(n);
    return n;
  };

  return {
    input(n, shape) {
      inputs.push(valueInfo(claim(n), shape));
      return n;
    },
    output(n, shape) {
      outputs.push(valueInfo(n, shape));
      return n;
    },
    initializer(n, data, dims) {
      checkDims(n, data.length, dims);
      const floatData = data instanceof Float32Array ? Array.from(data) : data;
      initializers.push({ name: claim(n), dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData });
      return n;
    },
    initializerInt64(n, data, dims) {
      checkDims(n, data.length, dims);
      initializers.push({ name: claim(n), dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: data });
      return n;
    },
    node(op, ins, outs, attrs = {}) {
      const outList = typeof outs === 'string' ? [outs] : outs;
      for (const o of outList) claim(o);
      nodes.push({
        opType: op,
        name: `${op}_${nodes.length}`,
        input: ins,
        output: outList,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      });
      return outList[0] ?? '';
    },
    toBytes(meta = {}) {
      const model = onnx.ModelProto.create({
        irVersion: IR_VERSION,
        producerName: meta.producer ?? '@sightline/models',
        docString: meta.docString ?? '',
        opsetImport: [{ domain: '', version: OPSET }],
        graph: { name, node: nodes, initializer: initializers, input: inputs, output: outputs },
      });
      const err = onnx.ModelProto.verify(model);
      if (err) throw new ModelsError('SL_MODEL_GRAPH_INVALID', `ONNX model "${name}" is malformed: ${err}`);
      return onnx.ModelProto.encode(model).finish();
    },
  };
}
