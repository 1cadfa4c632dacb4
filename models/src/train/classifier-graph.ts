import type { KerasModel } from '../backbone/keras.ts';
import { addKerasLayers } from '../backbone/to-onnx.ts';
import { ModelsError } from '../errors.ts';
import { createGraph } from '../export/graph.ts';

export const INPUT_NAME = 'image';
export const FEATURES_NAME = 'features';
export const SCORE_NAME = 'score';

/** Where features are tapped and how they are pooled over the image. */
export interface FeatureSpec {
  /** Input height and width (multiples of 32 keep MobileNetV2's stride-2 padding as trained). */
  height: number;
  width: number;
  /** Backbone layers whose activations are pooled, e.g. `block_6_expand_relu`. */
  taps: readonly string[];
  /**
   * `max`: global max pooling (small defects light few locations), `avg`, or both concatenated, then one head;
   * `patch`: the head runs at every location of the concatenated taps and the image takes the highest
   * (`patch.ts`; its graph comes from `patchGraphBytes`).
   */
  pooling: 'max' | 'avg' | 'max+avg' | 'patch';
  /** `patch` only: context channels from a finer (1/4) and a coarser (1/16) layer (`patch-map.ts`). */
  context?: { finer: string; coarser: string };
}

/** Channels of a tapped layer (the output channels of the conv that produces it). */
export function tapChannels(model: KerasModel, tap: string): number {
  let name = tap;
  for (;;) {
    const layer = model.layers.find((l) => l.name === name);
    if (!layer) return 0;
    if (layer.className === 'Conv2D') return (layer.config.filters as number) ?? 0;
    if (layer.className === 'DepthwiseConv2D') {
      return (
        (model.weights.get(`${name}/depthwise_kernel`)?.shape[2] ?? 0) *
        ((layer.config.depth_multiplier as number) ?? 1)
      );
    }
    name = layer.inputs[0] ?? '';
  }
}

export function featureCount(model: KerasModel, spec: FeatureSpec): number {
  const per = spec.pooling === 'max+avg' ? 2 : 1;
  return spec.taps.reduce((s, t) => s + per * tapChannels(model, t), 0);
}

/**
 * ONNX graph: image [1,3,H,W] → backbone → pooled taps → `features` [1, F]; with `head` also Gemm → Sigmoid →
 * `score` [1, 1]. One builder for both, so the features the head was fitted on are the ones it runs on.
 */
export function classifierGraphBytes(
  model: KerasModel,
  spec: FeatureSpec,
  head?: { weights: Float32Array; bias: number; docString?: string },
): Uint8Array {
  if (spec.pooling === 'patch') {
    throw new ModelsError(
      'SL_MODELS_INVALID_OPTION',
      'classifierGraphBytes: a patch head is built by patchGraphBytes',
    );
  }
  const g = createGraph(head ? 'sightline-classifier' : 'sightline-features');
  g.input(INPUT_NAME, [1, 3, spec.height, spec.width]);
  const tensors = addKerasLayers(g, model, { input: INPUT_NAME, until: spec.taps });
  const pooled: string[] = [];
  for (const tap of spec.taps) {
    const t = tensors.get(tap) as string;
    if (spec.pooling !== 'avg') pooled.push(g.node('GlobalMaxPool', [t], `${tap}/gmp`));
    if (spec.pooling !== 'max') pooled.push(g.node('GlobalAveragePool', [t], `${tap}/gap`));
  }
  const joined =
    pooled.length === 1 ? (pooled[0] as string) : g.node('Concat', pooled, 'pooled', { axis: 1 });
  const f = featureCount(model, spec);
  const flat = g.node('Flatten', [joined], head ? 'flat' : FEATURES_NAME, { axis: 1 });
  if (!head) {
    g.output(FEATURES_NAME, [1, f]);
    return g.toBytes();
  }
  const w = g.initializer('head/W', head.weights, [f, 1]);
  const b = g.initializer('head/B', [head.bias], [1]);
  const logit = g.node('Gemm', [flat, w, b], 'logit');
  g.node('Sigmoid', [logit], SCORE_NAME);
  g.output(SCORE_NAME, [1, 1]);
  return g.toBytes({ docString: head.docString });
}
