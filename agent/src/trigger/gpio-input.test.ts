import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TriggerConfig } from './config.ts';
import { createDebounce, createGpioInput, gpiomonArgs, parseGpiomonVersion } from './gpio-input.ts';

const gpio = (extra: object = {}) => {
  const c = TriggerConfig.parse({ kind: 'gpio', line: 17, ...extra });
  if (c.kind !== 'gpio') throw new Error('not gpio');
  return c;
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-gpio-in-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('gpio trigger input (libgpiod gpiomon)', () => {
  it('speaks both libgpiod generations', () => {
    expect(parseGpiomonVersion('gpiomon (libgpiod) v1.6.3\nCopyright (C) 2017-2018')).toBe(1);
    expect(parseGpiomonVersion('gpiomon (libgpiod) v2.1.3')).toBe(2);
    expect(gpiomonArgs(gpio({ debounceMs: 5, bias: 'pull-up' }), 2)).toEqual([
      '--chip',
      'gpiochip0',
      '--edges',
      'rising',
      '--debounce-period',
      '5000us',
      '--bias',
      'pull-up',
      '--format',
      '%e %S',
      '17',
    ]);
    expect(gpiomonArgs(gpio({ edge: 'falling', activeLow: true }), 1)).toEqual([
      '--falling-edge',
      '--active-low',
      '--format=%e %s.%n',
      'gpiochip0',
      '17',
    ]);
  });

  it('drops bounce by the kernel timestamps', () => {
    const accept = createDebounce(5);
    expect([10.0, 10.002, 10.0049, 10.006, 10.5].map(accept)).toEqual([true, false, false, true, true]);
  });

  // No GPIO chip here (this kernel has no gpio-sim): a stand-in gpiomon that prints what a real one
  // would for a bouncing photo-eye tests the process handling and parsing end to end.
  it('calls back once per debounced edge from a running gpiomon, and stops it', async () => {
    const fake = join(dir, 'gpiomon');
    const argsFile = join(dir, 'args.json');
    await writeFile(
      fake,
      `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] === '--version') { console.log('gpiomon (libgpiod) v2.1'); process.exit(0); }
require('node:fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(args));
const edges = [1.000, 1.001, 1.0015, 1.250, 1.2502, 1.500];
for (const t of edges) console.log('1 ' + t.toFixed(9));
setInterval(() => {}, 1000);
`,
    );
    await chmod(fake, 0o755);
    let edges = 0;
    const input = createGpioInput(gpio({ gpiomon: fake, debounceMs: 5 }), 'cam0', pino({ level: 'silent' }));
    await input.start(() => edges++);
    const deadline = Date.now() + 10_000;
    while (edges < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await input.stop();
    expect(edges).toBe(3);
    expect(JSON.parse(await readFile(argsFile, 'utf8'))).toContain('--debounce-period');
  });

  it('names the fix when gpiomon is not installed', async () => {
    const input = createGpioInput(
      gpio({ gpiomon: '/nonexistent/gpiomon' }),
      'cam0',
      pino({ level: 'silent' }),
    );
    await expect(input.start(() => undefined)).rejects.toThrow(/apt-get install gpiod/);
  });
});
