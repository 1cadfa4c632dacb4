import type { Verdict } from '@sightline/protocol';

export interface Thresholds {
  /** Score at or above which a part is a defect. */
  defect: number;
  /** Scores closer than this to the threshold are "uncertain". */
  uncertainBand: number;
}

/** A part's verdict and the threshold it was judged against. */
export interface Decision {
  verdict: Verdict;
  score: number;
  threshold: number;
}

/** Turns a model score into a verdict. Higher scores mean more likely defective. */
export function decide(score: number, t: Thresholds): Verdict {
  if (t.uncertainBand > 0 && Math.abs(score - t.defect) < t.uncertainBand) return 'uncertain';
  return score >= t.defect ? 'defect' : 'ok';
}

/** The decide stage: pure, so the same score and thresholds always give the same decision. */
export function decideScore(score: number, t: Thresholds): Decision {
  return { verdict: decide(score, t), score, threshold: t.defect };
}

/** The thresholds in force: the config's (or the manifest's), changed at run time by `cmd/set-threshold`. */
export interface DecisionPolicy {
  current(): Thresholds;
  setDefectThreshold(threshold: number): void;
  /** Replaces both thresholds (desired state from the hub, a model switch). */
  set(thresholds: Thresholds): void;
}

export function createDecisionPolicy(initial: Thresholds): DecisionPolicy {
  let thresholds = { ...initial };
  return {
    current: () => thresholds,
    setDefectThreshold(defect) {
      // A new object, so a decision already made keeps the thresholds it was made with.
      thresholds = { ...thresholds, defect };
    },
    set(next) {
      thresholds = { ...next };
    },
  };
}
