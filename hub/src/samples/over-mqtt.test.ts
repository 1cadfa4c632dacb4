import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type Hub, startHub } from '../hub.ts';
import { waitFor } from '../testing/wait-for.ts';
import type { SampleRecord } from './sample-record.ts';
import { metaFor, noiseJpeg, sampleMessages } from './test-images.ts';

const log = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'sl-samples-mqtt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ref = { site: 'plant-a', line: 'line-1', agent: 'cam-1' };

function start(): Promise<Hub> {
  return startHub(
    {
      http: { port: 0 },
      broker: { port: 0 },
      store: { path: join(dir, 'hub.duckdb') },
      dashboard: { dir: join(dir, 'no-dashboard') },
    },
    { log },
  );
}

/** Publishes as the agent the topics name, with credentials made for it (the broker checks them). */
async function publish(hub: Hub, messages: Array<[string, Uint8Array]>, as = ref): Promise<void> {
  const login = await hub.credentials.addAgent(as, { rotate: true });
  const agent = await mqtt.connectAsync(hub.mqttUrl, { protocolVersion: 4, reconnectPeriod: 0, ...login });
  for (const [topic, payload] of messages) await agent.publishAsync(topic, Buffer.from(payload), { qos: 1 });
  await agent.endAsync();
}

const tokens = new WeakMap<Hub, string>();
/** GET with an admin token (one per hub). */
async function get(hub: Hub, path: string): Promise<Response> {
  const secret =
    tokens.get(hub) ?? (await hub.credentials.addToken({ role: 'admin', name: 'samples test' })).secret;
  tokens.set(hub, secret);
  return fetch(`${hub.httpUrl}${path}`, { headers: { authorization: `Bearer ${secret}` } });
}

async function listed(hub: Hub): Promise<SampleRecord[]> {
  const body = (await (await get(hub, '/api/samples')).json()) as { samples: SampleRecord[] };
  return body.samples;
}

describe('samples over MQTT and HTTP (TCP, embedded broker)', () => {
  it('stores a published JPEG byte for byte, across a hub restart mid-sample, and serves it', async () => {
    const image = noiseJpeg(300, 300, 11); // ~170 KB: three chunks
    const meta = metaFor(image, { seq: 7, verdict: 'defect', score: 0.93, threshold: 0.5 });
    const messages = sampleMessages(ref, image, meta);
    expect(messages).toHaveLength(4);

    // Meta and chunk 0 reach the first hub and are held on its disk; then it stops.
    let hub = await start();
    await publish(hub, messages.slice(0, 2));
    const first = hub;
    await waitFor(
      'meta and chunk 0 held',
      () => first.samples?.ingest.counts().partialBytes === 65_536,
      15_000,
    );
    await hub.close();

    hub = await start();
    try {
      await publish(hub, messages.slice(2));
      const [sample] = await waitFor(
        'the sample in /api/samples',
        async () => {
          const found = await listed(hub);
          return found.length > 0 ? found : undefined;
        },
        15_000,
      );
      expect(sample).toMatchObject({ sha256: meta.sha256, agent: 'cam-1', seq: 7, bytes: image.byteLength });

      const file = join(dir, 'samples', meta.sha256.slice(0, 2), `${meta.sha256}.jpg`);
      expect(Buffer.compare(readFileSync(file), image)).toBe(0);
      const res = await get(hub, `/api/samples/${meta.sha256}`);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), image)).toBe(0);

      // A corrupted image from another agent is dead-lettered, naming it; nothing is stored for it.
      const other = { ...ref, agent: 'cam-2' };
      const bad = sampleMessages(other, noiseJpeg(256, 256, 12));
      const last = bad[2] as [string, Uint8Array];
      last[1] = Uint8Array.from(last[1]).fill(0, 0, 16);
      await publish(hub, bad, other);
      const letters = await waitFor(
        'the dead letter',
        async () => {
          const body = (await (await get(hub, '/api/dead-letters')).json()) as {
            dead_letters: Array<{ code: string; sender: string; error: string }>;
          };
          return body.dead_letters.length > 0 ? body.dead_letters : undefined;
        },
        15_000,
      );
      expect(letters[0]).toMatchObject({ code: 'SL_SAMPLE_HASH_MISMATCH', sender: 'plant-a/line-1/cam-2' });
      expect((await listed(hub)).map((s) => s.agent)).toEqual(['cam-1']);

      const metrics = await (await get(hub, '/metrics')).text();
      expect(metrics).toContain('sightline_samples_stored_total 1');
      expect(metrics).toContain('sightline_dead_letters_total{reason="SL_SAMPLE_HASH_MISMATCH"} 1');
    } finally {
      await hub.close();
    }
  }, 30_000);
});
