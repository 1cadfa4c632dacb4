import { ModelsError } from '../errors.ts';
import type { ManifestInput, ManifestOutput } from '../manifest/schema.ts';
import type { OnnxInfo, TensorInfo } from './inspect.ts';
import { parseUltralyticsNames } from './inspect.ts';

export type ImportKind = 'anomalib' | 'yolo' | 'classifier';

export interface DescribeOptions {
  labels?: string[];
  colour?: ManifestInput['colour'];
  mean?: number[];
  std?: number[];
  /** H×W when the ONNX input has symbolic spatial dimensions. */
  size?: [number, number];
  /** classifier: index of the good-part class (default: the label "ok", else 0). */
  okIndex?: number;
  /** yolo: class indices (or names) that count as defects (default: all). */
  defectClasses?: Array<number | string>;
  iou?: number;
  /** anomalib: raw-score normalisation (from its metadata.json). */
  normalization?: { min: number; max: number; threshold: number };
}

export interface Description {
  input: ManifestInput;
  output: ManifestOutput;
  labels: string[];
  task: 'classify' | 'anomaly' | 'detect';
}

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const fail = (msg: string): never => {
  throw new ModelsError('SL_IMPORT_UNSUPPORTED', msg);
};
const fmt = (t: TensorInfo) => `"${t.name}" [${t.shape.map((d) => (d < 0 ? '?' : d)).join(', ')}]`;

function imageInput(
  info: OnnxInfo,
  opts: DescribeOptions,
  defaults: { colour: ManifestInput['colour']; mean: number[]; std: number[] },
): ManifestInput {
  if (info.inputs.length !== 1)
    fail(`expected one image input, found ${info.inputs.length}: ${info.inputs.map(fmt).join(', ')}`);
  const t = info.inputs[0] as TensorInfo;
  if (t.elemType !== 1) fail(`input ${fmt(t)} is not float32; only float32 NCHW image inputs are supported`);
  if (t.shape.length !== 4) fail(`input ${fmt(t)} is not NCHW [N, C, H, W]`);
  const [n, c, h, w] = t.shape as [number, number, number, number];
  if (n > 1) fail(`input ${fmt(t)} has batch ${n}; export with batch 1 or a dynamic batch`);
  if (c !== 1 && c !== 3) fail(`input ${fmt(t)} has ${c} channels; expected 1 (gray) or 3 (colour)`);
  const [hh, ww] =
    h > 0 && w > 0 ? [h, w] : (opts.size ?? fail(`input ${fmt(t)} has a symbolic size; give --size HxW`));
  const colour = c === 1 ? 'gray' : (opts.colour ?? defaults.colour);
  const per = (v: number[]) => (c === 1 ? [v[0] as number] : v);
  return {
    name: t.name,
    shape: [1, c as 1 | 3, hh, ww],
    layout: 'NCHW',
    colour,
    resize: 'stretch',
    mean: opts.mean ?? per(defaults.mean),
    std: opts.std ?? per(defaults.std),
  };
}

const size = (t: TensorInfo) => t.shape.slice(1).reduce((a, b) => a * (b > 0 ? b : 1), 1);

function anomalib(info: OnnxInfo, opts: DescribeOptions): Description {
  const input = imageInput(info, opts, { colour: 'rgb', ...IMAGENET });
  // anomalib ≥ 1.0 exports `pred_score` (+ `pred_label`, `anomaly_map`, `pred_mask`); older ones a score and a map.
  const score =
    info.outputs.find((o) => /score/i.test(o.name)) ??
    info.outputs.find((o) => o.elemType === 1 && size(o) === 1);
  if (!score)
    fail(
      `no image-score output among ${info.outputs.map(fmt).join(', ')}; expected "pred_score" [N] or [N, 1]`,
    );
  const map = info.outputs.find(
    (o) => o !== score && o.elemType === 1 && (/map/i.test(o.name) || o.shape.length === 4),
  );
  return {
    task: 'anomaly',
    input,
    labels: opts.labels ?? ['ok', 'defect'],
    output: {
      name: (score as TensorInfo).name,
      decode: 'anomaly-score',
      ...(map ? { map: map.name } : {}),
      ...(opts.normalization ? { normalization: opts.normalization } : {}),
    },
  };
}

function yolo(info: OnnxInfo, opts: DescribeOptions): Description {
  const input = imageInput(info, opts, { colour: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] });
  const out = info.outputs[0];
  if (info.outputs.length !== 1 || !out || out.shape.length !== 3 || !((out.shape[1] as number) > 4)) {
    fail(
      `expected one output [1, 4 + classes, boxes] (Ultralytics detect export without NMS), found ${info.outputs.map(fmt).join(', ')}`,
    );
  }
  const classes = ((out as TensorInfo).shape[1] as number) - 4;
  const labels =
    opts.labels ??
    parseUltralyticsNames(info.metadata.names) ??
    Array.from({ length: classes }, (_, i) => `class${i}`);
  if (labels.length !== classes)
    fail(`${labels.length} labels for ${classes} classes in output ${fmt(out as TensorInfo)}`);
  const defectClasses = (opts.defectClasses ?? labels.map((_, i) => i)).map((d) => {
    const i = typeof d === 'number' ? d : labels.indexOf(d);
    if (i < 0 || i >= classes) fail(`defect class "${d}" is not one of ${labels.join(', ')}`);
    return i;
  });
  return {
    task: 'detect',
    input,
    labels,
    output: {
      name: (out as TensorInfo).name,
      decode: 'yolo-detections',
      classes,
      iou: opts.iou ?? 0.45,
      defectClasses,
    },
  };
}

function classifier(info: OnnxInfo, opts: DescribeOptions): Description {
  const input = imageInput(info, opts, { colour: 'rgb', ...IMAGENET });
  const out = info.outputs[0];
  if (info.outputs.length !== 1 || !out || out.shape.length !== 2) {
    fail(`expected one output [1, classes], found ${info.outputs.map(fmt).join(', ')}`);
  }
  const o = out as TensorInfo;
  const classes = o.shape[1] as number;
  const producer = info.producers[o.name];
  if (classes === 1) {
    if (producer !== 'Sigmoid') fail(`one-logit output ${fmt(o)} must end in Sigmoid (score in [0, 1])`);
    return {
      task: 'classify',
      input,
      labels: opts.labels ?? ['ok', 'defect'],
      output: { name: o.name, decode: 'sigmoid-score' },
    };
  }
  const labels =
    opts.labels ??
    (classes === 2 ? ['ok', 'defect'] : fail(`output ${fmt(o)} has ${classes} classes; give --labels`));
  if (labels.length !== classes) fail(`${labels.length} labels for ${classes} classes in output ${fmt(o)}`);
  const okIndex = opts.okIndex ?? Math.max(0, labels.indexOf('ok'));
  return {
    task: 'classify',
    input,
    labels,
    output: { name: o.name, decode: producer === 'Softmax' ? 'probabilities' : 'softmax', okIndex },
  };
}

/** The manifest's input/output/labels for a model made elsewhere, from its ONNX graph. */
export function describeImport(kind: ImportKind, info: OnnxInfo, opts: DescribeOptions): Description {
  if (info.opset < 7) fail(`opset ${info.opset} is too old`);
  return kind === 'anomalib'
    ? anomalib(info, opts)
    : kind === 'yolo'
      ? yolo(info, opts)
      : classifier(info, opts);
}
