import { describe, expect, it } from 'vitest';
import { formatFigure, formatInput } from './figure-format.ts';

const f = (value: number | null, unit: string, flags: string[] = []) => ({ value, unit, flags });

describe('formatFigure', () => {
  it('reads the worked example of ROI.md as a person would', () => {
    expect(formatFigure(f(10_000_000, '$'))).toBe('$10,000,000');
    expect(formatFigure(f(300, '%'))).toBe('300 %');
    expect(formatFigure(f(2, 'months'))).toBe('2.0 months');
    expect(formatFigure(f(0.013, 'fraction'))).toBe('1.3 %');
    expect(formatFigure(f(100_000, 'parts'))).toBe('100,000');
    expect(formatFigure(f(50, 'parts/min'))).toBe('50 parts/min');
  });
  it('says "not yet" for a payback that never comes and a dash for a missing input', () => {
    expect(formatFigure(f(null, 'months', ['not-yet']))).toBe('not yet');
    expect(formatFigure(f(null, '$', ['missing-input']))).toBe('–');
    expect(formatFigure(f(-1500.4, '$'))).toBe('−$1,500');
    expect(formatFigure(f(0.0004, 'p'))).toBe('< 0.001');
  });
});

describe('formatInput', () => {
  it('shows money, rates and counts in their units', () => {
    expect(formatInput('c_esc', 100)).toBe('$100');
    expect(formatInput('e_base', 0.005)).toBe('0.50 %');
    expect(formatInput('n', 25_000_000)).toBe('25,000,000');
    expect(formatInput('capex', null)).toBe('not entered');
    // A period in years reads in the unit it is best said in (the ROI period of a fresh line: minutes).
    expect(formatInput('years', 0.00000144641)).toBe('0.8 min');
    expect(formatInput('years', 5 / 24 / 365.25)).toBe('5 h');
    expect(formatInput('years', 30 / 365.25)).toBe('30 d');
    expect(formatInput('years', 1.5)).toBe('1.5 y');
  });
});
