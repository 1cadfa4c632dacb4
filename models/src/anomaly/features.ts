import type { KerasModel } from '../backbone/keras.ts';
import type { GraphBuilder } from '../export/graph.ts';
import { createRng } from '../synthetic/rng.ts';
import { tapChannels } from '../train/classifier-graph.ts';

/**
 * Locally aware patch features (PatchCore, Roth et al. 2022, §3.1): mid-level backbone maps, each averaged
 * over its 3×3 neighbourhood (a patch sees its surroundings, not one receptive-field centre), brought to the
 * finest tapped resolution (bilinear), concatenated and reduced to `dim` channels by one fixed linear map.
 */
export interface AnomalyFeatureSpec {
  /** Backbone layers, e.g. `block_6_expand_relu` (1/8) and `block_13_expand_relu` (1/16). */
  taps: readonly string[];
  /** Stride of the output map relative to the input (the finest tap's). */
  stride: number;
  /** Channels after the reduction. */
  dim: number;
  /**
   * `average`: each tap is averaged over consecutive channel groups to `dim` values and the taps are averaged
   * (PatchCore's adaptive average pooling, every layer weighted equally); `random`: a seeded Gaussian projection.
   */
  reduce: 'average' | 'random';
  seed: number;
  /** The image score's window of locations (w×w mean distance, highest window); 1 = the single highest. */
  window?: number;
}

/** Rows = output channels, columns = input channels: torch's adaptive_avg_pool1d as a matrix. */
function adaptiveAverage(out: number, inp: number): Float32Array {
  const m = new Float32Array(out * inp);
  for (let i = 0; i < out; i++) {
    const a = Math.floor((i * inp) / out);
    const b = Math.ceil(((i + 1) * inp) / out);
    for (let j = a; j < b; j++) m[i * inp + j] = 1 / (b - a);
  }
  return m;
}

/** The [dim, ΣC] reduction applied to the concatenated taps. */
export function reductionMatrix(model: KerasModel, spec: AnomalyFeatureSpec): Float32Array {
  const cs = spec.taps.map((t) => tapChannels(model, t));
  const total = cs.reduce((a, b) => a + b, 0);
  const w = new Float32Array(spec.dim * total);
  if (spec.reduce === 'random') {
    const rng = createRng(spec.seed);
    for (let i = 0; i < w.length; i += 2) {
      // Box–Muller: two standard normals per pair of uniforms.
      const r = Math.sqrt(-2 * Math.log(1 - rng()));
      const t = 2 * Math.PI * rng();
      w[i] = (r * Math.cos(t)) / Math.sqrt(spec.dim);
      if (i + 1 < w.length) w[i + 1] = (r * Math.sin(t)) / Math.sqrt(spec.dim);
    }
    return w;
  }
  let offset = 0;
  for (const c of cs) {
    const a = adaptiveAverage(spec.dim, c);
    for (let i = 0; i < spec.dim; i++)
      for (let j = 0; j < c; j++) w[i * total + offset + j] = (a[i * c + j] as number) / cs.length;
    offset += c;
  }
  return w;
}

/**
 * Adds the feature map to a graph that already holds the backbone (`tensors` from addKerasLayers); returns
 * the [1, dim, H/stride, W/stride] tensor name.
 */
export function addAnomalyFeatures(
  g: GraphBuilder,
  model: KerasModel,
  tensors: Map<string, string>,
  spec: AnomalyFeatureSpec,
  size: { height: number; width: number },
  prefix = 'anomaly',
): string {
  const gh = size.height / spec.stride;
  const gw = size.width / spec.stride;
  const parts = spec.taps.map((t, i) => {
    const c = tapChannels(model, t);
    const pooled = g.node('AveragePool', [tensors.get(t) as string], `${prefix}/pool${i}`, {
      kernel_shape: [3, 3],
      strides: [1, 1],
      pads: [1, 1, 1, 1],
      count_include_pad: 0,
    });
    // Sizes must carry the channel count: [1, C, gh, gw].
    const s = g.initializerInt64(`${prefix}/sizes${i}`, [1, c, gh, gw], [4]);
    return g.node('Resize', [pooled, '', '', s], `${prefix}/up${i}`, {
      mode: 'linear',
      coordinate_transformation_mode: 'half_pixel',
    });
  });
  const joined =
    parts.length === 1 ? (parts[0] as string) : g.node('Concat', parts, `${prefix}/concat`, { axis: 1 });
  const total = spec.taps.reduce((s, t) => s + tapChannels(model, t), 0);
  const w = g.initializer(`${prefix}/reduce`, reductionMatrix(model, spec), [spec.dim, total, 1, 1]);
  return g.node('Conv', [joined, w], `${prefix}/features`);
}
