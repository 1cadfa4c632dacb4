import type { GraphBuilder } from '../export/graph.ts';
import { gaussian1d, laplacianOfGaussian, ridge } from './filters.ts';

/**
 * The fixed (not learned) part of the default model, for a [1,1,S,S] gray input in [0,1]:
 *
 *  surface mask: blur (σ=3) → sigmoid((blur − 0.235)·60) ≈ "plate, not background/hole"
 *                → eroded by a 19-px square, so edges, chamfers and hole rims never count;
 *  detectors:    |filter bank| (LoG σ=1, σ=1.8; ridges at 0°/45°/90°/135°) × surface mask
 *                → log of the global max and of the global mean per filter;
 *  holes:        (1 − plate) inside the closed, eroded plate hull = the drilled holes; mean per image
 *                quadrant (one bolt hole each) → min/mean ratio and mean over quadrants, so a missing hole shows.
 *
 * Output `features` [1, 2·F + 2]. Names in FEATURE_NAMES order.
 */
export const INPUT_SIZE = 128;
const KERNEL = 13;
const PLATE_THRESHOLD = 60 / 255;
const PLATE_SLOPE = 60;
const SURFACE_ERODE = 19;
const HULL_CLOSE = 17;
const HULL_ERODE = 9;

const FILTERS: Array<{ name: string; kernel: () => Float32Array }> = [
  { name: 'log1', kernel: () => laplacianOfGaussian(1, KERNEL) },
  { name: 'log1.8', kernel: () => laplacianOfGaussian(1.8, KERNEL) },
  ...[0, 45, 90, 135].map((deg) => ({
    name: `ridge${deg}`,
    kernel: () => ridge((deg * Math.PI) / 180, 1, 3, KERNEL),
  })),
];

export const FEATURE_NAMES: readonly string[] = [
  ...FILTERS.map((f) => `log-max:${f.name}`),
  ...FILTERS.map((f) => `log-mean:${f.name}`),
  'holes:min/mean-quadrant',
  'holes:mean-quadrant',
];

/** Square max-pool (stride 1, same size) as two 1-D passes. */
function dilate(g: GraphBuilder, x: string, size: number, tag: string): string {
  const p = (size - 1) / 2;
  const h = g.node('MaxPool', [x], `${tag}_h`, { kernel_shape: [1, size], pads: [0, p, 0, p] });
  return g.node('MaxPool', [h], `${tag}_v`, { kernel_shape: [size, 1], pads: [p, 0, p, 0] });
}

function erode(g: GraphBuilder, x: string, size: number, tag: string): string {
  const neg = g.node('Neg', [x], `${tag}_neg`);
  return g.node('Neg', [dilate(g, neg, size, tag)], `${tag}_out`);
}

/** Adds the feature sub-graph reading `input`; returns the name of the [1, F] features tensor. */
export function addFeatureGraph(g: GraphBuilder, input: string): string {
  const size = 19;
  const p = (size - 1) / 2;
  const gauss = gaussian1d(3, size);
  g.initializer('blur_h_w', gauss, [1, 1, 1, size]);
  g.initializer(
    'blur_v_w',
    gauss.map((v) => v * PLATE_SLOPE),
    [1, 1, size, 1],
  );
  g.initializer('blur_v_b', [-PLATE_THRESHOLD * PLATE_SLOPE], [1]);
  const bh = g.node('Conv', [input, 'blur_h_w'], 'blur_h', { pads: [0, p, 0, p] });
  const logit = g.node('Conv', [bh, 'blur_v_w', 'blur_v_b'], 'plate_logit', { pads: [p, 0, p, 0] });
  const plate = g.node('Sigmoid', [logit], 'plate');
  const surface = erode(g, plate, SURFACE_ERODE, 'surface');

  const bank = new Float32Array(FILTERS.length * KERNEL * KERNEL);
  for (const [i, f] of FILTERS.entries()) bank.set(f.kernel(), i * KERNEL * KERNEL);
  g.initializer('bank_w', bank, [FILTERS.length, 1, KERNEL, KERNEL]);
  const k = (KERNEL - 1) / 2;
  const resp = g.node('Conv', [input, 'bank_w'], 'bank', { pads: [k, k, k, k] });
  const mag = g.node('Abs', [resp], 'bank_abs');
  const masked = g.node('Mul', [mag, surface], 'bank_masked');
  g.initializer('eps', [1e-3], [1]);
  // Logs make the heavy-tailed max statistics closer to Gaussian, which suits a linear (logistic) head.
  const logOf = (x: string, tag: string) => g.node('Log', [g.node('Add', [x, 'eps'], `${tag}_eps`)], tag);
  const gmax = logOf(g.node('ReduceMax', [masked], 'bank_max', { axes: [2, 3], keepdims: 0 }), 'f_max');
  const gmean = logOf(g.node('ReduceMean', [masked], 'bank_mean', { axes: [2, 3], keepdims: 0 }), 'f_mean');

  const hull = erode(
    g,
    erode(g, dilate(g, plate, HULL_CLOSE, 'hull_dil'), HULL_CLOSE, 'hull_ero'),
    HULL_ERODE,
    'hull_in',
  );
  g.initializer('one', [1], [1]);
  const dark = g.node('Sub', ['one', plate], 'dark');
  const holes = g.node('Mul', [dark, hull], 'holes');
  const half = INPUT_SIZE / 2;
  const quad = g.node('AveragePool', [holes], 'holes_quad', {
    kernel_shape: [half, half],
    strides: [half, half],
  });
  const qmin = g.node('ReduceMin', [quad], 'holes_qmin', { axes: [2, 3], keepdims: 0 });
  const qmean = g.node('ReduceMean', [quad], 'f_qmean', { axes: [2, 3], keepdims: 0 });
  // Weakest quadrant relative to the average one: ≈ 1 with four holes, ≈ 0 when one is missing.
  const qratio = g.node('Div', [qmin, g.node('Add', [qmean, 'eps'], 'holes_qmean_eps')], 'f_qratio');
  return g.node('Concat', [gmax, gmean, qratio, qmean], 'features', { axis: 1 });
}
