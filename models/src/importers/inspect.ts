import type onnxProto from 'onnx-proto';
import { decodeModel, valueElemType, valueShape } from '../quantize/onnx-model.ts';

export interface TensorInfo {
  name: string;
  /** −1 for a symbolic or unknown dimension. */
  shape: number[];
  /** ONNX TensorProto data type (1 = float32). */
  elemType: number | undefined;
}

export interface OnnxInfo {
  opset: number;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** `metadata_props` of the model (Ultralytics keeps `names`, `imgsz`, `task` here). */
  metadata: Record<string, string>;
  /** Op type of the node producing each graph output. */
  producers: Record<string, string>;
}

/** Graph inputs (initializers left out), outputs, their shapes and the model's metadata. */
export function inspectOnnx(bytes: Uint8Array): OnnxInfo {
  const model = decodeModel(bytes);
  const graph = model.graph as NonNullable<typeof model.graph>;
  const inits = new Set((graph.initializer ?? []).map((t) => t.name));
  const info = (v: onnxProto.onnx.IValueInfoProto): TensorInfo => ({
    name: v.name ?? '',
    shape: valueShape(v),
    elemType: valueElemType(v),
  });
  const producers: Record<string, string> = {};
  for (const n of graph.node ?? []) for (const o of n.output ?? []) producers[o] = n.opType ?? '';
  return {
    opset: Number((model.opsetImport ?? []).find((o) => !o.domain)?.version ?? 0),
    inputs: (graph.input ?? []).filter((v) => !inits.has(v.name)).map(info),
    outputs: (graph.output ?? []).map(info),
    metadata: Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? ''])),
    producers,
  };
}

/**
 * Class names from Ultralytics' `names` metadata, a Python dict literal such as `{0: 'person', 1: 'bus'}`.
 */
export function parseUltralyticsNames(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  const names: string[] = [];
  for (const m of text.matchAll(/(\d+)\s*:\s*(['"])(.*?)\2/g)) names[Number(m[1])] = m[3] as string;
  return names.length > 0 && names.every((n) => n !== undefined) ? names : undefined;
}
