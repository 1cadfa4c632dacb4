import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signRollbackOrder } from '@sightline/models';
import {
  decode,
  encode,
  HubState,
  type ModelDesired,
  ModelDesired as ModelDesiredSchema,
  type ModelIdentity,
  ModelStatus,
  ResultsBatch,
  topics,
} from '@sightline/protocol';
import mqtt, { type MqttClient } from 'mqtt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, startAgent } from '../agent.ts';
import { parseAgentConfig } from '../config/index.ts';
import { startTestBroker, type TestBroker } from '../session/test-broker.ts';
import { publishTestBundle, type TestKey, testBundle, testKey } from './testing.ts';

const ref = { site: 'plant', line: 'line-1', agent: 'upd' };
const log = pino({ level: process.env.SL_TEST_LOG ?? 'silent' });

async function until<T>(what: string, probe: () => T | undefined | false, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One real agent (synthetic camera, onnxruntime-node, in-process broker) taking model updates as the hub
 * would send them: retained bundle chunks and a retained desired state.
 */
describe('model updates on a running agent', () => {
  let root: string;
  let broker: TestBroker;
  let hub: MqttClient;
  let agent: Agent;
  let key: TestKey;
  let stranger: TestKey;
  let factory: ModelIdentity;
  const statuses: ModelStatus[] = [];
  const shadowResults: Array<{ model: string; live: string | undefined }> = [];
  const events: string[] = [];

  const publish = (topic: string, payload: Buffer, retain: boolean) =>
    hub.publishAsync(topic, payload, { qos: 1, retain }).then(() => undefined);
  const want = (d: Omit<ModelDesired, 'ts'>) =>
    hub.publishAsync(topics.modelDesired(ref), encode(ModelDesiredSchema, { ...d, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
  const latest = () => statuses.at(-1);
  const reached = (version: string, phase: ModelStatus['phase']) =>
    until(`${version} ${phase}`, () =>
      statuses.find((s) => s.model.version === version && s.phase === phase),
    );

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-updates-'));
    key = testKey();
    stranger = testKey();
    broker = await startTestBroker();
    hub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'test-hub' });
    hub.on('message', (topic, payload) => {
      if (topic.endsWith('/model/status')) {
        const d = decode(ModelStatus, payload);
        if (d.ok) statuses.push(d.value);
      } else if (topic.endsWith('/results')) {
        const d = decode(ResultsBatch, payload);
        if (d.ok)
          for (const r of d.value.results)
            if (r.shadow) shadowResults.push({ model: r.model.version, live: r.live?.model.version });
      } else if (topic.endsWith('/events')) events.push(JSON.parse(payload.toString()).kind);
    });
    await hub.subscribeAsync(`sl/v1/${ref.site}/${ref.line}/${ref.agent}/#`, { qos: 1 });
    await hub.publishAsync(topics.hubState(), encode(HubState, { online: true, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    const config = parseAgentConfig({
      ...ref,
      stateDir: join(root, 'agent'),
      inference: { runtime: 'onnxruntime-node' },
      publish: { batchSize: 20, batchMs: 20 },
      cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 4, fps: 40, width: 96, height: 96 } }],
      update: { trustedKeys: [key.publicPem], probation: { frames: 20, seconds: 0 } },
    });
    agent = await startAgent({ config, log, mqttClient: broker.memoryClient({ clientId: 'agent-upd' }) });
    const manifest = JSON.parse(
      await readFile(join(import.meta.dirname, '../../../models/default/manifest.json'), 'utf8'),
    );
    factory = { id: manifest.id, version: manifest.version, sha256: manifest.sha256 };
  }, 60_000);

  afterAll(async () => {
    await agent?.stop(2000);
    await hub?.endAsync();
    await broker?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('downloads, self-tests and shadows a new model, then makes it live through probation', async () => {
    const v3 = await testBundle(root, key, { version: '3.0.0' });
    await publishTestBundle(publish, v3.bytes, v3.identity);
    const bundle = { sha256: v3.sha256, bytes: v3.bytes.byteLength };
    await want({ model: v3.identity, bundle, mode: 'shadow', shadow: { share: 0.5 } });
    await reached('3.0.0', 'shadow');
    const compared = await until('20 compared frames', () => {
      const s = latest();
      return s?.phase === 'shadow' && s.compare && s.compare.frames >= 20 ? s : undefined;
    });
    // The same network under another version: every verdict agrees, and the live model is still 2.0.0.
    expect(compared.compare?.agree).toBe(compared.compare?.frames);
    expect(compared.active).toEqual(factory);
    expect(compared.selftest).toMatchObject({ images: 3, passed: true });
    expect(compared.compare?.baseline.model.version).toBe('2.0.0');
    expect(compared.compare?.candidate.model.version).toBe('3.0.0');
    const phases = statuses.filter((s) => s.model.version === '3.0.0').map((s) => s.phase);
    expect([...new Set(phases)]).toEqual(['downloading', 'verifying', 'writing', 'loading', 'shadow']);
    await until('shadow results', () => shadowResults.length >= 5);
    expect(shadowResults[0]).toEqual({ model: '3.0.0', live: '2.0.0' });

    await want({ model: v3.identity, bundle, mode: 'active' });
    await reached('3.0.0', 'probation');
    const live = await reached('3.0.0', 'active');
    expect(live.active).toEqual(v3.identity);
    const pointer = JSON.parse(await readFile(join(root, 'agent/models/pointer.json'), 'utf8'));
    expect(pointer).toMatchObject({ active: 'a', previous: 'factory', probation: null });
    expect(pointer.slots.a.model).toEqual(v3.identity);
    const trust = JSON.parse(await readFile(join(root, 'agent/trust/installed.json'), 'utf8'));
    expect(trust.highest).toEqual({ default: '3.0.0' });
    expect(events).toContain('model_activated');
  }, 90_000);

  it('refuses a downgrade without a signed rollback order, and takes one with it', async () => {
    statuses.length = 0;
    await want({ model: factory, mode: 'active' });
    const refused = await reached('2.0.0', 'refused');
    expect(refused.code).toBe('SL_MODEL_DOWNGRADE');
    expect(refused.error).toMatch(/older than 3\.0\.0/);
    expect(refused.active?.version).toBe('3.0.0');

    const order = signRollbackOrder(
      { model: factory, reason: 'test', issued: Date.now(), expires: Date.now() + 60_000 },
      key.privateKey,
    );
    await want({ model: factory, mode: 'active', rollback: order });
    const back = await reached('2.0.0', 'active');
    expect(back.active).toEqual(factory);
  }, 60_000);

  it('refuses a bundle signed with a key it does not trust, and reports it', async () => {
    statuses.length = 0;
    const rogue = await testBundle(root, stranger, { version: '4.0.0' });
    await publishTestBundle(publish, rogue.bytes, rogue.identity);
    await want({
      model: rogue.identity,
      bundle: { sha256: rogue.sha256, bytes: rogue.bytes.byteLength },
      mode: 'shadow',
    });
    const refused = await reached('4.0.0', 'refused');
    expect(refused.code).toBe('SL_BUNDLE_UNTRUSTED');
    expect(refused.error).toContain(rogue.keyId);
    expect(refused.active).toEqual(factory);
    expect(events).toContain('model_refused');
  }, 60_000);

  it('measures disagreement of a model that scores every part the same', async () => {
    statuses.length = 0;
    const flat = await testBundle(root, key, { version: '5.0.0', constantScore: 0.99 });
    await publishTestBundle(publish, flat.bytes, flat.identity);
    await want({
      model: flat.identity,
      bundle: { sha256: flat.sha256, bytes: flat.bytes.byteLength },
      mode: 'shadow',
      shadow: { share: 1 },
    });
    const s = await until('40 compared frames', () => {
      const last = latest();
      return last?.phase === 'shadow' && last.compare && last.compare.frames >= 40 ? last : undefined;
    });
    const c = s.compare as NonNullable<ModelStatus['compare']>;
    // It calls every part a defect: it agrees exactly where the live model found one, and nowhere else.
    expect(c.candidate.defects).toBe(c.frames);
    expect(c.agree).toBe(c.baseline.defects);
    expect(c.ok_to_defect).toBe(c.frames - c.baseline.defects);
    expect(c.defect_to_ok).toBe(0);
    expect(c.candidate.hist[19]).toBe(c.frames);
  }, 60_000);
});
