/** Runs jobs at given times, in time order (then in the order they were scheduled). */
export interface Scheduler {
  /** Runs `job` at `dueMs` (the scheduler's clock); at once, synchronously, when already due. */
  at(dueMs: number, job: () => void): void;
  /** Jobs waiting for their time. */
  pending(): number;
  /** Drops the waiting jobs and returns how many there were. */
  close(): number;
}

/**
 * A timer queue for actions that must happen later than the verdict (a reject gate some distance down
 * the line): one timer for the earliest job, jobs kept in due order, so delayed actions fire in order.
 */
export function createScheduler(now: () => number = () => performance.now()): Scheduler {
  const queue: { due: number; job: () => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const arm = () => {
    clearTimeout(timer);
    timer = undefined;
    const first = queue[0];
    if (first && !closed) timer = setTimeout(runDue, Math.max(0, first.due - now()));
  };
  const runDue = () => {
    while (queue.length > 0 && (queue[0]?.due ?? Infinity) <= now()) queue.shift()?.job();
    arm();
  };

  return {
    at(dueMs, job) {
      if (closed) return;
      if (dueMs <= now() && queue.length === 0) {
        job();
        return;
      }
      // After the last job due at or before this one: equal times keep their order.
      let i = queue.length;
      while (i > 0 && (queue[i - 1]?.due ?? 0) > dueMs) i -= 1;
      queue.splice(i, 0, { due: dueMs, job });
      if (i === 0) arm();
    },
    pending: () => queue.length,
    close() {
      closed = true;
      clearTimeout(timer);
      return queue.splice(0).length;
    },
  };
}
