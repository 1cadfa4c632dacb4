import type { OutputTensor } from './engine.ts';

/** How a model's outputs become a score (higher = more likely defective), classes and boxes. */
export type OutputDecoding =
  /** One value per image, already a probability of "defect". */
  | { kind: 'score'; output: string }
  /** Class logits or probabilities; score = 1 − p(ok). */
  | { kind: 'classes'; output: string; labels: readonly string[]; okLabel: string; softmax: boolean }
  /** anomalib-style: an image score, optionally a per-pixel anomaly map (regions above mapThreshold become boxes). */
  | {
      kind: 'anomaly';
      score: string;
      map?: string;
      mapThreshold?: number;
      /** anomalib's min-max normalisation of the raw score: clamp((raw − threshold) / (max − min) + 0.5, 0, 1). */
      normalize?: { min: number; max: number; threshold: number };
    }
  /** Ultralytics YOLO (v8+): [1, 4 + classes, anchors] of cx, cy, w, h and class scores; score = best box. */
  | {
      kind: 'yolo';
      output: string;
      labels: readonly string[];
      minScore: number;
      iou: number;
      /** Class indices that count as defects (default: all); score = best box among them. */
      defectClasses?: readonly number[];
    };

export interface DecodedBox {
  x: number;
  y: number;
  w: number;
  h: number;
  label?: string;
  score?: number;
}

export interface Decoded {
  score: number;
  classes?: Record<string, number>;
  boxes?: DecodedBox[];
}

/** Model input size and the frame it came from: boxes are reported in frame pixels. */
export interface Geometry {
  inputW: number;
  inputH: number;
  frameW: number;
  frameH: number;
}

function tensor(outputs: Record<string, OutputTensor>, name: string): OutputTensor {
  const t = outputs[name];
  if (!t) throw new Error(`model has no output "${name}" (outputs: ${Object.keys(outputs).join(', ')})`);
  return t;
}

function softmax(values: Float32Array): number[] {
  const max = Math.max(...values);
  const exps = Array.from(values, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

const iouOf = (a: DecodedBox, b: DecodedBox) => {
  const ix = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = ix * iy;
  return inter / (a.w * a.h + b.w * b.h - inter || 1);
};

/** Greedy non-maximum suppression per label. */
export function nms(boxes: DecodedBox[], iou: number): DecodedBox[] {
  const kept: DecodedBox[] = [];
  for (const box of [...boxes].sort((a, b) => (b.score ?? 0) - (a.score ?? 0))) {
    if (!kept.some((k) => k.label === box.label && iouOf(k, box) > iou)) kept.push(box);
  }
  return kept;
}

function decodeYolo(t: OutputTensor, d: Extract<OutputDecoding, { kind: 'yolo' }>, g: Geometry): Decoded {
  const [, rows = 0, anchors = 0] = t.dims;
  const classes = rows - 4;
  if (classes < 1)
    throw new Error(`YOLO output must be [1, 4 + classes, anchors]; got [${t.dims.join(', ')}]`);
  const sx = g.frameW / g.inputW;
  const sy = g.frameH / g.inputH;
  const found: DecodedBox[] = [];
  for (let a = 0; a < anchors; a++) {
    let best = 0;
    let cls = 0;
    for (let c = 0; c < classes; c++) {
      const s = t.data[(4 + c) * anchors + a] ?? 0;
      if (s > best) [best, cls] = [s, c];
    }
    if (best < d.minScore) continue;
    const [cx, cy, w, h] = [0, 1, 2, 3].map((r) => t.data[r * anchors + a] ?? 0) as [
      number,
      number,
      number,
      number,
    ];
    found.push({
      x: (cx - w / 2) * sx,
      y: (cy - h / 2) * sy,
      w: w * sx,
      h: h * sy,
      label: d.labels[cls] ?? `class-${cls}`,
      score: best,
    });
  }
  const boxes = nms(found, d.iou).slice(0, 256);
  const defectLabels = d.defectClasses
    ? new Set(d.defectClasses.map((c) => d.labels[c] ?? `class-${c}`))
    : undefined;
  const counted = defectLabels
    ? boxes.filter((b) => b.label !== undefined && defectLabels.has(b.label))
    : boxes;
  return { score: Math.max(0, ...counted.map((b) => b.score ?? 0)), boxes };
}

/** Bounding box of the map pixels above the threshold, in frame pixels. */
function anomalyRegion(map: OutputTensor, threshold: number, g: Geometry): DecodedBox | undefined {
  const h = map.dims.at(-2) ?? 0;
  const w = map.dims.at(-1) ?? 0;
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  let peak = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = map.data[y * w + x] ?? 0;
      if (v < threshold) continue;
      peak = Math.max(peak, v);
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  if (x1 < 0) return undefined;
  const sx = g.frameW / w;
  const sy = g.frameH / h;
  return {
    x: x0 * sx,
    y: y0 * sy,
    w: (x1 - x0 + 1) * sx,
    h: (y1 - y0 + 1) * sy,
    label: 'anomaly',
    score: peak,
  };
}

/** Applies the manifest's output decoding to one inference's outputs. */
export function decodeOutputs(
  outputs: Record<string, OutputTensor>,
  d: OutputDecoding,
  g: Geometry,
): Decoded {
  switch (d.kind) {
    case 'score':
      return { score: tensor(outputs, d.output).data[0] ?? Number.NaN };
    case 'classes': {
      const raw = tensor(outputs, d.output).data;
      const p = d.softmax ? softmax(raw) : Array.from(raw);
      const classes = Object.fromEntries(d.labels.map((label, i) => [label, p[i] ?? 0]));
      const ok = classes[d.okLabel];
      if (ok === undefined) throw new Error(`label "${d.okLabel}" is not among the model's labels`);
      return { score: 1 - ok, classes };
    }
    case 'anomaly': {
      const raw = tensor(outputs, d.score).data[0] ?? Number.NaN;
      const n = d.normalize;
      const score = n ? Math.min(1, Math.max(0, (raw - n.threshold) / (n.max - n.min || 1) + 0.5)) : raw;
      const region =
        d.map && d.mapThreshold !== undefined
          ? anomalyRegion(tensor(outputs, d.map), d.mapThreshold, g)
          : undefined;
      return region ? { score, boxes: [region] } : { score };
    }
    case 'yolo':
      return decodeYolo(tensor(outputs, d.output), d, g);
  }
}
