import { describe, expect, it } from 'vitest';
import { createScheduler } from './scheduler.ts';

async function until(what: () => boolean, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('scheduler', () => {
  it('runs a job that is due at once, synchronously', () => {
    const s = createScheduler();
    let ran = false;
    s.at(performance.now(), () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(s.pending()).toBe(0);
  });

  it('runs later jobs in due order whatever order they were scheduled in', async () => {
    const s = createScheduler();
    const order: string[] = [];
    const t = performance.now();
    s.at(t + 60, () => order.push('c'));
    s.at(t + 20, () => order.push('a'));
    s.at(t + 40, () => order.push('b1'));
    s.at(t + 40, () => order.push('b2'));
    expect(s.pending()).toBe(4);
    await until(() => order.length === 4);
    expect(order).toEqual(['a', 'b1', 'b2', 'c']);
  });

  it('drops waiting jobs on close and says how many', async () => {
    const s = createScheduler();
    let ran = 0;
    s.at(performance.now() + 30, () => ran++);
    s.at(performance.now() + 40, () => ran++);
    expect(s.close()).toBe(2);
    s.at(performance.now(), () => ran++);
    await new Promise((r) => setTimeout(r, 60));
    expect(ran).toBe(0);
  });
});
