import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SampleMeta } from '@sightline/protocol';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Inspection } from '../pipeline/inspection.ts';
import { createOpenCvJpegEncoder } from './jpeg.ts';
import { createSampleKeeper } from './keeper.ts';
import { createSampleStore } from './store.ts';
import { createUploadQueue } from './upload-queue.ts';

const log = pino({ level: 'silent' });
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-keeper-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('sample keeper', () => {
  it('describes a frame timed to a fraction of a ms (a conveyor source) with a meta the wire accepts', async () => {
    const store = createSampleStore({
      dir,
      maxPerHour: 100,
      maxMB: 100,
      okShare: 0,
      nearBand: 0.05,
      log,
      encodeJpeg: createOpenCvJpegEncoder({ quality: 90 }),
    });
    const keeper = createSampleKeeper({ store, uploads: createUploadQueue(dir, log), log });
    const ts = Date.UTC(2025, 5, 1, 10, 0, 0) + 1234.567;
    const inspection = {
      camera: 'cam0',
      captured: {
        id: 'cam0-7',
        ts,
        frame: { width: 32, height: 24, channels: 3, data: new Uint8Array(32 * 24 * 3).fill(90) },
      },
      inferred: { model: { id: 'default', version: '1.0.0' } },
      decision: { verdict: 'defect', score: 0.9, threshold: 0.5 },
    } as unknown as Inspection;
    const kept = await keeper.keep(inspection);
    expect(kept?.meta.ts).toBe(Math.round(ts));
    expect(kept?.saved.file).toContain(`${Math.round(ts)}_defect_cam0_cam0-7.jpg`);
    const checked = SampleMeta.safeParse({ ...kept?.meta, seq: 1 });
    expect(checked.error?.message).toBeUndefined();
    await store.close();
  });
});
