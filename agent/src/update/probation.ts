import type { UpdateConfig } from './config.ts';

/**
 * Watches a newly activated model: it passes after `frames` live frames and `seconds`; it fails when more
 * than `maxErrorRate` of its frames fail (at least 10 frames seen). Crashes and restart loops are counted at
 * boot instead (boot.ts), since a crashed process watches nothing.
 */
export function createProbation(o: {
  config: UpdateConfig['probation'];
  frames(): { inspected: number; failed: number };
  now(): number;
  onHalfway(): void;
  onFailed(reason: string): void;
  onPassed(): void;
}) {
  let watch: { since: number; base: { inspected: number; failed: number }; halfway: boolean } | null = null;
  return {
    /** Starts watching (a no-op while watching); `since` is when the switch happened, kept across restarts. */
    start(since: number) {
      if (!watch) watch = { since, base: o.frames(), halfway: false };
    },
    stop() {
      watch = null;
    },
    get watching() {
      return watch !== null;
    },
    tick() {
      if (!watch) return;
      const f = o.frames();
      const inspected = f.inspected - watch.base.inspected;
      const failed = f.failed - watch.base.failed;
      const seen = inspected + failed;
      if (seen >= 10 && failed / seen > o.config.maxErrorRate) {
        watch = null;
        o.onFailed(
          `${failed} of ${seen} frames failed during probation (limit ${Math.round(o.config.maxErrorRate * 100)} %)`,
        );
        return;
      }
      if (!watch.halfway && inspected * 2 >= o.config.frames) {
        watch.halfway = true;
        o.onHalfway();
      }
      if (inspected >= o.config.frames && o.now() - watch.since >= o.config.seconds * 1000) {
        watch = null;
        o.onPassed();
      }
    },
  };
}
