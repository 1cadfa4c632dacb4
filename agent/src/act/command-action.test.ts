import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandActionConfig } from './config.ts';
import { createAction } from './index.ts';

const log = pino({ level: 'silent' });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-act-cmd-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const command = (argv: string[], extra: Record<string, unknown> = {}) =>
  CommandActionConfig.parse({ kind: 'command', argv, ...extra });

/** A node child that writes its SL_* environment to a file. */
const writeEnvTo = (file: string) => [
  process.execPath,
  '-e',
  `require('node:fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('SL_')))))`,
];

describe('command action', () => {
  it('runs argv without a shell and passes the verdict in SL_* variables', async () => {
    const out = join(dir, 'env.json');
    const action = createAction(command(writeEnvTo(out)), log, { env: { PATH: '/usr/bin' } });
    const outcome = await action.trigger({
      verdict: 'defect',
      score: 0.87,
      camera: 'cam0',
      frame: 'cam0-41',
      seq: 1041,
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.latencyMs).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual({
      SL_VERDICT: 'defect',
      SL_SCORE: '0.87',
      SL_CAMERA: 'cam0',
      SL_FRAME: 'cam0-41',
      SL_SEQ: '1041',
    });
    expect(action.counts()).toMatchObject({ triggered: 1, ok: 1, failed: 0 });
  });

  it('does not run for verdicts it is not configured for', async () => {
    const out = join(dir, 'never.json');
    const action = createAction(command(writeEnvTo(out)), log);
    const outcome = await action.trigger({ verdict: 'ok', score: 0.1, camera: 'cam0', frame: 'f' });
    expect(outcome).toEqual({ ok: true, latencyMs: 0, skipped: 'verdict' });
    await expect(readFile(out)).rejects.toThrow(/ENOENT/);
    expect(action.counts().triggered).toBe(0);
  });

  it('reports a non-zero exit with the stderr tail, and a missing program, without throwing', async () => {
    const failing = createAction(
      command([process.execPath, '-e', 'console.error("relay busy"); process.exit(3)']),
      log,
    );
    const outcome = await failing.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/exit code 3: relay busy/);

    const missing = createAction(command(['/nonexistent/reject-part']), log);
    const miss = await missing.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(miss.ok).toBe(false);
    expect(miss.error).toMatch(/\/nonexistent\/reject-part not found/);
    expect(missing.counts()).toMatchObject({ triggered: 1, failed: 1, lastError: miss.error });
  });

  it('kills a program that overruns its timeout', async () => {
    const action = createAction(
      command([process.execPath, '-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 200 }),
      log,
    );
    const outcome = await action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/killed after 200 ms/);
    expect(outcome.latencyMs).toBeGreaterThanOrEqual(190);
    expect(outcome.latencyMs).toBeLessThan(5000);
  });

  it('fire() returns at once, skips triggers beyond maxInFlight, and reports each outcome', async () => {
    const latencies: number[] = [];
    const action = createAction(
      command([process.execPath, '-e', 'setTimeout(() => {}, 300)'], { maxInFlight: 2 }),
      log,
      { onOutcome: (o) => latencies.push(o.latencyMs) },
    );
    const t = performance.now();
    for (let i = 0; i < 5; i++)
      action.fire({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: `f${i}` });
    expect(performance.now() - t).toBeLessThan(100);
    expect(action.counts()).toMatchObject({ triggered: 5, busy: 3 });
    await action.close();
    expect(action.counts()).toMatchObject({ triggered: 5, ok: 2, failed: 0, busy: 3 });
    expect(latencies).toHaveLength(2);
    for (const ms of latencies) expect(ms).toBeGreaterThanOrEqual(300);
  });
});
