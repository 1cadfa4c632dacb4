import type { Logger } from 'pino';
import type { ResultStore } from './types.ts';

/** How often old raw rows are pruned. */
export const RETENTION_EVERY_MS = 3_600_000;

/**
 * Deletes raw results and stats older than `days` once at start and then hourly; per-minute rollups are kept,
 * so series and window figures over old time stay available. The delete runs as one write of the group commit.
 */
export function createRetention({
  store,
  days,
  log,
  now = Date.now,
}: {
  store: ResultStore;
  days: number;
  log: Logger;
  now?: () => number;
}) {
  const run = async () => {
    const before = now() - days * 86_400_000;
    try {
      const removed = await store.prune(before);
      if (removed > 0) log.info({ removed, before }, 'raw results past retention deleted; rollups kept');
    } catch (err) {
      log.warn({ err }, 'retention could not delete old results; will try again');
    }
  };
  const first = setTimeout(run, 10_000);
  const timer = setInterval(run, RETENTION_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
