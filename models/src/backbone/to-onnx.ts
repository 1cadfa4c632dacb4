import { ModelsError } from '../errors.ts';
import type { GraphBuilder } from '../export/graph.ts';
import { type KerasLayer, type KerasModel, weightOf } from './keras.ts';

/**
 * Converts a Keras MobileNet-style functional model into ONNX nodes on an existing graph (NCHW):
 * Conv2D / DepthwiseConv2D with the following BatchNormalization folded into weights + bias,
 * ZeroPadding2D folded into the next convolution's `pads`, ReLU(max 6) as Clip, Add as Add.
 * Stops once every layer in `until` is converted; returns the ONNX tensor name of each converted layer.
 */
export function addKerasLayers(
  g: GraphBuilder,
  model: KerasModel,
  opts: {
    input: string;
    until: readonly string[];
    prefix?: string;
    /** Convolutions (by Keras layer name) whose folded weight and bias replace the pretrained ones (fine-tuning). */
    overrides?: ReadonlyMap<string, ConvParams>;
  },
): Map<string, string> {
  const prefix = opts.prefix ?? 'bb';
  const tensor = new Map<string, string>();
  const pads = new Map<string, number[]>(); // ZeroPadding2D layer → ONNX pads [t, l, b, r] for its consumer
  const folded = new Set<string>();
  const consumers = new Map<string, KerasLayer[]>();
  for (const l of model.layers) for (const i of l.inputs) consumers.set(i, [...(consumers.get(i) ?? []), l]);
  const remaining = new Set(opts.until);
  for (const u of remaining) {
    if (!model.layers.some((l) => l.name === u)) {
      throw new ModelsError('SL_BACKBONE_INVALID', `backbone has no layer "${u}"`);
    }
  }
  const clipMin = g.initializer(`${prefix}/clip_min`, [0], []);
  const clipMax = g.initializer(`${prefix}/clip_max`, [6], []);
  const src = (l: KerasLayer, k = 0): string => {
    const name = l.inputs[k] ?? '';
    const t = tensor.get(name);
    if (t === undefined)
      throw new ModelsError('SL_BACKBONE_INVALID', `layer ${l.name}: input ${name} not converted`);
    return t;
  };

  for (const layer of model.layers) {
    if (remaining.size === 0) break;
    const out = `${prefix}/${layer.name}`;
    const c = layer.config;
    switch (layer.className) {
      case 'InputLayer':
        tensor.set(layer.name, opts.input);
        break;
      case 'ZeroPadding2D': {
        const p = c.padding as [[number, number], [number, number]];
        pads.set(layer.name, [p[0][0], p[1][0], p[0][1], p[1][1]]);
        tensor.set(layer.name, src(layer));
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const [kh, kw] = c.kernel_size as [number, number];
        const strides = c.strides as [number, number];
        const from = layer.inputs[0] ?? '';
        let p = pads.get(from) ?? [0, 0, 0, 0];
        if (c.padding === 'same') {
          if (strides[0] !== 1 || strides[1] !== 1) {
            throw new ModelsError(
              'SL_BACKBONE_INVALID',
              `layer ${layer.name}: "same" padding with stride > 1`,
            );
          }
          p = [(kh - 1) >> 1, (kw - 1) >> 1, kh - 1 - ((kh - 1) >> 1), kw - 1 - ((kw - 1) >> 1)];
        }
        const bn = (consumers.get(layer.name) ?? []).find((l) => l.className === 'BatchNormalization');
        const params = convWeights(model, layer, bn);
        const { dims, group } = params;
        const { weight, bias } = opts.overrides?.get(layer.name) ?? params;
        if (bn) folded.add(bn.name);
        const w = g.initializer(`${out}/W`, weight, dims);
        const b = g.initializer(`${out}/B`, bias, [dims[0] as number]);
        g.node('Conv', [src(layer), w, b], out, {
          kernel_shape: [kh, kw],
          strides,
          pads: p,
          group,
          dilations: (c.dilation_rate as number[] | undefined) ?? [1, 1],
        });
        tensor.set(layer.name, out);
        if (bn) {
          tensor.set(bn.name, out);
          remaining.delete(bn.name);
        }
        break;
      }
      case 'BatchNormalization':
        if (!folded.has(layer.name)) {
          throw new ModelsError(
            'SL_BACKBONE_INVALID',
            `layer ${layer.name}: BatchNormalization not after a conv`,
          );
        }
        break;
      case 'ReLU': {
        const max = c.max_value as number | null | undefined;
        if (max === 6) g.node('Clip', [src(layer), clipMin, clipMax], out);
        else if (max === null || max === undefined) g.node('Relu', [src(layer)], out);
        else throw new ModelsError('SL_BACKBONE_INVALID', `layer ${layer.name}: ReLU max ${max} unsupported`);
        tensor.set(layer.name, out);
        break;
      }
      case 'Add':
        g.node('Add', [src(layer, 0), src(layer, 1)], out);
        tensor.set(layer.name, out);
        break;
      default:
        throw new ModelsError(
          'SL_BACKBONE_INVALID',
          `layer ${layer.name}: ${layer.className} is not supported`,
        );
    }
    remaining.delete(layer.name);
  }
  return tensor;
}

/** A convolution's ONNX weight [out, in/group, kh, kw] and bias [out], BatchNormalization folded in. */
export interface ConvParams {
  weight: Float32Array;
  bias: Float32Array;
}

/** The folded ONNX parameters of a Keras convolution layer (and the BatchNormalization after it). */
export function foldedConv(model: KerasModel, name: string): ConvParams & { dims: number[] } {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new ModelsError('SL_BACKBONE_INVALID', `backbone has no layer "${name}"`);
  const bn = model.layers.find((l) => l.className === 'BatchNormalization' && l.inputs[0] === name);
  return convWeights(model, layer, bn);
}

/** Keras kernel → ONNX layout, with a following BatchNormalization folded in per output channel. */
function convWeights(model: KerasModel, layer: KerasLayer, bn: KerasLayer | undefined) {
  const depthwise = layer.className === 'DepthwiseConv2D';
  const k = weightOf(model, layer.name, depthwise ? 'depthwise_kernel' : 'kernel');
  const shape = model.weights.get(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`)?.shape ?? [];
  const [kh = 1, kw = 1, cin = 1, last = 1] = shape;
  const cout = depthwise ? cin * last : last;
  const weight = new Float32Array(cout * (depthwise ? 1 : cin) * kh * kw);
  // Keras Conv2D [kh, kw, in, out] → ONNX [out, in, kh, kw]; DepthwiseConv2D [kh, kw, in, m] → [in·m, 1, kh, kw].
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < last; o++) {
          const v = k[((y * kw + x) * cin + i) * last + o] as number;
          if (depthwise) weight[((i * last + o) * kh + y) * kw + x] = v;
          else weight[((o * cin + i) * kh + y) * kw + x] = v;
        }
  const bias = new Float32Array(cout);
  if (layer.config.use_bias) bias.set(weightOf(model, layer.name, 'bias'));
  if (bn) {
    const eps = (bn.config.epsilon as number | undefined) ?? 1e-3;
    const gamma = bn.config.scale === false ? null : weightOf(model, bn.name, 'gamma');
    const beta = bn.config.center === false ? null : weightOf(model, bn.name, 'beta');
    const mean = weightOf(model, bn.name, 'moving_mean');
    const variance = weightOf(model, bn.name, 'moving_variance');
    const per = weight.length / cout;
    for (let o = 0; o < cout; o++) {
      const s = (gamma?.[o] ?? 1) / Math.sqrt((variance[o] as number) + eps);
      for (let j = 0; j < per; j++) weight[o * per + j] = (weight[o * per + j] as number) * s;
      bias[o] = ((bias[o] as number) - (mean[o] as number)) * s + (beta?.[o] ?? 0);
    }
  }
  return { weight, bias, dims: [cout, depthwise ? 1 : cin, kh, kw], group: depthwise ? cin : 1 };
}
