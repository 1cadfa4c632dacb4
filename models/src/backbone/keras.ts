import { ModelsError } from '../errors.ts';

/** One Keras layer of a tfjs "layers model" (model.json `modelTopology.model_config.config.layers[]`). */
export interface KerasLayer {
  className: string;
  name: string;
  /** Names of the layers feeding this one (first inbound node). */
  inputs: string[];
  config: Record<string, unknown>;
}

/** A Keras functional model with its weights dequantised to float32, keyed by `layer/param` name. */
export interface KerasModel {
  layers: KerasLayer[];
  weights: Map<string, { shape: number[]; data: Float32Array }>;
  /** Input size the network was trained at, e.g. 224. */
  inputSize: number;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { min?: number; scale?: number; dtype: string };
}

interface ModelJson {
  modelTopology: {
    model_config: {
      config: {
        layers: Array<{
          class_name: string;
          config: Record<string, unknown>;
          inbound_nodes: Array<Array<[string, number, number, unknown]>>;
        }>;
      };
    };
  };
  weightsManifest: Array<{ paths: string[]; weights: WeightSpec[] }>;
}

const invalid = (message: string) => new ModelsError('SL_BACKBONE_INVALID', message);

/**
 * Parses a tfjs layers model.json and its concatenated weight shards (the bytes of every `paths` entry in
 * order). Supports float32 weights and uint8/uint16 affine quantisation (`q·scale + min`), as tfjs does.
 */
export function parseKerasModel(json: unknown, shards: Uint8Array): KerasModel {
  const model = json as ModelJson;
  const rawLayers = model?.modelTopology?.model_config?.config?.layers;
  if (!Array.isArray(rawLayers) || !Array.isArray(model.weightsManifest)) {
    throw invalid('model.json is not a tfjs Keras functional model (no model_config.config.layers)');
  }
  const layers: KerasLayer[] = rawLayers.map((l) => ({
    className: l.class_name,
    name: String(l.config.name),
    inputs: (l.inbound_nodes[0] ?? []).map((n) => n[0]),
    config: l.config,
  }));
  const first = rawLayers[0]?.config.batch_input_shape as number[] | undefined;
  const weights = new Map<string, { shape: number[]; data: Float32Array }>();
  const view = new DataView(shards.buffer, shards.byteOffset, shards.byteLength);
  let offset = 0;
  for (const spec of model.weightsManifest.flatMap((g) => g.weights)) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const q = spec.quantization;
    const bytesPer = q ? (q.dtype === 'uint8' ? 1 : q.dtype === 'uint16' ? 2 : 0) : 4;
    if (bytesPer === 0 || (!q && spec.dtype !== 'float32')) {
      throw invalid(`weight ${spec.name}: unsupported dtype ${q?.dtype ?? spec.dtype}`);
    }
    if (offset + n * bytesPer > shards.byteLength) {
      throw invalid(
        `weight ${spec.name}: shards end at byte ${shards.byteLength}, need ${offset + n * bytesPer}`,
      );
    }
    const scale = q?.scale ?? 1;
    const min = q?.min ?? 0;
    for (let i = 0; i < n; i++) {
      const at = offset + i * bytesPer;
      data[i] =
        bytesPer === 4
          ? view.getFloat32(at, true)
          : (bytesPer === 1 ? view.getUint8(at) : view.getUint16(at, true)) * scale + min;
    }
    offset += n * bytesPer;
    weights.set(spec.name, { shape: spec.shape, data });
  }
  return { layers, weights, inputSize: first?.[1] ?? 224 };
}

/** The named weight of a layer (`layer/param`), or a clear error. */
export function weightOf(model: KerasModel, layer: string, param: string): Float32Array {
  const w = model.weights.get(`${layer}/${param}`);
  if (!w) throw invalid(`layer ${layer} has no weight "${param}"`);
  return w.data;
}
