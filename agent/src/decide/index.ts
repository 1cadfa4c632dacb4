import type { Verdict } from '@sightline/protocol';

export interface Thresholds {
  /** Score at or above which a part is a defect. */
  defect: number;
  /** Scores closer than this to the threshold are "uncertain". */
  uncertainBand: number;
}

/** Turns a model score into a verdict. Higher scores mean more likely defective. */
export function decide(score: number, t: Thresholds): Verdict {
  if (t.uncertainBand > 0 && Math.abs(score - t.defect) < t.uncertainBand) return 'uncertain';
  return score >= t.defect ? 'defect' : 'ok';
}
