import { describe, expect, it } from 'vitest';
import { makeStats } from './fixtures.ts';
import { statsIncrement } from './stats-rows.ts';

describe('statsIncrement', () => {
  it('turns rates into frames over the interval since the previous stats', () => {
    const prev = { ...makeStats('s', 100_000, 10), uptime_s: 100, dropped: 4 };
    const cur = { ...makeStats('s', 105_000, 10), uptime_s: 105, dropped: 9, fps: { in: 12, processed: 9 } };
    expect(statsIncrement(cur, prev)).toEqual({
      frames_captured: 60,
      frames_inspected: 45,
      frames_dropped: 5,
      run_ms: 5000,
    });
  });

  it('bounds the interval by uptime after a restart, and takes the whole dropped total as new', () => {
    const prev = { ...makeStats('s', 100_000, 10), uptime_s: 500, dropped: 40 };
    const cur = { ...makeStats('s2', 400_000, 10), uptime_s: 2, dropped: 3 };
    expect(statsIncrement(cur, prev)).toMatchObject({ run_ms: 2000, frames_dropped: 3, frames_captured: 20 });
  });

  it('with triggered inspection counts parts, not frames: coverage is parts inspected of parts announced', () => {
    const parts = (triggered: number, inspected: number, missed: number) => ({
      triggered,
      inspected,
      missed,
      late: 0,
    });
    const prev = { ...makeStats('s', 100_000, 30), uptime_s: 100, parts: parts(200, 199, 1) };
    const cur = { ...makeStats('s', 105_000, 30), uptime_s: 105, parts: parts(210, 208, 2) };
    expect(statsIncrement(cur, prev)).toEqual({
      frames_captured: 10,
      frames_inspected: 9,
      frames_dropped: 1,
      run_ms: 5000,
    });
    // After a restart the totals start again: all of them are new.
    const restarted = { ...makeStats('s2', 200_000, 30), uptime_s: 3, parts: parts(4, 4, 0) };
    expect(statsIncrement(restarted, cur)).toMatchObject({
      frames_captured: 4,
      frames_inspected: 4,
      frames_dropped: 0,
    });
  });

  it('counts no run time while every camera is stopped', () => {
    const cur = {
      ...makeStats('s', 5000, 0),
      uptime_s: 30,
      cameras: [{ id: 'cam0', source: 'file', state: 'failed' as const }],
    };
    expect(statsIncrement(cur, undefined)).toMatchObject({ run_ms: 0, frames_captured: 0 });
  });
});
