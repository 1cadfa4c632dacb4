import { createGraph } from '../export/graph.ts';
import { createRng, normal } from '../synthetic/rng.ts';

export interface MobileNetOptions {
  /** Input side in pixels (default 224). */
  size?: number;
  /** Width multiplier (default 1): channel counts scale by it, rounded to multiples of 8. */
  width?: number;
  /** Inverted-residual stages to keep, 1–7 (default all 7). */
  stages?: number;
  classes?: number;
  seed?: number;
}

/** (expansion t, channels c, repeats n, stride s) of MobileNetV2 (Sandler et al. 2018, table 2). */
const STAGES: ReadonlyArray<readonly [number, number, number, number]> = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

const round8 = (c: number) => Math.max(8, Math.round(c / 8) * 8);

/**
 * A MobileNetV2-shaped fp32 graph (BatchNorm folded, ReLU6 as Clip(0, 6), residual Adds) with seeded
 * He-normal weights: the architecture the agent runs, for quantisation tests and speed measurements.
 * Input `image` [1, 3, size, size]; output `logits` [1, classes]. Full size: 52 Conv, 10 Add.
 */
export function buildMobileNetV2(opts: MobileNetOptions = {}): Uint8Array {
  const size = opts.size ?? 224;
  const width = opts.width ?? 1;
  const classes = opts.classes ?? 2;
  const rng = createRng(opts.seed ?? 1);
  const g = createGraph('mobilenetv2');
  g.input('image', [1, 3, size, size]);
  g.initializer('relu6_min', [0], []);
  g.initializer('relu6_max', [6], []);
  let id = 0;
  const conv = (
    x: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    group: number,
    relu: boolean,
    gain = 1,
  ) => {
    const n = id++;
    const fanIn = (cin / group) * k * k;
    const w = Float32Array.from({ length: cout * fanIn }, () => normal(rng) * gain * Math.sqrt(2 / fanIn));
    const b = Float32Array.from({ length: cout }, () => normal(rng) * 0.05);
    g.initializer(`conv${n}_w`, w, [cout, cin / group, k, k]);
    g.initializer(`conv${n}_b`, b, [cout]);
    const pad = (k - 1) / 2;
    const y = g.node('Conv', [x, `conv${n}_w`, `conv${n}_b`], `conv${n}`, {
      kernel_shape: [k, k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
      group,
    });
    return relu ? g.node('Clip', [y, 'relu6_min', 'relu6_max'], `relu${n}`) : y;
  };
  let c = round8(32 * width);
  let x = conv('image', 3, c, 3, 2, 1, true);
  let blocks = 0;
  for (const [t, cs, reps, s] of STAGES.slice(0, opts.stages ?? STAGES.length)) {
    const cout = round8(cs * width);
    for (let r = 0; r < reps; r++) {
      const stride = r === 0 ? s : 1;
      const hidden = c * t;
      let y = t === 1 ? x : conv(x, c, hidden, 1, 1, 1, true);
      y = conv(y, hidden, hidden, 3, stride, hidden, true);
      y = conv(y, hidden, cout, 1, 1, 1, false, 0.5);
      x = stride === 1 && c === cout ? g.node('Add', [x, y], `block${blocks}_add`) : y;
      c = cout;
      blocks++;
    }
  }
  const last = Math.max(1280, round8(1280 * width));
  x = conv(x, c, last, 1, 1, 1, true);
  x = g.node('GlobalAveragePool', [x], 'pooled');
  x = g.node('Flatten', [x], 'features', { axis: 1 });
  const fc = Float32Array.from({ length: classes * last }, () => normal(rng) * Math.sqrt(1 / last));
  g.initializer('fc_w', fc, [classes, last]);
  g.initializer('fc_b', new Float32Array(classes), [classes]);
  g.node('Gemm', [x, 'fc_w', 'fc_b'], 'logits', { transB: 1 });
  g.output('logits', [1, classes]);
  return g.toBytes();
}
