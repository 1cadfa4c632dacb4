import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GpioActionConfig } from './config.ts';
import { createAction } from './index.ts';

const log = pino({ level: 'silent' });
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sl-gpio-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

/** A temp dir laid out like /sys/class/gpio with line N exported. */
async function exportLine(n: number, idle = '0') {
  await mkdir(join(root, `gpio${n}`));
  await writeFile(join(root, `gpio${n}`, 'direction'), 'in');
  await writeFile(join(root, `gpio${n}`, 'value'), idle);
}

async function waitForContent(path: string, want: string, ms = 2000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await readFile(path, 'utf8').catch(() => '');
    if (got === want) return;
    if (Date.now() > deadline) throw new Error(`${path} is "${got}", expected "${want}"`);
    await delay(5);
  }
}

const gpio = (extra: Record<string, unknown>) =>
  GpioActionConfig.parse({ kind: 'gpio', sysfsRoot: root, ...extra });

describe('gpio action (sysfs)', () => {
  it('sets the line to output, writes 1, then 0 after pulseMs', async () => {
    await exportLine(17);
    const action = createAction(gpio({ line: 17, pulseMs: 300 }), log);
    const t = performance.now();
    const pending = action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    await waitForContent(join(root, 'gpio17', 'value'), '1');
    expect(await readFile(join(root, 'gpio17', 'direction'), 'utf8')).toBe('low');
    const outcome = await pending;
    expect(performance.now() - t).toBeGreaterThanOrEqual(290);
    expect(outcome.ok).toBe(true);
    expect(outcome.latencyMs).toBeLessThan(290); // latency is to the rising edge, not the end of the pulse
    expect(await readFile(join(root, 'gpio17', 'value'), 'utf8')).toBe('0');
  });

  it('inverts levels for activeLow lines', async () => {
    await exportLine(4, '1'); // idle level of an active-low line
    const action = createAction(gpio({ line: 4, pulseMs: 300, activeLow: true }), log);
    const pending = action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    await waitForContent(join(root, 'gpio4', 'value'), '0');
    expect(await readFile(join(root, 'gpio4', 'direction'), 'utf8')).toBe('high');
    expect((await pending).ok).toBe(true);
    expect(await readFile(join(root, 'gpio4', 'value'), 'utf8')).toBe('1');
  });

  it('a trigger during a pulse extends it; both resolve when the line goes idle', async () => {
    await exportLine(5);
    const action = createAction(gpio({ line: 5, pulseMs: 250 }), log);
    const first = action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'a' });
    await waitForContent(join(root, 'gpio5', 'value'), '1');
    await delay(150);
    const t = performance.now();
    const second = action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'b' });
    const [a, b] = await Promise.all([first, second]);
    expect(performance.now() - t).toBeGreaterThanOrEqual(240);
    expect([a.ok, b.ok]).toEqual([true, true]);
    expect(await readFile(join(root, 'gpio5', 'value'), 'utf8')).toBe('0');
  });

  it('exports a line that is not exported yet through <root>/export', async () => {
    await writeFile(join(root, 'export'), '');
    const action = createAction(gpio({ line: 23, pulseMs: 50 }), log);
    // Stand in for the kernel: create gpio23/ when "23" is written to export.
    const kernel = (async () => {
      await waitForContent(join(root, 'export'), '23');
      await mkdir(join(root, 'gpio23'));
      await writeFile(join(root, 'gpio23', 'direction'), 'in');
      await writeFile(join(root, 'gpio23', 'value'), '0');
    })();
    const outcome = await action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    await kernel;
    expect(outcome.ok).toBe(true);
    expect(await readFile(join(root, 'gpio23', 'direction'), 'utf8')).toBe('low');
  });

  it('reports a line it cannot reach with a fix, and never throws', async () => {
    const action = createAction(gpio({ line: 99, sysfsRoot: join(root, 'missing') }), log);
    const outcome = await action.trigger({ verdict: 'defect', score: 0.9, camera: 'cam0', frame: 'f' });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/gpio 99: cannot export .*gpio group.*gpioset/);
    expect(action.counts()).toMatchObject({ triggered: 1, failed: 1 });
  });
});
