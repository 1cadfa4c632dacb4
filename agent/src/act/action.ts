import type { Verdict } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { ActionConfig } from './config.ts';

/** What an action knows about the part that triggered it. */
export interface ActionContext {
  verdict: Verdict;
  score: number;
  camera: string;
  /** Frame id. */
  frame: string;
  seq?: number;
  /** The part's id, recipe and trigger time (epoch ms), for triggered inspection. */
  part?: string;
  recipe?: string;
  triggerTs?: number;
  /** When the action was due on the line clock (epoch ms, or an encoder count with delayCounts). */
  due?: number;
}

/** How one trigger went. `latencyMs` runs from the trigger to the action taking effect. */
export interface ActionOutcome {
  ok: boolean;
  latencyMs: number;
  error?: string;
  /** Not run: the verdict does not trigger this action, or too many triggers were already running. */
  skipped?: 'verdict' | 'busy';
}

export interface ActionCounts {
  triggered: number;
  ok: number;
  failed: number;
  /** Skipped because maxInFlight triggers were still running. */
  busy: number;
  lastLatencyMs?: number;
  lastError?: string;
}

export interface Action {
  readonly kind: ActionConfig['kind'];
  /** Runs the action for this part; never rejects (failures are in the outcome and the counts). */
  trigger(ctx: ActionContext): Promise<ActionOutcome>;
  /** Fire and record: starts `trigger` without waiting, so the pipeline never waits on an action. */
  fire(ctx: ActionContext): void;
  counts(): ActionCounts;
  /** Waits for running triggers to finish (up to their own timeouts). */
  close(): Promise<void>;
}

/** One kind's work: do it once and say how it went. May throw; the wrapper records it. */
export type ActionRunner = (ctx: ActionContext) => Promise<{ latencyMs: number; error?: string }>;

/** Wraps a runner with the verdict filter, the in-flight cap, counters and logging. */
export function wrapRunner(
  config: ActionConfig,
  run: ActionRunner,
  log: Logger,
  onOutcome?: (outcome: ActionOutcome, ctx: ActionContext) => void,
): Action {
  const on = new Set<Verdict>(config.on);
  const counts: ActionCounts = { triggered: 0, ok: 0, failed: 0, busy: 0 };
  const running = new Set<Promise<ActionOutcome>>();

  const once = async (ctx: ActionContext): Promise<ActionOutcome> => {
    const start = performance.now();
    let outcome: ActionOutcome;
    try {
      const { latencyMs, error } = await run(ctx);
      outcome = error === undefined ? { ok: true, latencyMs } : { ok: false, latencyMs, error };
    } catch (err) {
      outcome = { ok: false, latencyMs: performance.now() - start, error: (err as Error).message };
    }
    counts.lastLatencyMs = outcome.latencyMs;
    try {
      onOutcome?.(outcome, ctx);
    } catch (err) {
      log.error(
        { event: 'action_observer_failed', err: (err as Error).message },
        'action outcome observer threw',
      );
    }
    if (outcome.ok) {
      counts.ok += 1;
      log.debug(
        {
          event: 'action_done',
          action: config.kind,
          camera: ctx.camera,
          frame: ctx.frame,
          latency_ms: outcome.latencyMs,
        },
        'action done',
      );
    } else {
      counts.failed += 1;
      counts.lastError = outcome.error;
      log.warn(
        {
          event: 'action_failed',
          action: config.kind,
          camera: ctx.camera,
          frame: ctx.frame,
          err: outcome.error,
        },
        `${config.kind} action failed: ${outcome.error}`,
      );
    }
    return outcome;
  };

  const trigger = (ctx: ActionContext): Promise<ActionOutcome> => {
    if (!on.has(ctx.verdict)) return Promise.resolve({ ok: true, latencyMs: 0, skipped: 'verdict' });
    counts.triggered += 1;
    if (running.size >= config.maxInFlight) {
      counts.busy += 1;
      log.warn(
        { event: 'action_busy', action: config.kind, camera: ctx.camera, frame: ctx.frame },
        `${config.kind} action skipped: ${config.maxInFlight} still running`,
      );
      return Promise.resolve({ ok: false, latencyMs: 0, error: 'busy', skipped: 'busy' });
    }
    const p = once(ctx);
    running.add(p);
    void p.then(() => running.delete(p));
    return p;
  };

  return {
    kind: config.kind,
    trigger,
    fire(ctx) {
      void trigger(ctx);
    },
    counts: () => ({ ...counts }),
    async close() {
      await Promise.all([...running]);
    },
  };
}
