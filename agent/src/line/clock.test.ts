import { describe, expect, it } from 'vitest';
import { createSimulatedClock, createSteppedScheduler } from './clock.ts';

describe('line clock', () => {
  it('simulated: delayed jobs run in due order as the frames pass their time, not on timers', () => {
    const clock = createSimulatedClock();
    clock.advance(1000);
    const ran: string[] = [];
    clock.scheduler.at(1100, () => ran.push('b'));
    clock.scheduler.at(1050, () => ran.push('a'));
    clock.scheduler.at(1000, () => ran.push('now'));
    expect(ran).toEqual(['now']);
    clock.advance(1066.7);
    expect(ran).toEqual(['now', 'a']);
    expect(clock.now()).toBe(1066.7);
    clock.advance(Number.POSITIVE_INFINITY);
    expect(ran).toEqual(['now', 'a', 'b']);
  });

  it('an encoder count drives a scheduler the same way, and close drops what waits', () => {
    const encoder = createSteppedScheduler(0);
    const ran: number[] = [];
    encoder.at(500, () => ran.push(500));
    encoder.at(700, () => ran.push(700));
    encoder.advance(650);
    expect(ran).toEqual([500]);
    expect(encoder.close()).toBe(1);
    encoder.advance(800);
    expect(ran).toEqual([500]);
  });
});
