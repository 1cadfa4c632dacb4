import { existsSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';
import { samplePath } from './layout.ts';
import { createDuckDbSampleIndex, type SampleIndex } from './sample-index.ts';
import { createSampleStore } from './sample-store.ts';
import { chunksOf, metaFor, noiseJpeg } from './test-images.ts';

const log = pino({ level: 'silent' });
const root = mkdtempSync(join(tmpdir(), 'sl-sample-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const A = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
// The fourth is smaller, so evicting one of the first three makes room for it.
const images = [...[1, 2, 3].map((seed) => noiseJpeg(64, 48, seed)), noiseJpeg(48, 32, 4)];
const size = (i: number) => (images[i] as Uint8Array).byteLength;

let db: DuckDbStore;
let index: SampleIndex;
let dir: string;
let n = 0;
beforeEach(async () => {
  dir = join(root, `s${++n}`);
  db = await createDuckDbStore({ path: join(dir, 'hub.duckdb') });
  index = await createDuckDbSampleIndex({ connect: db.connect });
});
afterEach(async () => {
  await index.close();
  await db.close();
});

function put(store: Awaited<ReturnType<typeof createSampleStore>>, i: number, receivedTs: number, ref = A) {
  const bytes = images[i] as Uint8Array;
  const meta = metaFor(bytes, { seq: i });
  return store.put({
    ref,
    sha256: meta.sha256,
    metas: [meta],
    receivedTs,
    chunks: async function* () {
      yield* chunksOf(bytes);
    },
  });
}
const sha = (i: number) => metaFor(images[i] as Uint8Array).sha256;
const onDisk = (i: number) => existsSync(samplePath(dir, sha(i), 'image/jpeg'));

describe('content-addressed sample store', () => {
  it('writes an image once per sha256, however many senders and seqs point at it', async () => {
    const store = await createSampleStore({ dir, quotaBytes: 1e6, index, log });
    expect(await put(store, 0, 1)).toEqual({ kind: 'stored', inserted: 1 });
    expect(await put(store, 0, 2)).toEqual({ kind: 'stored', inserted: 0 });
    expect(await put(store, 0, 3, { ...A, agent: 'cam-2' })).toEqual({ kind: 'stored', inserted: 1 });
    expect(store.counts()).toMatchObject({ stored: 2, files: 1, bytes: size(0) });
    expect(await index.usage()).toEqual({ files: 1, bytes: size(0) });
  });

  it('evicts the oldest unlabelled images first when the quota is reached', async () => {
    const quotaBytes = size(0) + size(1) + size(2) + 10;
    const store = await createSampleStore({ dir, quotaBytes, index, log, lowWater: 1 });
    for (const i of [0, 1, 2]) await put(store, i, 100 + i);
    await index.setLabel(sha(0), 'defect'); // the oldest, but a person labelled it
    await put(store, 3, 200);
    expect([0, 1, 2, 3].map(onDisk)).toEqual([true, false, true, true]);
    const left = (await index.list({ limit: 10 })).samples.map((s) => s.seq).sort();
    expect(left).toEqual([0, 2, 3]);
    const bytes = size(0) + size(2) + size(3);
    expect(await index.usage()).toEqual({ files: 3, bytes });
    expect(store.counts()).toMatchObject({ files: 3, bytes, evicted: 1 });
  });

  it('refuses an image larger than the whole quota', async () => {
    const store = await createSampleStore({ dir, quotaBytes: 1000, index, log });
    expect(await put(store, 0, 1)).toMatchObject({ kind: 'rejected', code: 'SL_SAMPLE_TOO_LARGE' });
    expect(onDisk(0)).toBe(false);
  });

  it('reconciles disk and table on open: orphans and temp files go, rows of missing files go', async () => {
    const first = await createSampleStore({ dir, quotaBytes: 1e6, index, log });
    for (const i of [0, 1]) await put(first, i, i);
    unlinkSync(samplePath(dir, sha(0), 'image/jpeg')); // deleted by hand
    const orphan = samplePath(dir, sha(2), 'image/jpeg'); // renamed, then a crash before its row
    mkdirSync(join(orphan, '..'), { recursive: true });
    writeFileSync(orphan, images[2] as Uint8Array);
    const temp = join(dir, sha(1).slice(0, 2), `.${sha(1)}.abc.tmp`);
    writeFileSync(temp, 'half');

    const second = await createSampleStore({ dir, quotaBytes: 1e6, index, log });
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(temp)).toBe(false);
    expect(onDisk(1)).toBe(true);
    expect((await index.list({ limit: 10 })).samples.map((s) => s.seq)).toEqual([1]);
    expect(second.counts()).toMatchObject({ files: 1, bytes: size(1) });
  });
});
