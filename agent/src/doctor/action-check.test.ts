import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ActionConfig } from '../act/index.ts';
import { checkActions } from './action-check.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-doctor-act-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('checkActions', () => {
  it('passes runnable actions and fails the ones that cannot run, without triggering any', async () => {
    const script = join(dir, 'reject.sh');
    await writeFile(script, '#!/bin/sh\ntouch "$0.ran"\n');
    await chmod(script, 0o755);
    await mkdir(join(dir, 'gpio', 'gpio17'), { recursive: true });
    await writeFile(join(dir, 'gpio', 'gpio17', 'value'), '0');
    const actions = z
      .array(ActionConfig)
      .parse([
        { kind: 'command', argv: [script] },
        { kind: 'command', argv: ['gpioset', 'x'] },
        { kind: 'command', argv: [join(dir, 'missing')] },
        { kind: 'gpio', line: 17, sysfsRoot: join(dir, 'gpio') },
        { kind: 'gpio', line: 18, sysfsRoot: join(dir, 'no-gpio') },
        { kind: 'http', url: 'http://127.0.0.1:9/reject' },
        { kind: 'none' },
      ]);
    const checks = await checkActions(actions);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['action 1 (command)', true],
      ['action 2 (command)', false],
      ['action 3 (command)', false],
      ['action 4 (gpio)', true],
      ['action 5 (gpio)', false],
      ['action 6 (http)', true],
    ]);
    expect(checks[1]?.fix).toMatch(/command -v gpioset/);
    expect(checks[2]?.detail).toMatch(/ENOENT/);
    expect(checks[3]?.detail).toBe(
      `line 17: ${join(dir, 'gpio', 'gpio17', 'value')} is writable; pulses 200 ms on defect`,
    );
    expect(checks[4]?.fix).toMatch(/gpio group/);
    // Nothing was triggered.
    await expect(access(`${script}.ran`)).rejects.toThrow(/ENOENT/);
  });
});
