import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAgentConfig, startAgent } from '@sightline/agent';
import { decode, encode, HubState, parseTopic, SampleMeta, topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentBroker, apiFetch } from '../support/credentials.ts';
import { startTestHub, storedResults, tempDir } from '../support/hub.ts';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.ts';
import { quietLog } from '../support/quiet-log.ts';
import { waitFor } from '../support/wait.ts';

const ref = { site: 'test', line: 'line-s', agent: 'sampler' };
let mosquitto: Mosquitto;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  mosquitto = await startMosquitto();
  tmp = await tempDir('sl-samples-e2e-');
});
afterAll(async () => {
  await mosquitto.stop();
  await tmp.remove();
});

describe('sample images over MQTT, agent to a plain subscriber through Mosquitto', () => {
  it('every result that references a sample (sha256:<hex>) has that very image reassembled from its chunks', async () => {
    const hub = await mqtt.connectAsync(mosquitto.url);
    const metas = new Map<string, SampleMeta>();
    const chunks = new Map<string, Buffer[]>();
    const images = new Map<string, Buffer>();
    const results: { seq: number; image?: string; verdict: string }[] = [];
    hub.on('message', (topic, payload) => {
      const t = parseTopic(topic);
      if (t?.kind === 'uplink' && t.channel === 'results')
        results.push(...JSON.parse(payload.toString()).results);
      if (t?.kind !== 'sample') return;
      if (t.chunk === 'meta') {
        const m = decode(SampleMeta, payload);
        if (m.ok) metas.set(t.sha256, m.value);
        return;
      }
      const parts = chunks.get(t.sha256) ?? [];
      parts[t.chunk] = Buffer.from(payload);
      chunks.set(t.sha256, parts);
      const meta = metas.get(t.sha256);
      if (meta && parts.filter(Boolean).length === meta.chunks) {
        const bytes = Buffer.concat(parts);
        if (createHash('sha256').update(bytes).digest('hex') === t.sha256) images.set(t.sha256, bytes);
      }
    });
    await hub.subscribeAsync([topics.sampleFilter(), topics.results(ref)], { qos: 1 });
    await hub.publishAsync(topics.hubState(), encode(HubState, { online: true, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });

    const stateDir = join(tmp.dir, 'agent');
    const agent = await startAgent({
      config: parseAgentConfig({
        ...ref,
        broker: { url: mosquitto.url },
        stateDir,
        publish: { batchSize: 10, batchMs: 20 },
        samples: { enabled: true, okShare: 0, nearBand: 0, upload: { bytesPerSecond: 4 * 2 ** 20 } },
        cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 8, defectRate: 0.25, fps: 0 } }],
      }),
      log: quietLog(),
      frameLimit: 40,
    });
    await agent.sourcesDone;
    const summary = await agent.stop(60_000); // drains as soon as it can; the deadline is a hang guard
    await waitFor('every result', 60_000, () => results.length === 40);
    const referenced = results.filter((r) => r.image);
    // Every defect was sampled (okShare 0, no near band) and nothing else.
    expect(referenced.length).toBe(results.filter((r) => r.verdict === 'defect').length);
    expect(referenced.length).toBeGreaterThan(3);
    expect(summary.samples).toEqual({ saved: referenced.length, uploaded: referenced.length, pending: 0 });
    await waitFor('every sample image', 60_000, () =>
      referenced.every((r) => images.has(r.image?.slice(7) ?? '')),
    );
    for (const r of referenced) {
      expect(r.image).toMatch(/^sha256:[0-9a-f]{64}$/);
      const sha = r.image?.slice(7) ?? '';
      const meta = metas.get(sha);
      // The meta names the result it belongs to, and the bytes are a JPEG.
      expect(meta).toMatchObject({
        seq: r.seq,
        verdict: 'defect',
        camera: 'cam0',
        content_type: 'image/jpeg',
      });
      expect(images.get(sha)?.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    }
    expect(await readdir(join(stateDir, 'samples', 'outgoing'))).toEqual([]);
    await hub.endAsync();
  }, 240_000);
});

describe('sample images into the hub (embedded broker)', () => {
  it('stores every sample an agent uploads, listed by the result it belongs to and served byte for byte', async () => {
    const hub = await startTestHub(join(tmp.dir, 'hub'));
    try {
      const agentRef = { ...ref, agent: 'sampler-hub' };
      const agent = await startAgent({
        config: parseAgentConfig({
          ...agentRef,
          broker: await agentBroker(hub, agentRef),
          stateDir: join(tmp.dir, 'agent-hub'),
          publish: { batchSize: 10, batchMs: 20 },
          samples: { enabled: true, okShare: 0, nearBand: 0, upload: { bytesPerSecond: 4 * 2 ** 20 } },
          cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 9, defectRate: 0.25, fps: 0 } }],
        }),
        log: quietLog(),
        frameLimit: 30,
      });
      await agent.sourcesDone;
      const summary = await agent.stop(60_000); // drains as soon as it can; the deadline is a hang guard
      const referenced = (await storedResults(hub, agentRef.agent)).filter((r) => r.verdict === 'defect');
      expect(referenced.length).toBeGreaterThan(2);
      expect(summary.samples?.uploaded).toBe(referenced.length);
      type Listed = { sha256: string; seq: number | null; verdict: string | null; url: string };
      const listed = await waitFor('every sample stored', 60_000, async () => {
        const page = (await (
          await apiFetch(hub, `/api/samples?agent=${agentRef.agent}&limit=500`)
        ).json()) as { samples: Listed[] };
        return page.samples.length === referenced.length ? page.samples : undefined;
      });
      expect(listed.map((s) => s.seq).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
        referenced.map((r) => r.seq).sort((a, b) => a - b),
      );
      for (const sample of listed) {
        expect(sample.verdict).toBe('defect');
        const bytes = Buffer.from(await (await apiFetch(hub, sample.url)).arrayBuffer());
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(sample.sha256);
      }
    } finally {
      await hub.close();
    }
  }, 240_000);
});
