import { describe, expect, it } from 'vitest';
import { compareVersions } from './version.ts';

describe('compareVersions', () => {
  it('orders numeric parts as numbers', () => {
    expect(compareVersions('2.10.0', '2.9.0')).toBe(1);
    expect(compareVersions('2.0.0', '10.0.0')).toBe(-1);
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
  });
  it('ranks a missing part lower and numbers below text', () => {
    expect(compareVersions('2.0', '2.0.1')).toBe(-1);
    expect(compareVersions('2.0.1', '2.0')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.rc')).toBe(-1);
    expect(compareVersions('1.0-b', '1.0-a')).toBe(1);
  });
  it('is a total order on a shuffled list', () => {
    const sorted = ['0.9', '1.0', '1.0.0', '1.0.1', '1.1', '1.10', '2', '2.0.0-rc1'];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareVersions)).toEqual(sorted);
  });
});
