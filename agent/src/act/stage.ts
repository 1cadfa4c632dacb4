import type { Inspection } from '../pipeline/inspection.ts';
import type { Action } from './action.ts';
import { createScheduler, type Scheduler } from './scheduler.ts';

export interface ActStage {
  /** Fires (or schedules) every action for this part; never waits for one. */
  act(inspection: Inspection): void;
  /** Drops scheduled actions that have not fired and waits for running ones. */
  close(): Promise<void>;
}

/**
 * The act stage: the local reaction to a verdict, before anything is stored or sent. Actions go
 * through a scheduler so one can fire later than the verdict (a reject gate down the line); today
 * every action is due at once.
 */
export function createActStage(opts: { actions: readonly Action[]; scheduler?: Scheduler }): ActStage {
  const scheduler = opts.scheduler ?? createScheduler();
  return {
    act({ camera, captured, decision }) {
      if (opts.actions.length === 0) return;
      const ctx = { verdict: decision.verdict, score: decision.score, camera, frame: captured.id };
      const now = performance.now();
      for (const action of opts.actions) scheduler.at(now, () => action.fire(ctx));
    },
    async close() {
      scheduler.close();
      await Promise.all(opts.actions.map((a) => a.close()));
    },
  };
}
