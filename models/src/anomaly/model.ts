import type { KerasModel } from '../backbone/keras.ts';
import { addKerasLayers } from '../backbone/to-onnx.ts';
import { createGraph } from '../export/graph.ts';
import { INPUT_NAME, SCORE_NAME } from '../train/classifier-graph.ts';
import { type AnomalyFeatureSpec, addAnomalyFeatures } from './features.ts';
import { addKnnScore, type MemoryBank } from './knn-graph.ts';

export const FEATURE_MAP = 'features';
/** Per-location nearest-neighbour distance, [1, 1, H/stride, W/stride]: where the part looks unlike any good one. */
export const ANOMALY_MAP = 'anomaly_map';

/**
 * Backbone → locally aware features; without a bank that map is the output (`features`), with one the graph
 * ends in the nearest-neighbour score (`score`, raw distance units) and the distance map (`anomaly_map`).
 */
export function anomalyGraphBytes(
  backbone: KerasModel,
  spec: AnomalyFeatureSpec,
  size: { height: number; width: number },
  bank?: MemoryBank,
  docString?: string,
): Uint8Array {
  const g = createGraph(bank ? 'sightline-anomaly' : 'sightline-anomaly-features');
  g.input(INPUT_NAME, [1, 3, size.height, size.width]);
  const tensors = addKerasLayers(g, backbone, { input: INPUT_NAME, until: spec.taps });
  const f = addAnomalyFeatures(g, backbone, tensors, spec, size);
  const gh = size.height / spec.stride;
  const gw = size.width / spec.stride;
  if (!bank) {
    g.node('Identity', [f], FEATURE_MAP);
    g.output(FEATURE_MAP, [1, spec.dim, gh, gw]);
    return g.toBytes();
  }
  addKnnScore(g, f, bank, { gh, gw }, { score: SCORE_NAME, map: ANOMALY_MAP }, { window: spec.window });
  g.output(SCORE_NAME, [1, 1]);
  g.output(ANOMALY_MAP, [1, 1, gh, gw]);
  return g.toBytes({ docString });
}
