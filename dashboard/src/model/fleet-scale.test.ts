import { describe, expect, it } from 'vitest';
import { fleetScaleMax } from './fleet-scale.ts';

describe('fleetScaleMax', () => {
  it('ignores a line with no parts and the wide interval of a line with a few', () => {
    const lines = [
      { inspected: 3000, defect_rate: 0.013, defect_rate_ci: [0.0095, 0.0177] as [number, number] },
      { inspected: 0, defect_rate: 0, defect_rate_ci: [0, 1] as [number, number] },
      { inspected: 5, defect_rate: 0, defect_rate_ci: [0, 0.43] as [number, number] },
    ];
    expect(fleetScaleMax(lines)).toBe(0.02);
  });
  it('widens for a line that really runs high', () => {
    expect(fleetScaleMax([{ inspected: 500, defect_rate: 0.15, defect_rate_ci: [0.12, 0.18] }])).toBe(0.2);
  });
});
