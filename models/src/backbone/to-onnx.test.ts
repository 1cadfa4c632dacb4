import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGraph } from '../export/graph.ts';
import { createRng } from '../synthetic/rng.ts';
import { type KerasLayer, type KerasModel, weightOf } from './keras.ts';
import { loadMobileNetV2 } from './mobilenet.ts';
import { addKerasLayers } from './to-onnx.ts';

/** NHWC tensor of the straightforward Keras semantics, for an independent reference. */
interface Nhwc {
  h: number;
  w: number;
  c: number;
  d: Float64Array;
}

/** Keras layers computed literally (no BN folding, explicit padding), float64. */
function reference(model: KerasModel, x: Nhwc, until: string): Nhwc {
  const out = new Map<string, Nhwc>();
  const get = (l: KerasLayer, k = 0) => out.get(l.inputs[k] ?? '') as Nhwc;
  for (const l of model.layers) {
    const c = l.config;
    let y: Nhwc;
    if (l.className === 'InputLayer') y = x;
    else if (l.className === 'ZeroPadding2D') {
      const [[t, b], [le, r]] = c.padding as number[][] as [[number, number], [number, number]];
      const s = get(l);
      y = {
        h: s.h + t + b,
        w: s.w + le + r,
        c: s.c,
        d: new Float64Array((s.h + t + b) * (s.w + le + r) * s.c),
      };
      for (let i = 0; i < s.h; i++)
        for (let j = 0; j < s.w; j++)
          for (let k = 0; k < s.c; k++)
            y.d[((i + t) * y.w + j + le) * s.c + k] = s.d[(i * s.w + j) * s.c + k] as number;
    } else if (l.className === 'Conv2D' || l.className === 'DepthwiseConv2D') {
      const dw = l.className === 'DepthwiseConv2D';
      const s = get(l);
      const shape = model.weights.get(`${l.name}/${dw ? 'depthwise_kernel' : 'kernel'}`)?.shape as number[];
      const [kh = 1, kw = 1, cin = 1, co = 1] = shape;
      const kern = weightOf(model, l.name, dw ? 'depthwise_kernel' : 'kernel');
      const [sy, sx] = c.strides as [number, number];
      const same = c.padding === 'same';
      const pt = same ? (kh - 1) >> 1 : 0;
      const pl = same ? (kw - 1) >> 1 : 0;
      const oh = same ? Math.ceil(s.h / sy) : Math.floor((s.h - kh) / sy) + 1;
      const ow = same ? Math.ceil(s.w / sx) : Math.floor((s.w - kw) / sx) + 1;
      const oc = dw ? cin * co : co;
      y = { h: oh, w: ow, c: oc, d: new Float64Array(oh * ow * oc) };
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++)
          for (let u = 0; u < kh; u++)
            for (let v = 0; v < kw; v++) {
              const yi = i * sy + u - pt;
              const xj = j * sx + v - pl;
              if (yi < 0 || xj < 0 || yi >= s.h || xj >= s.w) continue;
              for (let a = 0; a < cin; a++) {
                const xv = s.d[(yi * s.w + xj) * s.c + a] as number;
                for (let m = 0; m < co; m++) {
                  const o = dw ? a * co + m : m;
                  const at = (i * ow + j) * oc + o;
                  y.d[at] = (y.d[at] as number) + xv * (kern[((u * kw + v) * cin + a) * co + m] as number);
                }
              }
            }
    } else if (l.className === 'BatchNormalization') {
      const s = get(l);
      const [g, b, m, v] = ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((p) =>
        weightOf(model, l.name, p),
      );
      const eps = c.epsilon as number;
      y = {
        ...s,
        d: s.d.map((val, i) => {
          const k = i % s.c;
          return (
            ((val - (m?.[k] as number)) / Math.sqrt((v?.[k] as number) + eps)) * (g?.[k] as number) +
            (b?.[k] as number)
          );
        }),
      };
    } else if (l.className === 'ReLU') {
      const s = get(l);
      y = { ...s, d: s.d.map((v) => Math.min(6, Math.max(0, v))) };
    } else if (l.className === 'Add') {
      const [a, b] = [get(l, 0), get(l, 1)];
      y = { ...a, d: a.d.map((v, i) => v + (b.d[i] as number)) };
    } else throw new Error(`reference: ${l.className}`);
    out.set(l.name, y);
    if (l.name === until) return y;
  }
  throw new Error(`no layer ${until}`);
}

describe('MobileNetV2 from the nsfwjs package files → ONNX', () => {
  let model: KerasModel;
  beforeAll(async () => {
    model = await loadMobileNetV2();
  });

  it('reads 266 dequantised weight tensors of the Keras MobileNetV2 (α 1.0, 224²)', () => {
    expect(model.inputSize).toBe(224);
    expect(model.weights.size).toBe(266);
    expect(model.weights.get('Conv1/kernel')?.shape).toEqual([3, 3, 3, 32]);
    const gamma = weightOf(model, 'bn_Conv1', 'gamma');
    expect(gamma.every(Number.isFinite)).toBe(true);
    expect(new Set(gamma).size).toBeGreaterThan(8); // real values, not a constant fill
  });

  it('matches a literal Keras computation (BN unfolded, explicit padding) to block_3_expand_relu on 32×32', async () => {
    const H = 32;
    const W = 32;
    const until = 'block_3_expand_relu'; // pad + stride-2 convs, depthwise, BN, ReLU6, residual Add
    const rng = createRng(3);
    const x: Nhwc = { h: H, w: W, c: 3, d: new Float64Array(H * W * 3).map(() => rng()) };
    const ref = reference(model, x, until);

    const g = createGraph('test');
    g.input('image', [1, 3, H, W]);
    const t = addKerasLayers(g, model, { input: 'image', until: [until] }).get(until) as string;
    g.output(t, [1, ref.c, ref.h, ref.w]);
    const session = await ort.InferenceSession.create(g.toBytes());
    const nchw = new Float32Array(3 * H * W);
    for (let i = 0; i < H * W; i++)
      for (let k = 0; k < 3; k++) nchw[k * H * W + i] = x.d[i * 3 + k] as number;
    const y = (await session.run({ image: new ort.Tensor('float32', nchw, [1, 3, H, W]) }))[t] as ort.Tensor;
    await session.release();
    expect(y.dims).toEqual([1, 144, 8, 8]);
    expect([ref.h, ref.w, ref.c]).toEqual([8, 8, 144]);
    const data = y.data as Float32Array;
    let maxDiff = 0;
    let maxAbs = 0;
    for (let i = 0; i < ref.h * ref.w; i++)
      for (let k = 0; k < ref.c; k++) {
        maxDiff = Math.max(
          maxDiff,
          Math.abs((data[k * ref.h * ref.w + i] as number) - (ref.d[i * ref.c + k] as number)),
        );
        maxAbs = Math.max(maxAbs, Math.abs(ref.d[i * ref.c + k] as number));
      }
    expect(maxAbs).toBeGreaterThan(1);
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it('names a missing layer', () => {
    expect(() => addKerasLayers(createGraph('x'), model, { input: 'image', until: ['nope'] })).toThrow(
      /no layer "nope"/,
    );
  });
});
