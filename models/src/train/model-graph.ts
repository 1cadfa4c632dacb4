import { createGraph } from '../export/graph.ts';
import type { ManifestInput } from '../manifest/schema.ts';
import { addFeatureGraph, FEATURE_NAMES, INPUT_SIZE } from './features.ts';

export const INPUT_NAME = 'image';
export const OUTPUT_NAME = 'score';
export const FEATURES_NAME = 'features';

/** The input contract of the default model: 128×128 gray, pixels scaled to [0, 1], no further normalisation. */
export const DEFAULT_INPUT: ManifestInput = {
  name: INPUT_NAME,
  shape: [1, 1, INPUT_SIZE, INPUT_SIZE],
  layout: 'NCHW',
  colour: 'gray',
  resize: 'stretch',
  mean: [0],
  std: [1],
};

/** The fixed feature sub-graph alone, output `features` [1, F]: used to compute training features. */
export function featureGraphBytes(): Uint8Array {
  const g = createGraph('sightline-default-features');
  g.input(INPUT_NAME, [...DEFAULT_INPUT.shape]);
  const f = addFeatureGraph(g, INPUT_NAME);
  g.output(f, [1, FEATURE_NAMES.length]);
  return g.toBytes();
}

/** The whole model: features → Gemm(learned weights, bias) → Sigmoid → `score` [1, 1]. */
export function modelGraphBytes(weights: ArrayLike<number>, bias: number): Uint8Array {
  if (weights.length !== FEATURE_NAMES.length) {
    throw new RangeError(`expected ${FEATURE_NAMES.length} weights, got ${weights.length}`);
  }
  const g = createGraph('sightline-default');
  g.input(INPUT_NAME, [...DEFAULT_INPUT.shape]);
  const f = addFeatureGraph(g, INPUT_NAME);
  g.initializer('head_w', Float32Array.from(weights), [weights.length, 1]);
  g.initializer('head_b', [bias], [1]);
  const logit = g.node('Gemm', [f, 'head_w', 'head_b'], 'logit');
  g.node('Sigmoid', [logit], OUTPUT_NAME);
  g.output(OUTPUT_NAME, [1, 1]);
  return g.toBytes({
    docString: `Sightline default defect model: fixed filter bank + learned logistic head. Features: ${FEATURE_NAMES.join(', ')}`,
  });
}
