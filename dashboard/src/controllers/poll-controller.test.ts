import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollController } from './poll-controller.ts';

class FakeHost implements ReactiveControllerHost {
  controllers: ReactiveController[] = [];
  updates = 0;
  readonly updateComplete = Promise.resolve(true);
  addController(c: ReactiveController): void {
    this.controllers.push(c);
  }
  removeController(): void {}
  requestUpdate(): void {
    this.updates += 1;
  }
  connect(): void {
    for (const c of this.controllers) c.hostConnected?.();
  }
  disconnect(): void {
    for (const c of this.controllers) c.hostDisconnected?.();
  }
}

/** A load function that answers from a script: a number resolves, an Error rejects. */
function scripted(answers: Array<number | Error>) {
  const calls: number[] = [];
  const load = async () => {
    calls.push(Date.now());
    const next = answers.shift() ?? 0;
    if (next instanceof Error) throw next;
    return next;
  };
  return { load, calls };
}

describe('PollController', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('loads on connect, then every interval, and stops when the host disconnects', async () => {
    const host = new FakeHost();
    const { load, calls } = scripted([1, 2, 3, 4]);
    const poll = new PollController(host, { load, intervalMs: 1000 });
    host.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(poll.value).toBe(1);
    expect(poll.loading).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.value).toBe(2);
    host.disconnect();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toEqual([0, 1000]);
    expect(host.updates).toBeGreaterThanOrEqual(4);
  });

  it('keeps the last value on error, backs off by doubling, and recovers', async () => {
    const host = new FakeHost();
    const { load, calls } = scripted([7, new Error('hub down'), new Error('hub down'), 8]);
    const poll = new PollController(host, { load, intervalMs: 1000, maxBackoffMs: 30_000 });
    host.connect();
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.error?.message).toBe('hub down');
    expect(poll.value).toBe(7);
    expect(poll.failures).toBe(1);
    await vi.advanceTimersByTimeAsync(2000); // first failure: wait 2 s
    expect(poll.failures).toBe(2);
    await vi.advanceTimersByTimeAsync(4000); // second failure: wait 4 s
    expect(poll.value).toBe(8);
    expect(poll.error).toBeUndefined();
    expect(poll.failures).toBe(0);
    expect(calls).toEqual([0, 1000, 3000, 7000]);
    host.disconnect();
  });

  it('refresh() loads at once; refresh and disconnect abort the request in flight', async () => {
    const host = new FakeHost();
    const signals: AbortSignal[] = [];
    const poll = new PollController(host, {
      load: (signal) => {
        signals.push(signal);
        return new Promise<number>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')));
          setTimeout(() => resolve(signals.length), 100);
        });
      },
      intervalMs: 1000,
    });
    host.connect();
    void poll.refresh();
    await vi.advanceTimersByTimeAsync(100);
    expect(signals[0]?.aborted).toBe(true);
    expect(poll.value).toBe(2);
    expect(poll.error).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1000); // next scheduled load starts
    expect(signals).toHaveLength(3);
    host.disconnect();
    expect(signals[2]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(signals).toHaveLength(3);
    expect(poll.value).toBe(2);
  });
});
