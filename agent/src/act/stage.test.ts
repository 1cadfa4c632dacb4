import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSimulatedClock, createSteppedScheduler } from '../line/clock.ts';
import type { Inspection } from '../pipeline/inspection.ts';
import type { Action, ActionContext } from './action.ts';
import { ActionConfig } from './config.ts';
import { createActStage, type LateVerdict } from './stage.ts';

const log = pino({ level: 'silent' });

/** An action that keeps what it was fired with. */
function recording(): Action & { fired: ActionContext[] } {
  const fired: ActionContext[] = [];
  return {
    kind: 'none',
    fired,
    trigger: async () => ({ ok: true, latencyMs: 0 }),
    fire: (ctx) => fired.push(ctx),
    counts: () => ({ triggered: fired.length, ok: fired.length, failed: 0, busy: 0 }),
    close: async () => undefined,
  };
}

const part = (id: string, triggerTs: number, verdict: 'ok' | 'defect', encoder?: number): Inspection =>
  ({
    camera: 'cam0',
    captured: {
      id: `f-${id}`,
      ts: triggerTs,
      captureMs: 0,
      frame: { width: 1, height: 1, channels: 1, data: new Uint8Array(1) },
    },
    decision: { verdict, score: verdict === 'defect' ? 0.9 : 0.1, threshold: 0.5 },
    trigger: { kind: 'gpio', ts: triggerTs, delay: 0, ...(encoder === undefined ? {} : { encoder }) },
    part: { id, from: 'trigger' },
  }) as Inspection;

describe('act stage: reject timing', () => {
  it("fires each defective part's action delayMs after its trigger, in order, on the line clock", () => {
    const clock = createSimulatedClock();
    const action = recording();
    const config = ActionConfig.parse({ kind: 'none', delayMs: 500, windowMs: 50 });
    const act = createActStage({ camera: 'cam0', actions: [{ config, action }], clock, log });
    clock.advance(1000);
    act.act(part('A', 1000, 'defect'));
    act.act(part('B', 1100, 'ok'));
    clock.advance(1100);
    act.act(part('C', 1200, 'defect'));
    expect(action.fired).toEqual([]);
    clock.advance(1500);
    expect(action.fired.map((c) => [c.part, c.due])).toEqual([['A', 1500]]);
    clock.advance(1800);
    expect(action.fired.map((c) => [c.part, c.due])).toEqual([
      ['A', 1500],
      ['C', 1700],
    ]);
  });

  it('fires a verdict that is late but inside the window at once; one after the window is counted late, not fired', () => {
    const clock = createSimulatedClock();
    const action = recording();
    const late: LateVerdict[] = [];
    const config = ActionConfig.parse({ kind: 'none', delayMs: 500, windowMs: 50 });
    const act = createActStage({
      camera: 'cam0',
      actions: [{ config, action }],
      clock,
      onLate: (l) => late.push(l),
      log,
    });
    clock.advance(1530);
    act.act(part('A', 1000, 'defect')); // due 1500, window to 1550: still in front of the gate
    act.act(part('B', 900, 'defect')); // due 1400, window to 1450: gone
    expect(action.fired.map((c) => [c.part, c.due])).toEqual([['A', 1530]]);
    expect(late).toEqual([{ camera: 'cam0', part: 'B', action: 'none', by: 80, unit: 'ms' }]);
    expect(act.late()).toBe(1);
  });

  it('with delayCounts follows the encoder, whatever the clock says', () => {
    const clock = createSimulatedClock();
    const encoder = createSteppedScheduler(0);
    const action = recording();
    const config = ActionConfig.parse({ kind: 'none', delayCounts: 1000, windowCounts: 100 });
    const act = createActStage({ camera: 'cam0', actions: [{ config, action }], clock, encoder, log });
    encoder.advance(200);
    act.act(part('A', 0, 'defect', 200));
    clock.advance(1e9);
    expect(action.fired).toEqual([]);
    encoder.advance(1199);
    expect(action.fired).toEqual([]);
    encoder.advance(1201);
    expect(action.fired.map((c) => [c.part, c.due])).toEqual([['A', 1200]]);
  });
});
