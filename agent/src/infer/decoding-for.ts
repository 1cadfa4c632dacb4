import type { Manifest } from '@sightline/models';
import type { OutputDecoding } from './decode.ts';

/** Minimum confidence for a YOLO box to count; the manifest sets NMS IoU, not this. */
const YOLO_MIN_SCORE = 0.25;

/** The output decoding a model's manifest declares. */
export function decodingFor(manifest: Manifest): OutputDecoding {
  const out = manifest.output;
  switch (out.decode) {
    case 'sigmoid-score':
      return { kind: 'score', output: out.name };
    case 'softmax':
    case 'probabilities':
      return {
        kind: 'classes',
        output: out.name,
        labels: manifest.labels,
        okLabel: manifest.labels[out.okIndex] ?? 'ok',
        softmax: out.decode === 'softmax',
      };
    case 'anomaly-score':
      return {
        kind: 'anomaly',
        score: out.name,
        ...(out.normalization ? { normalize: out.normalization } : {}),
        // Map pixels are raw scores: the exporter's raw threshold marks the region when known.
        ...(out.map
          ? { map: out.map, mapThreshold: out.normalization?.threshold ?? manifest.threshold }
          : {}),
      };
    case 'yolo-detections':
      return {
        kind: 'yolo',
        output: out.name,
        labels: manifest.labels,
        minScore: YOLO_MIN_SCORE,
        iou: out.iou,
        defectClasses: out.defectClasses,
      };
  }
}
