/** Binary classification figures. Labels: 1 = defect (positive), 0 = ok. Predict defect iff score ≥ threshold. */

export interface BinaryMetrics {
  precision: number;
  recall: number;
  accuracy: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export function binaryMetrics(
  scores: readonly number[],
  labels: readonly number[],
  threshold: number,
): BinaryMetrics {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  scores.forEach((s, i) => {
    const positive = labels[i] === 1;
    if (s >= threshold) positive ? tp++ : fp++;
    else positive ? fn++ : tn++;
  });
  return {
    // With no predicted positives there are no false alarms: precision 1 by convention.
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    accuracy: scores.length === 0 ? 0 : (tp + tn) / scores.length,
    tp,
    fp,
    tn,
    fn,
  };
}

/** Area under the ROC curve = P(score of a random defect > score of a random ok part), ties counting ½. */
export function auroc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => [s, labels[i] ?? 0] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]?.[0] === order[i]?.[0]) j++;
    const avgRank = (i + 1 + j) / 2; // 1-based average rank of the tie group
    for (let k = i; k < j; k++) {
      if (order[k]?.[1] === 1) {
        rankSumPos += avgRank;
        pos++;
      }
    }
    i = j;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/**
 * The threshold with the best F1 on (scores, labels): candidates are midpoints between consecutive distinct
 * scores; among equally good ones the middle one is taken, so the cut sits in the widest safe gap.
 */
export function pickThreshold(scores: readonly number[], labels: readonly number[]): number {
  const distinct = [...new Set(scores)].sort((a, b) => a - b);
  const candidates = distinct.slice(1).map((s, i) => ((distinct[i] as number) + s) / 2);
  if (candidates.length === 0) return 0.5;
  let best = -1;
  let bestAt: number[] = [];
  for (const t of candidates) {
    const m = binaryMetrics(scores, labels, t);
    const f1 = m.tp === 0 ? 0 : (2 * m.tp) / (2 * m.tp + m.fp + m.fn);
    if (f1 > best + 1e-12) {
      best = f1;
      bestAt = [t];
    } else if (Math.abs(f1 - best) <= 1e-12) bestAt.push(t);
  }
  return bestAt[Math.floor((bestAt.length - 1) / 2)] as number;
}
