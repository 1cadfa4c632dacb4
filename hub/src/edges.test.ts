import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseHubConfig } from './config/index.ts';
import { openSamples } from './edges.ts';
import { createDuckDbStore } from './store/index.ts';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sl-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openSamples', () => {
  it('keeps an in-memory hub’s images in a temp folder it removes on close', async () => {
    const store = await createDuckDbStore({ path: ':memory:' });
    const samples = await openSamples(parseHubConfig({ store: { path: ':memory:' } }), store, log);
    expect(samples?.dir).toContain('sl-samples-');
    expect(existsSync(samples?.dir as string)).toBe(true);
    await samples?.close();
    expect(existsSync(samples?.dir as string)).toBe(false);
    await store.close();
  });

  it('puts the folder beside the database, and is off when disabled', async () => {
    const path = join(dir, 'db', 'hub.duckdb');
    const store = await createDuckDbStore({ path });
    const samples = await openSamples(parseHubConfig({ store: { path } }), store, log);
    expect(samples?.dir).toBe(join(dir, 'db', 'samples'));
    await samples?.close();
    expect(await openSamples(parseHubConfig({ samples: { enabled: false } }), store, log)).toBeUndefined();
    await store.close();
  });

  it('names samples.dir when the folder cannot be used', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    const store = await createDuckDbStore({ path: ':memory:' });
    await expect(openSamples(parseHubConfig({ samples: { dir: file } }), store, log)).rejects.toMatchObject({
      code: 'SL_SAMPLES_OPEN_FAILED',
      message: expect.stringContaining('set samples.dir (SL_HUB_SAMPLES_DIR) to a writable folder'),
    });
    await store.close();
  });
});
