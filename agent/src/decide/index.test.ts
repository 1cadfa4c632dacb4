import { describe, expect, it } from 'vitest';
import { createDecisionPolicy, decide, decideScore } from './index.ts';

describe('decide', () => {
  it('splits at the threshold, the threshold itself being a defect', () => {
    const t = { defect: 0.5, uncertainBand: 0 };
    expect(decide(0.49, t)).toBe('ok');
    expect(decide(0.5, t)).toBe('defect');
    expect(decide(0.9, t)).toBe('defect');
  });
  it('marks scores near the threshold uncertain when a band is set', () => {
    const t = { defect: 0.5, uncertainBand: 0.1 };
    expect(decide(0.45, t)).toBe('uncertain');
    expect(decide(0.59, t)).toBe('uncertain');
    expect(decide(0.39, t)).toBe('ok');
    expect(decide(0.61, t)).toBe('defect');
  });
});

describe('decision policy', () => {
  it('decides against the thresholds in force, a change applying to later decisions only', () => {
    const policy = createDecisionPolicy({ defect: 0.5, uncertainBand: 0 });
    const before = policy.current();
    expect(decideScore(0.6, before)).toEqual({ verdict: 'defect', score: 0.6, threshold: 0.5 });
    policy.setDefectThreshold(0.7);
    expect(decideScore(0.6, policy.current())).toEqual({ verdict: 'ok', score: 0.6, threshold: 0.7 });
    expect(before.defect).toBe(0.5);
  });
});
