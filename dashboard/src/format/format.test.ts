import { describe, expect, it } from 'vitest';
import {
  formatAgo,
  formatCount,
  formatDuration,
  formatPercent,
  formatPercentNumber,
  formatThroughput,
  rateScaleMax,
  windowLabel,
} from './format.ts';

describe('formatPercent', () => {
  it('shows one decimal from 1 % up', () => {
    expect(formatPercent(0.07)).toBe('7.0 %');
    expect(formatPercent(0.02)).toBe('2.0 %');
    expect(formatPercent(0.1234)).toBe('12.3 %');
    expect(formatPercent(1)).toBe('100.0 %');
  });
  it('shows two decimals below 1 % so small rates do not read as zero', () => {
    expect(formatPercent(0.004)).toBe('0.40 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercentNumber(0.0345)).toBe('3.5');
  });
});

describe('formatThroughput', () => {
  it('says parts/min, never ppm', () => {
    expect(formatThroughput(4.25)).toBe('4.3 parts/min');
    expect(formatThroughput(1234.4)).toBe('1,234 parts/min');
  });
});

describe('formatAgo', () => {
  it('reads at a glance', () => {
    expect(formatAgo(1200)).toBe('just now');
    expect(formatAgo(42_000)).toBe('42 s ago');
    expect(formatAgo(185_000)).toBe('3 min ago');
    expect(formatAgo(3 * 3_600_000)).toBe('3 h ago');
    expect(formatAgo(72 * 3_600_000)).toBe('3 d ago');
    expect(formatAgo(-5_000)).toBe('just now');
  });
});

describe('formatDuration and formatCount', () => {
  it('formats uptime and counts', () => {
    expect(formatDuration(42.6)).toBe('42 s');
    expect(formatDuration(420)).toBe('7 min');
    expect(formatDuration(2 * 3600 + 300)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400 + 4 * 3600)).toBe('3 d 4 h');
    expect(formatCount(12345)).toBe('12,345');
  });
});

describe('rateScaleMax', () => {
  it('picks the smallest round step holding every interval', () => {
    expect(rateScaleMax([0.138, 0.1])).toBe(0.2);
    expect(rateScaleMax([0.01])).toBe(0.02);
    expect(rateScaleMax([0.05])).toBe(0.05);
    expect(rateScaleMax([0.202])).toBe(0.3);
    expect(rateScaleMax([0.6])).toBe(1);
    expect(rateScaleMax([])).toBe(0.02);
  });
});

describe('windowLabel', () => {
  it('names windows for people', () => {
    expect(windowLabel('5m')).toBe('5 min');
    expect(windowLabel('8h')).toBe('8 h');
    expect(windowLabel('30s')).toBe('30 s');
    expect(windowLabel('week')).toBe('week');
  });
});
