import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, parseTopic, SAMPLE_CHUNK_BYTES, SampleMeta, topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUploadQueue, type PendingUpload, type UploadQueue } from '../samples/upload-queue.ts';
import { createSession, type Session } from '../session/index.ts';
import { startTestBroker, type TestBroker, testBirth } from '../session/test-broker.ts';
import { createSampleUploader } from './sample-uploader.ts';

const ref = { site: 'plant', line: 'line-1', agent: 'cam-box' };
const log = pino({ level: process.env.SL_TEST_LOG ?? 'silent' });

/** A plain MQTT.js subscriber that reassembles samples from meta + chunks and checks their sha256. */
async function hubSide(url: string) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4 });
  const metas = new Map<string, SampleMeta>();
  const chunks = new Map<string, Map<number, Buffer>>();
  const complete = new Map<string, { meta: SampleMeta; bytes: Buffer }>();
  const parts: string[] = [];
  client.on('message', (topic, payload) => {
    const t = parseTopic(topic);
    if (t?.kind !== 'sample') return;
    parts.push(`${t.sha256.slice(0, 6)}/${t.chunk}`);
    if (t.chunk === 'meta') {
      const m = decode(SampleMeta, payload);
      if (m.ok) metas.set(t.sha256, m.value);
      chunks.set(t.sha256, new Map());
    } else chunks.get(t.sha256)?.set(t.chunk, Buffer.from(payload));
    const meta = metas.get(t.sha256);
    const got = chunks.get(t.sha256);
    if (meta && got && got.size === meta.chunks) {
      const bytes = Buffer.concat(
        Array.from({ length: meta.chunks }, (_, i) => got.get(i) ?? Buffer.alloc(0)),
      );
      if (createHash('sha256').update(bytes).digest('hex') === t.sha256)
        complete.set(t.sha256, { meta, bytes });
    }
  });
  await client.subscribeAsync(topics.sampleFilter(), { qos: 1 });
  await client.publishAsync(topics.hubState(), JSON.stringify({ online: true, ts: Date.now() }), {
    qos: 1,
    retain: true,
  });
  return { client, complete, parts };
}

async function until(what: string, probe: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let broker: TestBroker;
let dir: string;
let hub: Awaited<ReturnType<typeof hubSide>>;
const sessions: Session[] = [];
beforeEach(async () => {
  broker = await startTestBroker();
  dir = await mkdtemp(join(tmpdir(), 'sl-upload-'));
  await mkdir(join(dir, '2025-06-01'));
  hub = await hubSide(broker.url);
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
  await hub.client.endAsync();
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

function session(): Session {
  const s = createSession({
    ref,
    client: mqtt.connect(broker.url, { protocolVersion: 4, manualConnect: true, reconnectPeriod: 100 }),
    log,
    birth: testBirth,
    onCommand: () => undefined,
  });
  sessions.push(s);
  return s;
}

/** An uploader whose byte rate never holds the test up. */
const fast = (queue: UploadQueue, s: Session = session()) =>
  createSampleUploader({ queue, dir, session: s, bytesPerSecond: 8 * 2 ** 20, log });

/** Writes a sample file of `size` random bytes and its queue entry. */
async function sample(name: string, size: number, seq: number, ts: number): Promise<PendingUpload> {
  const bytes = randomBytes(size);
  const file = `2025-06-01/${name}.jpg`;
  await writeFile(join(dir, file), bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    file,
    meta: {
      sha256,
      bytes: size,
      chunks: Math.ceil(size / SAMPLE_CHUNK_BYTES),
      content_type: 'image/jpeg',
      ts,
      seq,
      camera: 'cam0',
      reason: 'defect',
    },
  };
}

describe('sample uploader against a real broker', () => {
  it('sends meta then every chunk (QoS 1); the subscriber reassembles each sample and its sha256 matches', async () => {
    const queue = createUploadQueue(dir, log);
    const entries = [
      await sample('a', 150_000, 7, 1), // 3 chunks, the last short
      await sample('b', SAMPLE_CHUNK_BYTES, 8, 2), // exactly one chunk
      await sample('c', 900, 9, 3),
    ];
    for (const e of entries) await queue.add(e);
    const uploader = fast(queue);
    expect(await uploader.drain(20_000)).toBe(true);
    await until('every sample reassembled', () => hub.complete.size === 3);
    for (const e of entries) {
      const got = hub.complete.get(e.meta.sha256);
      expect(got?.meta.seq).toBe(e.meta.seq);
      expect(got?.bytes.byteLength).toBe(e.meta.bytes);
    }
    // Meta first, then chunks in order, sample after sample.
    const a = entries[0]?.meta.sha256.slice(0, 6);
    expect(hub.parts.slice(0, 4)).toEqual([`${a}/meta`, `${a}/0`, `${a}/1`, `${a}/2`]);
    expect(uploader.counts()).toMatchObject({
      uploaded: 3,
      bytes: 150_000 + SAMPLE_CHUNK_BYTES + 900,
      skipped: 0,
    });
    expect(await readdir(join(dir, 'outgoing'))).toEqual([]);
    await uploader.stop();
  }, 30_000);

  it('skips a sample whose description the wire refuses, and sends the ones queued behind it', async () => {
    const queue = createUploadQueue(dir, log);
    const bad = await sample('bad', 700, 30, 1_748_772_001_234.5); // a fractional ms: not an integer ts
    const good = await sample('good', 800, 31, 1_748_772_001_300);
    await queue.add(bad);
    await queue.add(good);
    const uploader = fast(queue);
    expect(await uploader.drain(20_000)).toBe(true);
    await until('the good sample', () => hub.complete.has(good.meta.sha256));
    expect(hub.complete.has(bad.meta.sha256)).toBe(false);
    expect(uploader.counts()).toMatchObject({ uploaded: 1, skipped: 1, retries: 0 });
    await uploader.stop();
  }, 30_000);

  it('keeps to its byte rate', async () => {
    const queue = createUploadQueue(dir, log);
    await queue.add(await sample('slow', 4 * SAMPLE_CHUNK_BYTES, 1, 1));
    const bytesPerSecond = 2 * SAMPLE_CHUNK_BYTES;
    const uploader = createSampleUploader({ queue, dir, session: session(), bytesPerSecond, log });
    const start = performance.now();
    expect(await uploader.drain(30_000)).toBe(true);
    // One second's worth (2 chunks) may go at once; the other two wait for the bucket: 1 s at 2 chunks/s.
    expect(performance.now() - start).toBeGreaterThanOrEqual(900);
    await uploader.stop();
  }, 30_000);

  it('sends a sample again after a restart that cut it off, and skips one whose file is gone', async () => {
    const first = createUploadQueue(dir, log);
    const big = await sample('big', 3 * SAMPLE_CHUNK_BYTES, 20, 10);
    const gone = await sample('gone', 500, 21, 11);
    await first.add(big);
    await first.add(gone);
    await rm(join(dir, gone.file));
    const s = session();
    const cut = createSampleUploader({
      queue: first,
      dir,
      session: s,
      bytesPerSecond: SAMPLE_CHUNK_BYTES,
      log,
    });
    cut.kick();
    const short = big.meta.sha256.slice(0, 6);
    await until('the first chunk', () => hub.parts.includes(`${short}/0`));
    await cut.stop(); // as a crash would: chunks 1 and 2 never sent
    expect(hub.complete.has(big.meta.sha256)).toBe(false);
    expect((await readdir(join(dir, 'outgoing'))).length).toBe(2);

    const again = createUploadQueue(dir, log);
    await again.ready();
    expect(again.pending()).toBe(2);
    const resumed = fast(again, s);
    expect(await resumed.drain(20_000)).toBe(true);
    await until('the cut-off sample, whole', () => hub.complete.has(big.meta.sha256));
    expect(hub.complete.get(big.meta.sha256)?.meta.seq).toBe(20);
    expect(resumed.counts()).toMatchObject({ uploaded: 1, skipped: 1 });
    expect(await readdir(join(dir, 'outgoing'))).toEqual([]);
    await resumed.stop();
  }, 30_000);
});
