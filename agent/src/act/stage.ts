import type { Logger } from 'pino';
import type { LineClock, SteppedScheduler } from '../line/clock.ts';
import type { Inspection } from '../pipeline/inspection.ts';
import type { Action, ActionContext } from './action.ts';
import type { ActionConfig } from './config.ts';

export interface ActStage {
  /** Fires (or schedules) every action for this part; never waits for one. */
  act(inspection: Inspection): void;
  /** Verdicts that came after their part had passed the gate: not acted on. */
  late(): number;
  /** Actions waiting for their part to reach the gate. */
  pending(): number;
  /** Drops scheduled actions that have not fired (counted in the return) and waits for running ones. */
  close(): Promise<number>;
}

/** A verdict too late for its window: the part has passed the gate. */
export interface LateVerdict {
  camera: string;
  part?: string;
  action: ActionConfig['kind'];
  /** How far past the window's end, ms or counts. */
  by: number;
  unit: 'ms' | 'counts';
}

/**
 * A camera's act stage: the local reaction to a verdict, before anything is stored or sent. Each action
 * fires `delayMs` after the part's trigger (or `delayCounts` encoder counts after it), so a reject gate
 * down the line hits the right part at line speed; parts in flight wait in order on the line clock's
 * scheduler (or the encoder's). A verdict that arrives after the due time but inside `windowMs` fires
 * at once; after the window it is too late: not fired, counted and reported (`onLate`).
 */
export function createActStage(opts: {
  camera: string;
  actions: readonly { config: ActionConfig; action: Action }[];
  clock: LineClock;
  /** The camera's encoder count, moving on as the encoder reports (for delayCounts). */
  encoder?: SteppedScheduler;
  onLate?: (late: LateVerdict) => void;
  log: Logger;
}): ActStage {
  const mine = opts.actions.filter((a) => a.config.camera === undefined || a.config.camera === opts.camera);
  let late = 0;

  const schedule = (entry: (typeof mine)[number], ctx: Omit<ActionContext, 'due'>, i: Inspection) => {
    const { config, action } = entry;
    const fire = (due: number) => action.fire({ ...ctx, due });
    const counts = config.delayCounts !== undefined && opts.encoder !== undefined;
    if (!counts && config.delayMs === 0) return fire(opts.clock.now());
    const scheduler = counts ? (opts.encoder as SteppedScheduler) : opts.clock.scheduler;
    const now = counts ? (opts.encoder as SteppedScheduler).now() : opts.clock.now();
    const from = counts ? i.trigger?.encoder : (i.trigger?.ts ?? i.captured.ts);
    if (from === undefined) {
      opts.log.warn(
        { event: 'act_no_encoder', camera: opts.camera },
        'no encoder count for this part; acting at once',
      );
      return fire(now);
    }
    const due = from + (counts ? (config.delayCounts as number) : config.delayMs);
    const window = counts
      ? (config.windowCounts ?? Math.max(1, Math.round((config.delayCounts as number) / 10)))
      : config.windowMs;
    if (now <= due) return scheduler.at(due, () => fire(due));
    if (now <= due + window) return fire(now);
    late += 1;
    opts.onLate?.({
      camera: opts.camera,
      ...(i.part ? { part: i.part.id } : {}),
      action: config.kind,
      by: now - due - window,
      unit: counts ? 'counts' : 'ms',
    });
  };

  return {
    act(i) {
      if (mine.length === 0) return;
      const ctx = {
        verdict: i.decision.verdict,
        score: i.decision.score,
        camera: i.camera,
        frame: i.captured.id,
        ...(i.part ? { part: i.part.id } : {}),
        ...(i.recipe ? { recipe: i.recipe } : {}),
        ...(i.trigger ? { triggerTs: i.trigger.ts } : {}),
      };
      // Only parts whose verdict an action reacts to go on the schedule.
      for (const entry of mine) if (entry.config.on.includes(i.decision.verdict)) schedule(entry, ctx, i);
    },
    late: () => late,
    pending: () => opts.clock.scheduler.pending() + (opts.encoder?.pending() ?? 0),
    async close() {
      const dropped = opts.clock.scheduler.close() + (opts.encoder?.close() ?? 0);
      await Promise.all(mine.map((a) => a.action.close()));
      return dropped;
    },
  };
}
