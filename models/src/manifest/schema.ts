import { z } from 'zod';

const name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" or "-", 1–64 chars');
const unit = z.number().min(0).max(1);

export const ManifestInput = z
  .object({
    name: z.string().min(1).describe('graph input tensor name'),
    shape: z
      .tuple([
        z.literal(1),
        z.union([z.literal(1), z.literal(3)]),
        z.number().int().min(8),
        z.number().int().min(8),
      ])
      .describe('[1, C, H, W]: batch 1, C channels (1 or 3), H×W pixels'),
    layout: z.literal('NCHW').describe('tensor memory layout'),
    colour: z.enum(['gray', 'bgr', 'rgb']).describe('channel order the model expects; gray needs C = 1'),
    resize: z
      .enum(['stretch', 'letterbox'])
      .describe(
        'stretch: frames are resized to H×W ignoring aspect ratio; letterbox: scaled to fit with aspect kept, centred, border pixels repeated into the margin',
      ),
    mean: z
      .array(z.number().finite())
      .min(1)
      .describe('per channel, subtracted after scaling pixels to [0, 1]'),
    std: z.array(z.number().positive()).min(1).describe('per channel, divides after the mean is subtracted'),
  })
  .superRefine((input, ctx) => {
    const c = input.shape[1];
    if ((input.colour === 'gray') !== (c === 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['colour'],
        message: `colour "${input.colour}" does not fit C = ${c}`,
      });
    }
    for (const key of ['mean', 'std'] as const) {
      if (input[key].length !== c) {
        ctx.addIssue({ code: 'custom', path: [key], message: `expected ${c} value(s), one per channel` });
      }
    }
  });

const sigmoidScore = z.object({
  name: z.string().min(1).describe('graph output tensor name'),
  decode: z
    .literal('sigmoid-score')
    .describe('one score in [0, 1] per frame; higher means more likely defective'),
});

const classProbabilities = z.object({
  name: z.string().min(1).describe('graph output tensor name, [1, classes]'),
  decode: z
    .enum(['softmax', 'probabilities'])
    .describe('class logits (softmax applied) or probabilities; score = 1 − p(labels[okIndex])'),
  okIndex: z.number().int().nonnegative().describe('index of the good-part class in `labels`'),
});

const anomalyScore = z.object({
  name: z.string().min(1).describe('graph output with the image anomaly score, one value per frame'),
  decode: z.literal('anomaly-score').describe('anomaly score; higher means more anomalous'),
  map: z
    .string()
    .min(1)
    .optional()
    .describe('graph output with the per-pixel anomaly map [1, 1, H, W], if any'),
  normalization: z
    .object({
      min: z.number().finite(),
      max: z.number().finite(),
      threshold: z.number().finite().describe('raw score at the exporter’s decision threshold'),
    })
    .optional()
    .describe(
      'raw → [0, 1] as anomalib: clamp((raw − threshold) / (max − min) + 0.5, 0, 1); absent = already in [0, 1]',
    ),
});

const yoloDetections = z.object({
  name: z
    .string()
    .min(1)
    .describe('graph output [1, 4 + classes, N]: cx, cy, w, h in input pixels, then class scores'),
  decode: z.literal('yolo-detections').describe('Ultralytics YOLOv8+ head without NMS'),
  classes: z.number().int().positive().describe('number of classes (= labels.length)'),
  iou: unit.describe('NMS IoU threshold'),
  defectClasses: z
    .array(z.number().int().nonnegative())
    .describe('class indices that count as defects; score = best confidence among them'),
});

export const ManifestOutput = z.discriminatedUnion('decode', [
  sigmoidScore,
  classProbabilities,
  anomalyScore,
  yoloDetections,
]);

export const Calibration = z.object({
  method: z.enum(['minmax', 'percentile']).describe('how activation ranges were estimated'),
  samples: z.number().int().positive().describe('calibration inputs'),
  dataset: z.string().min(1).describe('where the calibration inputs came from'),
  format: z.literal('QDQ').describe('QuantizeLinear/DequantizeLinear pairs; ORT fuses them to int8 kernels'),
  activations: z.literal('uint8'),
  weights: z.enum(['int8-per-channel', 'int8-per-tensor']),
  weightRange: z
    .enum(['pair-safe', 'full'])
    .describe('pair-safe: scales keep int16 pair sums unsaturated on x86 without VNNI; full: max|w| ↦ 127'),
  source: z
    .object({ id: name, version: name, sha256: z.string().regex(/^[0-9a-f]{64}$/) })
    .describe('the fp32 model this was quantized from'),
});

export const Evaluation = z.object({
  precision: unit,
  recall: unit,
  accuracy: unit,
  auroc: unit,
  n: z.number().int().positive().describe('parts evaluated'),
  positives: z.number().int().nonnegative().describe('defective parts among them'),
  threshold: unit.describe('decision threshold the figures were computed at'),
  dataset: z.string().min(1).describe('how the evaluation set was made, e.g. generator and seed'),
});

export const Manifest = z.object({
  id: name.describe('model id, e.g. "default"'),
  version: name.describe('model version, e.g. "1.0.0"'),
  task: z.enum(['classify', 'anomaly', 'detect']),
  file: z
    .string()
    .regex(/^[A-Za-z0-9._-]+\.onnx$/, 'a plain file name ending in .onnx, in the same directory')
    .describe('ONNX file beside this manifest'),
  input: ManifestInput,
  output: ManifestOutput,
  labels: z.array(z.string().min(1)).min(1).describe('class names, e.g. ["ok", "defect"]'),
  threshold: unit.describe('default decision threshold on the score: score ≥ threshold ⇒ defect'),
  evaluation: Evaluation,
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits')
    .describe('SHA-256 of the ONNX file bytes'),
  created: z.iso.datetime().describe('ISO 8601 creation time'),
  calibration: Calibration.optional().describe('present on int8 models made by `quantize`'),
  description: z.string().optional(),
  training: z.record(z.string(), z.unknown()).optional().describe('free-form training provenance'),
});

export type ManifestInput = z.infer<typeof ManifestInput>;
export type ManifestOutput = z.infer<typeof ManifestOutput>;
export type Evaluation = z.infer<typeof Evaluation>;
export type Manifest = z.infer<typeof Manifest>;
export type Calibration = z.infer<typeof Calibration>;
