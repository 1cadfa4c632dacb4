import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentRef } from '@sightline/protocol';
import type { Hono } from 'hono';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';
import { apiWith } from '../testing/api-with.ts';
import { createSampleIngest, type SampleIngest } from './ingest.ts';
import { sampleDocs, sampleRoutes } from './routes.ts';
import { createDuckDbSampleIndex, type SampleIndex } from './sample-index.ts';
import type { SampleRecord } from './sample-record.ts';
import { chunksOf, metaFor, noiseJpeg } from './test-images.ts';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sl-sample-routes-'));
const A = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };
const B = { site: 'plant-a', line: 'line-2', agent: 'cam-2' };
const images = [1, 2, 3, 4].map((seed) => noiseJpeg(32, 24, seed));

let store: DuckDbStore;
let index: SampleIndex;
let samples: SampleIngest;
let api: Hono;

async function send(ref: AgentRef, bytes: Uint8Array, extra: Parameters<typeof metaFor>[1]) {
  const meta = metaFor(bytes, extra);
  await samples.handle(ref, meta.sha256, 'meta', new TextEncoder().encode(JSON.stringify(meta)), 1);
  for (const [n, chunk] of chunksOf(bytes).entries()) await samples.handle(ref, meta.sha256, n, chunk, 2);
  return meta.sha256;
}

beforeAll(async () => {
  store = await createDuckDbStore({ path: ':memory:' });
  index = await createDuckDbSampleIndex({ connect: store.connect });
  samples = await createSampleIngest({ store: index, dir, quotaMB: 16, log });
  api = apiWith(store, [{ app: sampleRoutes({ samples, index }), docs: sampleDocs }]);
  await send(A, images[0] as Uint8Array, { ts: 1000, seq: 1, verdict: 'ok' });
  await send(A, images[1] as Uint8Array, {
    ts: 3000,
    seq: 3,
    verdict: 'defect',
    region: { x: 1, y: 2, w: 3, h: 4 },
  });
  await send(B, images[2] as Uint8Array, { ts: 2000, seq: 2, verdict: 'defect' });
  await send(B, images[3] as Uint8Array, { ts: 3000, seq: 4, verdict: 'uncertain' });
});
afterAll(async () => {
  await samples.close();
  await index.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

type Page = { samples: Array<SampleRecord & { url: string }>; next: string | null };
const get = async (path: string) => (await (await api.request(path)).json()) as Page;

describe('GET /api/samples', () => {
  it('lists newest first and pages by keyset cursor', async () => {
    const first = await get('/api/samples?limit=3');
    // Two samples share ts 3000: the later row first, so the cursor never skips or repeats one.
    expect(first.samples.map((s) => s.seq)).toEqual([4, 3, 2]);
    expect(first.next).toMatch(/^2000\.\d+$/);
    const second = await get(`/api/samples?limit=3&before=${first.next}`);
    expect(second).toMatchObject({ next: null });
    expect(second.samples.map((s) => s.seq)).toEqual([1]);
    const byTime = await get('/api/samples?before=3000');
    expect(byTime.samples.map((s) => s.seq)).toEqual([2, 1]);
  });

  it('filters by site, line, agent and verdict, and shows what the agent sent', async () => {
    expect((await get('/api/samples?agent=cam-2')).samples.map((s) => s.seq)).toEqual([4, 2]);
    expect((await get('/api/samples?line=line-1&verdict=defect')).samples.map((s) => s.seq)).toEqual([3]);
    expect((await get('/api/samples?site=plant-b')).samples).toEqual([]);
    const [sample] = (await get('/api/samples?verdict=defect&agent=cam-1')).samples;
    expect(sample).toMatchObject({
      site: 'plant-a',
      line: 'line-1',
      agent: 'cam-1',
      ts: 3000,
      region: { x: 1, y: 2, w: 3, h: 4 },
      content_type: 'image/jpeg',
      bytes: images[1]?.byteLength,
      url: `/api/samples/${sample?.sha256}`,
    });
  });

  it('answers 400 naming a bad parameter', async () => {
    for (const [query, text] of [
      ['verdict=broken', 'verdict "broken"'],
      ['limit=0', 'limit "0"'],
      ['limit=501', 'at most 500'],
      ['agent=Cam_1', 'agent "Cam_1"'],
      ['before=yesterday', 'before "yesterday"'],
      ['sort=asc', 'unknown parameter sort'],
    ] as const) {
      const res = await api.request(`/api/samples?${query}`);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('SL_QUERY_INVALID');
      expect(body.error.message).toContain(text);
    }
  });
});

describe('GET /api/samples/:sha256', () => {
  it('returns the image bytes, immutable and cacheable by ETag', async () => {
    const [sample] = (await get('/api/samples?limit=1')).samples;
    const res = await api.request(`/api/samples/${sample?.sha256}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('etag')).toBe(`"${sample?.sha256}"`);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), images[3] as Uint8Array)).toBe(0);
    const again = await api.request(`/api/samples/${sample?.sha256}`, {
      headers: { 'If-None-Match': `"${sample?.sha256}"` },
    });
    expect(again.status).toBe(304);
  });

  it('accepts only 64 lowercase hex ids, so no path can be reached', async () => {
    for (const id of ['..%2F..%2Fetc%2Fpasswd', 'A'.repeat(64), `${'a'.repeat(63)}g`, 'a'.repeat(65)]) {
      const res = await api.request(`/api/samples/${id}`);
      expect(res.status, id).toBe(400);
    }
    // Dot segments are resolved by URL parsing before routing: they never reach the sample route.
    for (const path of ['/api/samples/../../etc/passwd', '/api/samples/%2e%2e/%2e%2e/etc/passwd']) {
      expect((await api.request(path)).status, path).toBe(404);
    }
    const missing = await api.request(`/api/samples/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
  });
});

describe('PUT /api/samples/:sha256/label', () => {
  it('labels every row of an image and clears the label with null', async () => {
    const [sample] = (await get('/api/samples?agent=cam-1&verdict=ok')).samples;
    const put = (label: unknown) =>
      api.request(`/api/samples/${sample?.sha256}/label`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ label }),
      });
    expect((await put('defect')).status).toBe(200);
    expect((await get('/api/samples?agent=cam-1&verdict=ok')).samples[0]?.label).toBe('defect');
    expect((await put('Not OK!')).status).toBe(400);
    expect((await put(null)).status).toBe(200);
    expect((await get('/api/samples?agent=cam-1&verdict=ok')).samples[0]?.label).toBeNull();
  });
});
