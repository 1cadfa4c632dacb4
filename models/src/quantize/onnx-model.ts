import onnxProto from 'onnx-proto';
import { ModelsError } from '../errors.ts';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export const DataType = onnx.TensorProto.DataType;

export function decodeModel(bytes: Uint8Array): ModelProto {
  try {
    const model = onnx.ModelProto.decode(bytes);
    if (!model.graph) throw new Error('no graph');
    return model;
  } catch (err) {
    throw new ModelsError('SL_MODEL_GRAPH_INVALID', `not an ONNX model: ${(err as Error).message}`);
  }
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

export const dimsOf = (t: TensorProto): number[] => (t.dims ?? []).map(Number);

/** Float values of a FLOAT initializer, whether stored as float_data or raw little-endian bytes. */
export function floatValues(t: TensorProto): Float32Array {
  if (t.dataType !== DataType.FLOAT) {
    throw new ModelsError('SL_MODEL_GRAPH_INVALID', `initializer "${t.name}" is not float32`);
  }
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const copy = new Uint8Array(raw); // aligned copy
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

/** A tensor initializer with raw little-endian data (what exporters write, and what ORT loads fastest). */
export function rawTensor(
  name: string,
  dataType: number,
  dims: number[],
  data: Float32Array | Int8Array | Uint8Array | Int32Array,
): TensorProto {
  return onnx.TensorProto.create({
    name,
    dataType,
    dims,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  });
}

/** Integer attribute value, or `fallback`. */
export function intAttr(node: NodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.i === undefined || a.i === null ? fallback : Number(a.i);
}

/** Static shape of a graph input or output (`-1` for a symbolic or unknown dimension). */
export function valueShape(v: onnxProto.onnx.IValueInfoProto): number[] {
  const dims = v.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0 ? Number(d.dimValue) : -1,
  );
}

export function valueElemType(v: onnxProto.onnx.IValueInfoProto): number | undefined {
  return v.type?.tensorType?.elemType ?? undefined;
}
