import { createScheduler, type Scheduler } from '../act/scheduler.ts';

/**
 * A camera's line clock: when things happen on the line (frames, triggers, rejects), in ms. Real: the
 * wall clock, and delayed actions wait on timers. Simulated: the time of the newest frame (a conveyor
 * simulation run faster than real time), and delayed actions run as the frames pass their due time.
 */
export interface LineClock {
  readonly simulated: boolean;
  now(): number;
  readonly scheduler: Scheduler;
  /** Simulated: time moves on to `t` (a frame's time), running what fell due. Real: nothing. */
  advance(t: number): void;
}

export function createRealClock(now: () => number = Date.now): LineClock {
  return { simulated: false, now, scheduler: createScheduler(now), advance() {} };
}

/** Runs jobs in due order as a counter moves on: a simulated clock, or an encoder's count. */
export interface SteppedScheduler extends Scheduler {
  /** The counter is now `to`: runs every job due at or before it, each with the moment it was due. */
  advance(to: number): void;
  now(): number;
}

export function createSteppedScheduler(start = Number.NEGATIVE_INFINITY): SteppedScheduler {
  const queue: { due: number; job: (at: number) => void }[] = [];
  let now = start;
  let closed = false;
  return {
    now: () => now,
    at(due, job) {
      if (closed) return;
      if (due <= now) {
        job();
        return;
      }
      let i = queue.length;
      while (i > 0 && (queue[i - 1]?.due ?? 0) > due) i -= 1;
      queue.splice(i, 0, { due, job });
    },
    advance(to) {
      if (to > now) now = to;
      while (queue.length && (queue[0]?.due ?? Number.POSITIVE_INFINITY) <= now) queue.shift()?.job(now);
    },
    pending: () => queue.length,
    close() {
      closed = true;
      return queue.splice(0).length;
    },
  };
}

export function createSimulatedClock(): LineClock {
  const scheduler = createSteppedScheduler();
  return {
    simulated: true,
    now: () => scheduler.now(),
    scheduler,
    advance: (t) => scheduler.advance(t),
  };
}
