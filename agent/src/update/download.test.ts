import { mkdir, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../session/index.ts';
import { startTestBroker, type TestBroker, testBirth } from '../session/test-broker.ts';
import type { BundleChannel } from './channel.ts';
import { downloadBundle, fetchBundleMeta } from './download.ts';
import { type Publish, publishTestBundle, testBundle, testKey } from './testing.ts';

const log = pino({ level: 'silent' });
/** Byte equality without vitest's element-by-element diff (seconds on a megabyte). */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.compare(a, b) === 0;

describe('bundle download over MQTT (retained chunks)', () => {
  let broker: TestBroker;
  let root: string;
  let bytes: Uint8Array;
  const model = { id: 'default', version: '3.0.0' };
  let publish: Publish;
  let session: ReturnType<typeof createSession>;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-download-'));
    broker = await startTestBroker();
    publish = (topic, payload, retain) =>
      new Promise((resolve, reject) =>
        broker.broker.publish({ cmd: 'publish', topic, payload, qos: 1, retain, dup: false }, (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    bytes = (await testBundle(root, testKey(), { version: model.version })).bytes;
    session = createSession({
      ref: { site: 's', line: 'l', agent: 'a' },
      client: broker.memoryClient({ clientId: 'downloader' }),
      birth: testBirth,
      onCommand: () => undefined,
      log,
    });
  }, 60_000);
  afterAll(async () => {
    await session.close();
    await broker.close();
    await rm(root, { recursive: true, force: true });
  });

  /** The session's channel, counting chunk messages that reach the downloader. */
  const counting = (inner: BundleChannel) => {
    const got: number[] = [];
    const channel: BundleChannel = {
      ...inner,
      onMessage: (h) =>
        inner.onMessage((topic, payload) => {
          const n = /\/chunk\/(\d+)$/.exec(topic);
          if (n) got.push(Number(n[1]));
          h(topic, payload);
        }),
    };
    return { channel, got };
  };

  it('fetches every chunk once and checks the whole file', async () => {
    const meta = await publishTestBundle(publish, bytes, model, 64 * 1024);
    const dir = join(root, 'dl-1');
    await mkdir(dir);
    const signal = new AbortController().signal;
    expect(await fetchBundleMeta(session.bundles, model, signal)).toEqual(meta);
    const { channel, got } = counting(session.bundles);
    const progress: number[] = [];
    const path = await downloadBundle({
      channel,
      meta,
      dir,
      window: 4,
      signal,
      onProgress: (have) => progress.push(have),
      onBadChunk: () => undefined,
    });
    expect(sameBytes(await readFile(path), bytes)).toBe(true);
    expect([...got].sort((a, b) => a - b)).toEqual(meta.chunks.map((_, i) => i));
    expect(progress.at(-1)).toBe(meta.chunks.length);
  });

  it('resumes a partial file: only the missing chunks are fetched', async () => {
    const meta = await publishTestBundle(publish, bytes, model, 64 * 1024);
    const dir = join(root, 'dl-2');
    await mkdir(dir);
    // The first half already on disk (a download cut by a restart), the rest zeros.
    const half = Math.floor(meta.chunks.length / 2) * meta.chunkBytes;
    const h = await open(join(dir, `${meta.sha256}.part`), 'w');
    await h.write(bytes.subarray(0, half), 0, half, 0);
    await h.close();
    const { channel, got } = counting(session.bundles);
    const path = await downloadBundle({
      channel,
      meta,
      dir,
      window: 4,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      onBadChunk: () => undefined,
    });
    expect(sameBytes(await readFile(path), bytes)).toBe(true);
    expect(Math.min(...got)).toBe(half / meta.chunkBytes);
    expect(got.length).toBe(meta.chunks.length - half / meta.chunkBytes);
  });

  it('refuses a tampered chunk, asks again, and takes the good copy once it is back', async () => {
    const meta = await publishTestBundle(publish, bytes, model, 64 * 1024);
    const bad = Buffer.from(bytes.subarray(3 * meta.chunkBytes, 4 * meta.chunkBytes));
    bad[10] = (bad[10] as number) ^ 0xff;
    await publish(`sl/v1/models/${model.id}/${model.version}/chunk/3`, bad, true);
    const dir = join(root, 'dl-3');
    await mkdir(dir);
    const refused: Array<[number, string]> = [];
    const path = await downloadBundle({
      channel: session.bundles,
      meta,
      dir,
      window: 8,
      signal: new AbortController().signal,
      onProgress: () => undefined,
      onBadChunk: (n, why) => {
        refused.push([n, why]);
        // The hub publishes the chunk again (as it does when an agent reports a bad chunk).
        void publish(
          `sl/v1/models/${model.id}/${model.version}/chunk/3`,
          Buffer.from(bytes.subarray(3 * meta.chunkBytes, 4 * meta.chunkBytes)),
          true,
        );
      },
    });
    expect(refused).toEqual([[3, 'SHA-256 does not match the bundle meta']]);
    expect(sameBytes(await readFile(path), bytes)).toBe(true);
  });

  it('gives up on a chunk that stays wrong, naming it', async () => {
    const meta = await publishTestBundle(publish, bytes, model, 64 * 1024);
    await publish(`sl/v1/models/${model.id}/${model.version}/chunk/1`, Buffer.from('short'), true);
    const dir = join(root, 'dl-4');
    await mkdir(dir);
    await expect(
      downloadBundle({
        channel: session.bundles,
        meta,
        dir,
        window: 8,
        signal: new AbortController().signal,
        onProgress: () => undefined,
        onBadChunk: () => undefined,
      }),
    ).rejects.toMatchObject({
      code: 'SL_BUNDLE_CHUNK_INVALID',
      message: expect.stringMatching(/chunk 1 was refused 3 times/),
    });
  });
});
