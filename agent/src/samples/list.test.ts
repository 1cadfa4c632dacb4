import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatSamples, listSamples } from './list.ts';
import { createSampleStore } from './store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-samples-list-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const DAY1 = Date.UTC(2025, 0, 31, 23, 59, 0);
const DAY2 = Date.UTC(2025, 1, 1, 0, 1, 0);

describe('listSamples', () => {
  it('lists newest first across days, with limit and since, skipping broken sidecars', async () => {
    // A fake encoder: the listing does not care what the bytes are.
    const store = createSampleStore({
      dir,
      maxPerHour: 100,
      maxMB: 10,
      okShare: 1,
      nearBand: 0.05,
      log: pino({ level: 'silent' }),
      encodeJpeg: async () => new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
    });
    const frame = { width: 2, height: 2, channels: 1 as const, data: new Uint8Array(4) };
    await store.consider(frame, {
      verdict: 'defect',
      score: 0.9,
      threshold: 0.5,
      camera: 'cam0',
      frameId: 'a',
      ts: DAY1,
    });
    await store.consider(frame, {
      verdict: 'ok',
      score: 0.1,
      threshold: 0.5,
      camera: 'cam1',
      frameId: 'b',
      ts: DAY2,
    });
    await store.consider(frame, {
      verdict: 'ok',
      score: 0.47,
      threshold: 0.5,
      camera: 'cam0',
      frameId: 'c',
      ts: DAY2 + 5,
    });
    await writeFile(join(dir, '2025-02-01', `${DAY2 + 9}_ok_cam0_broken.json`), '{"half');
    await writeFile(join(dir, '2025-02-01', `${DAY2 + 9}_ok_cam0_broken.jpg`), 'x');

    const all = await listSamples(dir);
    expect(all.map((s) => [s.frame, s.category, s.camera])).toEqual([
      ['c', 'near', 'cam0'],
      ['b', 'ok', 'cam1'],
      ['a', 'defect', 'cam0'],
    ]);
    expect((await listSamples(dir, { limit: 2 })).map((s) => s.frame)).toEqual(['c', 'b']);
    expect((await listSamples(dir, { since: DAY2 + 1 })).map((s) => s.frame)).toEqual(['c']);
    expect(await listSamples(join(dir, 'missing'))).toEqual([]);

    const text = formatSamples(all.slice(2), dir);
    expect(text).toBe(
      `2025-01-31T23:59:00.000Z  defect  cam0      score 0.900 (threshold 0.500)  ${dir}/2025-01-31/${DAY1}_defect_cam0_a.jpg\n`,
    );
    expect(formatSamples([], dir)).toBe(`no samples in ${dir}\n`);
  });
});
