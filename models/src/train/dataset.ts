import type { ManifestInput } from '../manifest/schema.ts';
import { preprocessFrame } from '../preprocess/preprocess.ts';
import type { DefectKind } from '../synthetic/frame.ts';
import { createPartStream } from '../synthetic/stream.ts';
import type { GraphRunner } from './session.ts';

export interface SeededSet {
  seed: number;
  n: number;
  defectRate: number;
  kinds?: readonly DefectKind[];
}

export interface Scored {
  /** Graph output per part (a feature vector or a one-element score). */
  outputs: Float32Array[];
  /** 1 = defect, 0 = ok. */
  labels: number[];
  defects: DefectKind[][];
}

/** Renders a seeded synthetic set and runs every part through `runner` (after the shared preprocessing). */
export async function runOnSet(
  runner: GraphRunner,
  input: ManifestInput,
  set: SeededSet,
  onProgress?: (done: number) => void,
): Promise<Scored> {
  const stream = createPartStream({ seed: set.seed, defectRate: set.defectRate, kinds: set.kinds });
  const out: Scored = { outputs: [], labels: [], defects: [] };
  for (let i = 0; i < set.n; i++) {
    const part = stream.next();
    out.outputs.push(Float32Array.from(await runner.run(preprocessFrame(part.frame, input))));
    out.labels.push(part.truth === 'defect' ? 1 : 0);
    out.defects.push(part.defects);
    if (onProgress && (i + 1) % 100 === 0) onProgress(i + 1);
  }
  return out;
}

export function describeSet(set: SeededSet): string {
  return `synthetic plates (createPartStream seed ${set.seed}, ${set.n} parts, defect rate ${set.defectRate}, kinds ${
    set.kinds?.join('/') ?? 'all'
  }, 256×256 gray)`;
}
