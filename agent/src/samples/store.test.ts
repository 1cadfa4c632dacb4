import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImageFrame } from '@sightline/models';
import { SampleMeta } from '@sightline/protocol';
import pino from 'pino';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadOpenCv } from '../capture/index.ts';
import { AgentError } from '../errors.ts';
import type { Inspection } from '../pipeline/inspection.ts';
import { createOpenCvJpegEncoder } from './jpeg.ts';
import { createSampleKeeper } from './keeper.ts';
import { createSampleStore, type SampleContext, type SampleStoreOptions } from './store.ts';
import { createUploadQueue } from './upload-queue.ts';

const log = pino({ level: 'silent' });
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 1, 10, 0, 0); // 2025-06-01T10:00Z
let dir: string;
let cv: Awaited<ReturnType<typeof loadOpenCv>>;
beforeAll(async () => {
  cv = await loadOpenCv();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-samples-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const flat = (level: number, w = 64, h = 48): ImageFrame => ({
  width: w,
  height: h,
  channels: 3,
  data: new Uint8Array(w * h * 3).fill(level),
});

/** Deterministic noise: JPEG cannot compress it much, so each sample is large. */
function noise(seed: number, w = 96, h = 96): ImageFrame {
  const data = new Uint8Array(w * h * 3);
  let x = ((seed + 1) * 2654435761) >>> 0;
  for (let i = 0; i < data.length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    data[i] = x >>> 24;
  }
  return { width: w, height: h, channels: 3, data };
}

const ctx = (over: Partial<SampleContext>): SampleContext => ({
  verdict: 'ok',
  score: 0.1,
  threshold: 0.5,
  camera: 'cam0',
  frameId: 'cam0-1',
  ts: T0,
  ...over,
});

const store = (over: Partial<SampleStoreOptions> = {}) =>
  createSampleStore({
    dir,
    maxPerHour: 100,
    maxMB: 100,
    okShare: 0,
    nearBand: 0.05,
    log,
    encodeJpeg: createOpenCvJpegEncoder({ quality: 90 }),
    ...over,
  });

describe('sample store', () => {
  it('saves every defect as a JPEG with a sidecar, and returns a relative reference', async () => {
    const s = store();
    const ref = (
      await s.consider(flat(100), {
        ...ctx({ verdict: 'defect', score: 0.83, frameId: 'cam0-7', ts: T0 + 1234 }),
        model: { id: 'default', version: '1.0.0' },
      })
    )?.file;
    expect(ref).toBe(`2025-06-01/${T0 + 1234}_defect_cam0_cam0-7.jpg`);
    if (!ref) return;
    const mat = cv.imdecode(await readFile(join(dir, ref)));
    expect([mat.cols, mat.rows, mat.channels]).toEqual([64, 48, 3]);
    const pixel = mat.atRaw(20, 30) as unknown as number[];
    for (const v of pixel) expect(Math.abs(v - 100)).toBeLessThanOrEqual(2);
    const sidecar = JSON.parse(await readFile(join(dir, ref.replace('.jpg', '.json')), 'utf8'));
    expect(sidecar).toEqual({
      file: ref,
      ts: T0 + 1234,
      camera: 'cam0',
      frame: 'cam0-7',
      category: 'defect',
      verdict: 'defect',
      score: 0.83,
      threshold: 0.5,
      model: { id: 'default', version: '1.0.0' },
      width: 64,
      height: 48,
      channels: 3,
      bytes: (await stat(join(dir, ref))).size,
      sha256: createHash('sha256')
        .update(await readFile(join(dir, ref)))
        .digest('hex'),
    });
  });

  it('saves near-threshold frames and only the random share of OK frames', async () => {
    const draws = [0.5, 0.004, 0.9, 0.0099];
    const s = store({ okShare: 0.01, random: () => draws.shift() ?? 1 });
    expect((await s.consider(flat(10), ctx({ score: 0.46, frameId: 'near' })))?.file).toMatch(
      /_near_cam0_near\.jpg$/,
    );
    expect(
      (await s.consider(flat(10), ctx({ verdict: 'uncertain', score: 0.3, frameId: 'unc' })))?.file,
    ).toMatch(/_near_/);
    const ok = [];
    for (let i = 0; i < 4; i++)
      ok.push((await s.consider(flat(10), ctx({ score: 0.1, frameId: `ok${i}`, ts: T0 + i })))?.file);
    expect(ok.map((r) => r !== undefined)).toEqual([false, true, false, true]);
    expect(s.counts().saved).toEqual({ defect: 0, near: 2, ok: 2 });
    expect((await readdir(join(dir, '2025-06-01'))).filter((f) => f.endsWith('.jpg'))).toHaveLength(4);
  });

  it('caps each category per clock hour, and the caps survive a restart', async () => {
    const s = store({ maxPerHour: { defect: 3, near: 1, ok: 0 }, okShare: 1 });
    const saved = [];
    for (let i = 0; i < 5; i++)
      saved.push(
        (await s.consider(flat(50), ctx({ verdict: 'defect', score: 0.9, frameId: `d${i}`, ts: T0 + i })))
          ?.file,
      );
    expect(saved.filter(Boolean)).toHaveLength(3);
    expect(
      (await s.consider(flat(50), ctx({ score: 0.48, frameId: 'n1', ts: T0 + 10 })))?.file,
    ).toBeDefined();
    expect(
      (await s.consider(flat(50), ctx({ score: 0.52, verdict: 'defect', frameId: 'd9', ts: T0 + 11 })))?.file,
    ).toBeUndefined();
    expect(
      (await s.consider(flat(50), ctx({ score: 0.49, frameId: 'n2', ts: T0 + 12 })))?.file,
    ).toBeUndefined();
    expect(
      (await s.consider(flat(50), ctx({ score: 0.1, frameId: 'o1', ts: T0 + 13 })))?.file,
    ).toBeUndefined();
    expect(s.counts()).toMatchObject({
      saved: { defect: 3, near: 1, ok: 0 },
      capped: { defect: 3, near: 1, ok: 0 },
    });
    await s.close();

    // Same hour after a restart: the samples on disk already fill the defect cap.
    const again = store({ maxPerHour: { defect: 3, near: 1, ok: 0 } });
    expect(
      (await again.consider(flat(50), ctx({ verdict: 'defect', score: 0.9, frameId: 'r', ts: T0 + 20 })))
        ?.file,
    ).toBeUndefined();
    expect(again.counts()).toMatchObject({ files: 4, capped: { defect: 1 } });
    // Next hour: room again.
    expect(
      (await again.consider(flat(50), ctx({ verdict: 'defect', score: 0.9, frameId: 'h', ts: T0 + HOUR })))
        ?.file,
    ).toBe(`2025-06-01/${T0 + HOUR}_defect_cam0_h.jpg`);
  });

  it('deletes the oldest samples to stay within the disk quota, and counts them', async () => {
    const quota = 0.05; // MB: room for about five of the ~9 kB noise samples
    const s = store({ maxMB: quota });
    const refs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const ref = (
        await s.consider(
          noise(i),
          ctx({ verdict: 'defect', score: 0.9, frameId: `q${i}`, ts: T0 + i * 1000 }),
        )
      )?.file;
      refs.push(ref ?? 'not saved');
    }
    expect(refs).not.toContain('not saved');
    const onDisk = async () => {
      const names = (await readdir(join(dir, '2025-06-01'))).sort();
      let bytes = 0;
      for (const n of names) bytes += (await stat(join(dir, '2025-06-01', n))).size;
      return { jpgs: names.filter((n) => n.endsWith('.jpg')).map((n) => `2025-06-01/${n}`), bytes };
    };
    const { jpgs, bytes } = await onDisk();
    const counts = s.counts();
    expect(bytes).toBeLessThanOrEqual(quota * 2 ** 20);
    expect(counts.bytes).toBe(bytes);
    expect(counts.files).toBe(jpgs.length);
    expect(counts.evicted).toBe(10 - jpgs.length);
    expect(counts.evicted).toBeGreaterThan(0);
    // What is left is the newest samples, and no more was deleted than needed.
    expect(jpgs).toEqual(refs.slice(10 - jpgs.length));
    const largest = Math.max(...(await Promise.all(jpgs.map((j) => stat(join(dir, j)).then((x) => x.size)))));
    expect(bytes).toBeGreaterThan(quota * 2 ** 20 - 2 * largest);
    // A restarted store finds the same total.
    const again = store({ maxMB: quota });
    await again.ready();
    expect(again.counts()).toMatchObject({ files: jpgs.length, bytes });
  });

  it('counts a missing OpenCV as a failure with its fix and never rejects', async () => {
    const s = store({
      encodeJpeg: createOpenCvJpegEncoder({
        load: () =>
          Promise.reject(
            new AgentError(
              'SL_OPENCV_MISSING',
              'the OpenCV addon (@u4/opencv4nodejs) is not available: install libopencv-dev',
            ),
          ),
      }),
    });
    expect((await s.consider(flat(1), ctx({ verdict: 'defect', score: 0.9 })))?.file).toBeUndefined();
    expect(
      (await s.consider(flat(1), ctx({ verdict: 'defect', score: 0.9, frameId: 'b' })))?.file,
    ).toBeUndefined();
    expect(s.counts()).toMatchObject({ failed: 2, files: 0, saved: { defect: 0 } });
    expect(s.counts().lastError).toMatch(/install libopencv-dev/);
  });

  it('encodes single-channel frames and rejects a frame whose size does not match its bytes', async () => {
    const encode = createOpenCvJpegEncoder();
    const grey = cv.imdecode(
      Buffer.from(await encode({ width: 40, height: 30, channels: 1, data: new Uint8Array(1200).fill(200) })),
      0,
    );
    expect([grey.cols, grey.rows, grey.channels]).toEqual([40, 30, 1]);
    expect(Math.abs((grey.at(10, 10) as unknown as number) - 200)).toBeLessThanOrEqual(2);
    await expect(encode({ width: 40, height: 30, channels: 3, data: new Uint8Array(1200) })).rejects.toThrow(
      /40x30x3 but holds 1200 bytes, not 3600/,
    );
  });
});

describe('sample keeper', () => {
  it('describes a frame timed to a fraction of a ms (a conveyor source) with a meta the wire accepts', async () => {
    const s = store();
    const keeper = createSampleKeeper({ store: s, uploads: createUploadQueue(dir, log), log });
    const ts = T0 + 1234.567;
    const inspection = {
      camera: 'cam0',
      captured: {
        id: 'cam0-7',
        ts,
        frame: flat(90),
      },
      inferred: { model: { id: 'default', version: '1.0.0' } },
      decision: { verdict: 'defect', score: 0.9, threshold: 0.5 },
    } as unknown as Inspection;
    const kept = await keeper.keep(inspection);
    expect(kept?.meta.ts).toBe(Math.round(ts));
    expect(kept?.saved.file).toContain(`${Math.round(ts)}_defect_cam0_cam0-7.jpg`);
    const checked = SampleMeta.safeParse({ ...kept?.meta, seq: 1 });
    expect(checked.error?.message).toBeUndefined();
    await s.close();
  });
});
