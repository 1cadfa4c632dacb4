import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTemperatureC } from './temperature.ts';

describe('readTemperatureC', () => {
  it('reports the hottest zone in °C and skips unreadable ones', async () => {
    const root = await mkdtemp(join(tmpdir(), 'sl-thermal-'));
    try {
      for (const [zone, value] of [
        ['thermal_zone0', '41500'],
        ['thermal_zone1', '67250'],
        ['thermal_zone2', 'garbage'],
      ] as const) {
        await mkdir(join(root, zone));
        await writeFile(join(root, zone, 'temp'), `${value}\n`);
      }
      expect(await readTemperatureC(root)).toBe(67.25);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('is undefined where the device has no thermal zones', async () => {
    expect(await readTemperatureC('/nonexistent/thermal')).toBeUndefined();
  });
});
