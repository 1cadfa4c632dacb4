import type { InspectionResultInput } from '@sightline/protocol';

/** A valid result with `seq`; captured now unless `ts` is given. */
export const result = (seq: number, ts = Date.now()): InspectionResultInput => ({
  seq,
  ts,
  frame: `f${seq}`,
  model: { id: 'm', version: '1' },
  verdict: seq % 7 === 0 ? 'defect' : 'ok',
  score: (seq % 10) / 10,
  threshold: 0.5,
  latency: { capture: 0.1, preprocess: 0.2, infer: 1, total: 1.3 },
});
