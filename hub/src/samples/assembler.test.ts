import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_CHUNK_BYTES } from '@sightline/protocol';
import { pino } from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';
import { type AssemblerLimits, createAssembler } from './assembler.ts';
import { PARTIAL_DIR, samplePath } from './layout.ts';
import { createPartialFiles } from './partial-files.ts';
import { createDuckDbSampleIndex, type SampleIndex } from './sample-index.ts';
import { createSampleStore } from './sample-store.ts';
import { chunksOf, metaFor, noiseJpeg } from './test-images.ts';

const log = pino({ level: 'silent' });
const root = mkdtempSync(join(tmpdir(), 'sl-assembler-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const A = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const B = { site: 'plant-a', line: 'line-1', agent: 'cam-2' };
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
// 256x256 noise: two full chunks would be 128 KiB; this is a bit under, so chunk 1 is short.
const image = noiseJpeg(256, 256, 7);
const meta = metaFor(image, { seq: 42, verdict: 'defect', score: 0.91, threshold: 0.5, camera: 'cam0' });
const chunks = chunksOf(image);

let store: DuckDbStore;
let index: SampleIndex;
let dir: string;
let clock: number;
let n = 0;

beforeEach(async () => {
  dir = join(root, `s${++n}`);
  store = await createDuckDbStore({ path: ':memory:' });
  index = await createDuckDbSampleIndex({ connect: store.connect });
  clock = 1_000_000;
});
afterEach(async () => {
  await index.close();
  await store.close();
});

async function open(limits: Partial<AssemblerLimits> = {}) {
  const images = await createSampleStore({ dir, quotaBytes: 64 * 1024 * 1024, index, log });
  const files = createPartialFiles(dir);
  let failures = 0;
  const put: typeof images.put = async (sample) => {
    if (failures-- > 0) throw new Error('ENOSPC: no space left on device');
    return images.put(sample);
  };
  const assembler = createAssembler({
    files,
    sink: { put, putReference: images.putReference, has: (r, s) => index.has(r, s) },
    limits: { maxPartials: 8, maxPartialBytes: 16 * 1024 * 1024, timeoutMs: 60_000, ...limits },
    log,
    now: () => clock,
  });
  await assembler.recover(await files.open());
  return {
    assembler,
    images,
    failNextPut: () => {
      failures = 1;
    },
  };
}

const partialFolders = () => readdirSync(join(dir, PARTIAL_DIR));
const stored = () => readFileSync(samplePath(dir, meta.sha256, 'image/jpeg'));

describe('sample assembler', () => {
  it('holds meta and chunks until the last, then stores the image once under its sha256', async () => {
    expect(chunks).toHaveLength(2);
    const { assembler, images } = await open();
    expect(await assembler.handle(A, meta.sha256, 'meta', enc(meta), 5)).toEqual({ kind: 'held' });
    expect(await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 6)).toEqual({ kind: 'held' });
    expect(partialFolders()).toHaveLength(1);
    expect(await assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 7)).toEqual({
      kind: 'stored',
      inserted: 1,
    });
    expect(Buffer.compare(stored(), image)).toBe(0);
    expect(partialFolders()).toEqual([]);
    const page = await index.list({ limit: 10 });
    expect(page.samples).toHaveLength(1);
    expect(page.samples[0]).toMatchObject({
      agent: 'cam-1',
      seq: 42,
      verdict: 'defect',
      bytes: image.length,
    });
    expect(images.counts()).toMatchObject({ stored: 1, files: 1, bytes: image.length });
    expect(assembler.counts()).toMatchObject({ partials: 0, partialBytes: 0, failed: 0 });
  });

  it('assembles chunks that come before their meta and in reverse order', async () => {
    const { assembler } = await open();
    expect(await assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 1)).toEqual({ kind: 'held' });
    expect(await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 2)).toEqual({ kind: 'held' });
    expect(assembler.counts().partialBytes).toBe(image.length);
    expect(await assembler.handle(A, meta.sha256, 'meta', enc(meta), 3)).toMatchObject({ kind: 'stored' });
    expect(Buffer.compare(stored(), image)).toBe(0);
  });

  it('counts repeated parts as duplicates, before and after the sample is stored', async () => {
    const { assembler } = await open();
    await assembler.handle(A, meta.sha256, 'meta', enc(meta), 1);
    await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 2);
    expect(await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 3)).toEqual({
      kind: 'duplicate',
    });
    expect(await assembler.handle(A, meta.sha256, 'meta', enc(meta), 4)).toEqual({ kind: 'duplicate' });
    await assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 5);
    // Redelivered after the commit (the hub crashed before its PUBACK): nothing new.
    expect(await assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 6)).toEqual({
      kind: 'duplicate',
    });
    expect(await assembler.handle(A, meta.sha256, 'meta', enc(meta), 7)).toEqual({ kind: 'duplicate' });
    expect(assembler.counts().duplicates).toBe(4);
    expect((await index.list({ limit: 10 })).samples).toHaveLength(1);
  });

  it('stores an image sent by two agents once, with a row for each', async () => {
    const { assembler, images } = await open();
    for (const ref of [A, B]) {
      await assembler.handle(ref, meta.sha256, 'meta', enc(meta), 1);
      for (const [i, chunk] of chunks.entries()) await assembler.handle(ref, meta.sha256, i, chunk, 2);
    }
    expect(images.counts()).toMatchObject({ stored: 2, files: 1, bytes: image.length });
    expect((await index.list({ limit: 10 })).samples.map((s) => s.agent).sort()).toEqual(['cam-1', 'cam-2']);
    // The same image again for another result: the meta alone is enough, later chunks are duplicates.
    const again = { ...meta, seq: 43 };
    expect(await assembler.handle(A, meta.sha256, 'meta', enc(again), 3)).toEqual({
      kind: 'stored',
      inserted: 1,
    });
    expect(await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 4)).toEqual({
      kind: 'duplicate',
    });
    expect(images.counts()).toMatchObject({ stored: 3, files: 1 });
  });

  it('dead-letters bytes that do not hash to the topic sha256, naming the sender', async () => {
    const { assembler, images } = await open();
    const bad = Uint8Array.from(chunks[1] as Uint8Array);
    bad[10] = (bad[10] ?? 0) ^ 0xff;
    await assembler.handle(A, meta.sha256, 'meta', enc(meta), 1);
    await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 2);
    const outcome = await assembler.handle(A, meta.sha256, 1, bad, 3);
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'SL_SAMPLE_HASH_MISMATCH' });
    expect(outcome.kind === 'rejected' && outcome.error).toContain('plant-a/line-1/cam-1');
    expect(existsSync(samplePath(dir, meta.sha256, 'image/jpeg'))).toBe(false);
    expect(readdirSync(join(dir, meta.sha256.slice(0, 2)))).toEqual([]); // no temp file left
    expect(partialFolders()).toEqual([]);
    expect(images.counts().files).toBe(0);
    // A late redelivery of the same sample is discarded, not assembled again.
    expect(await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 4)).toEqual({
      kind: 'duplicate',
    });
    expect(assembler.counts()).toMatchObject({ failed: 1, discarded: 1 });
  });

  it('rejects oversize and mis-sized chunks and inconsistent metas', async () => {
    const { assembler } = await open();
    const cases: Array<[Parameters<typeof assembler.handle>, string, string]> = [
      [
        [A, meta.sha256, 0, new Uint8Array(SAMPLE_CHUNK_BYTES + 1), 1],
        'SL_SAMPLE_CHUNK_INVALID',
        '65537 bytes',
      ],
      [
        [A, 'a'.repeat(64), 'meta', enc({ ...meta, sha256: 'a'.repeat(64), bytes: 9e6 }), 1],
        'SL_PAYLOAD_INVALID',
        'bytes',
      ],
      [[A, 'b'.repeat(64), 'meta', enc({ ...meta }), 1], 'SL_SAMPLE_INVALID', 'differs from the topic'],
      [
        [A, 'c'.repeat(64), 'meta', enc({ ...meta, sha256: 'c'.repeat(64), chunks: 3 }), 1],
        'SL_SAMPLE_INVALID',
        'meta.chunks is 3',
      ],
      [
        [A, 'd'.repeat(64), 'meta', new TextEncoder().encode('{"sha'), 1],
        'SL_PAYLOAD_NOT_JSON',
        'not UTF-8 JSON',
      ],
    ];
    for (const [args, code, text] of cases) {
      const outcome = await assembler.handle(...args);
      expect(outcome).toMatchObject({ kind: 'rejected', code });
      expect(outcome.kind === 'rejected' && outcome.error).toContain(text);
    }
    // A short middle chunk once the meta is known.
    await assembler.handle(B, meta.sha256, 'meta', enc(meta), 1);
    const short = await assembler.handle(B, meta.sha256, 0, (chunks[0] as Uint8Array).subarray(1), 2);
    expect(short).toMatchObject({ kind: 'rejected', code: 'SL_SAMPLE_CHUNK_INVALID' });
    expect(short.kind === 'rejected' && short.error).toContain(`expected ${SAMPLE_CHUNK_BYTES}`);
    expect(assembler.counts()).toMatchObject({ failed: 6, partials: 0 });
  });

  it('expires idle partials and drops the least recent one beyond the limit', async () => {
    const { assembler } = await open({ maxPartials: 2, timeoutMs: 60_000 });
    const others = [1, 2, 3].map((seed) => noiseJpeg(64, 48, seed));
    for (const other of others) {
      await assembler.handle(A, metaFor(other).sha256, 'meta', enc(metaFor(other)), clock);
      clock += 1000;
    }
    expect(assembler.counts()).toMatchObject({ partials: 2, dropped: 1 });
    clock += 58_500; // the second has been idle 60.5 s, the third 59.5 s
    assembler.expire();
    expect(assembler.counts()).toMatchObject({ partials: 1, expired: 1 });
    await assembler.idle();
    expect(partialFolders()).toHaveLength(1);
    // A late chunk of an expired sample is discarded, not kept as a new partial.
    const late = others[1] as Uint8Array;
    expect(await assembler.handle(A, metaFor(late).sha256, 0, late, clock)).toEqual({ kind: 'duplicate' });
    expect(assembler.counts()).toMatchObject({ partials: 1, discarded: 1 });
  });

  it('leaves the completing part unacknowledged when the store fails; its redelivery completes the sample', async () => {
    const { assembler, failNextPut } = await open();
    await assembler.handle(A, meta.sha256, 'meta', enc(meta), 1);
    await assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 2);
    failNextPut();
    await expect(assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 3)).rejects.toThrow('ENOSPC');
    expect(await assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 4)).toMatchObject({
      kind: 'stored',
    });
    // Meta last: it is written, the commit fails, and the redelivered meta commits.
    const other = noiseJpeg(64, 48, 9);
    const m = metaFor(other);
    await assembler.handle(B, m.sha256, 0, other, 5);
    failNextPut();
    await expect(assembler.handle(B, m.sha256, 'meta', enc(m), 6)).rejects.toThrow('ENOSPC');
    expect(await assembler.handle(B, m.sha256, 'meta', enc(m), 7)).toMatchObject({ kind: 'stored' });
    expect(Buffer.compare(stored(), image)).toBe(0);
    expect(assembler.counts()).toMatchObject({ partials: 0, failed: 0 });
  });

  it('keeps acknowledged parts across a restart and completes the sample after it', async () => {
    const first = await open();
    await first.assembler.handle(A, meta.sha256, 'meta', enc(meta), 1);
    await first.assembler.handle(A, meta.sha256, 0, chunks[0] as Uint8Array, 2);
    // A new assembler on the same folder, as after kill -9: it finds the partial on disk.
    const second = await open();
    expect(second.assembler.counts()).toMatchObject({ partials: 1, partialBytes: SAMPLE_CHUNK_BYTES });
    expect(await second.assembler.handle(A, meta.sha256, 1, chunks[1] as Uint8Array, 3)).toEqual({
      kind: 'stored',
      inserted: 1,
    });
    expect(Buffer.compare(stored(), image)).toBe(0);
  });
});
