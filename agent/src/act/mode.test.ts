import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inspection } from '../pipeline/inspection.ts';
import { resultOf } from '../record/result.ts';
import { withModeCommands } from '../session/mode-commands.ts';
import { gateByMode, loadAgentMode } from './mode.ts';
import type { ActStage } from './stage.ts';

const log = pino({ level: 'silent' });
let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

const inspection = (): Inspection =>
  ({
    camera: 'cam0',
    captured: { id: 'f1', ts: 1000, captureMs: 1 },
    inferred: { model: { id: 'm', version: '1' }, score: 0.9, inferMs: 1 },
    decision: { verdict: 'defect', score: 0.9, threshold: 0.5 },
    latency: { capture: 1, preprocess: 1, infer: 1, total: 3 },
  }) as unknown as Inspection;

function countingStage(): ActStage & { fired: number } {
  const stage = {
    fired: 0,
    act() {
      stage.fired += 1;
    },
    close: async () => undefined,
  };
  return stage;
}

describe('agent mode', () => {
  it('in pilot decides and records but never acts; in live it acts; each result says which', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-mode-'));
    const mode = await loadAgentMode({ configured: 'pilot', stateDir: dir, log });
    const inner = countingStage();
    const act = gateByMode(inner, mode);
    const first = inspection();
    act.act(first);
    expect(inner.fired).toBe(0);
    expect(act.skipped()).toBe(1);
    expect(resultOf(first).mode).toBe('pilot');
    await mode.set('live');
    const second = inspection();
    act.act(second);
    expect(inner.fired).toBe(1);
    expect(resultOf(second).mode).toBe('live');
  });

  it('keeps the mode the hub set across a restart, over the configured one', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-mode-'));
    const first = await loadAgentMode({ configured: 'live', stateDir: dir, log });
    const reborn: number[] = [];
    const announced: string[] = [];
    const other: string[] = [];
    const handle = withModeCommands({
      mode: first,
      rebirth: () => reborn.push(1),
      announce: (from, to) => announced.push(`${from}->${to}`),
      log,
      next: (name) => other.push(name),
    });
    handle('set-mode', { mode: 'pilot' });
    await expect.poll(() => reborn.length).toBe(1);
    expect(first.current()).toBe('pilot');
    expect(announced).toEqual(['live->pilot']);
    expect(JSON.parse(await readFile(join(dir, 'mode.json'), 'utf8'))).toEqual({ mode: 'pilot' });
    handle('set-threshold', { threshold: 0.4 });
    expect(other).toEqual(['set-threshold']);
    // A restart with `mode: live` in the config keeps the hub's pilot.
    expect((await loadAgentMode({ configured: 'live', stateDir: dir, log })).current()).toBe('pilot');
  });
});
