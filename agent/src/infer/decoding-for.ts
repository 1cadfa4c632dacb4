import type { Manifest } from '@sightline/models';
import type { OutputDecoding } from './decode.ts';

/** Reads the output decoding a model's manifest declares. */
export function decodingFor(manifest: Manifest): OutputDecoding {
  // Loose view: importers add decodings (softmax, anomaly, yolo) with their own fields.
  const out = manifest.output as Record<string, unknown> & { name: string; decode: string };
  const num = (key: string, fallback: number) =>
    typeof out[key] === 'number' ? (out[key] as number) : fallback;
  const str = (key: string) => (typeof out[key] === 'string' ? (out[key] as string) : undefined);
  switch (out.decode) {
    case 'sigmoid-score':
    case 'score':
      return { kind: 'score', output: out.name };
    case 'softmax':
    case 'probabilities':
      return {
        kind: 'classes',
        output: out.name,
        labels: manifest.labels,
        okLabel: str('okLabel') ?? manifest.labels[0] ?? 'ok',
        softmax: out.decode === 'softmax',
      };
    case 'anomaly': {
      const map = str('map');
      return {
        kind: 'anomaly',
        score: out.name,
        ...(map ? { map, mapThreshold: num('mapThreshold', manifest.threshold) } : {}),
      };
    }
    case 'yolo':
      return {
        kind: 'yolo',
        output: out.name,
        labels: manifest.labels,
        minScore: num('minScore', 0.25),
        iou: num('iou', 0.45),
      };
    default:
      throw new Error(`model ${manifest.id}@${manifest.version}: unknown output decoding "${out.decode}"`);
  }
}
