import type { ManifestOutput } from '../manifest/schema.ts';

/** Graph outputs a decoder needs: the main output, plus the anomaly map when there is one. */
export function outputNames(output: ManifestOutput): string[] {
  return output.decode === 'anomaly-score' && output.map ? [output.name, output.map] : [output.name];
}

/**
 * One defect score per frame from the model's raw output, per `output.decode`; higher = more likely defective.
 * The manifest threshold applies to this score.
 */
export function decodeScore(output: ManifestOutput, data: Float32Array): number {
  switch (output.decode) {
    case 'sigmoid-score':
      return data[0] as number;
    case 'probabilities':
      return 1 - (data[output.okIndex] as number);
    case 'softmax': {
      const max = Math.max(...data);
      let sum = 0;
      for (const v of data) sum += Math.exp(v - max);
      return 1 - Math.exp((data[output.okIndex] as number) - max) / sum;
    }
    case 'anomaly-score': {
      const raw = data[0] as number;
      const n = output.normalization;
      if (!n) return raw;
      // anomalib's min-max normalisation: the raw threshold lands on 0.5.
      return Math.min(1, Math.max(0, (raw - n.threshold) / (n.max - n.min || 1) + 0.5));
    }
    case 'yolo-detections': {
      // [1, 4 + classes, N]: row 4 + k holds class k's score for every candidate box. NMS keeps the best box,
      // so the frame's score is the best defect-class score over all candidates.
      const n = data.length / (4 + output.classes);
      let best = 0;
      for (const k of output.defectClasses) {
        const row = (4 + k) * n;
        for (let i = 0; i < n; i++) best = Math.max(best, data[row + i] as number);
      }
      return best;
    }
  }
}
