import { type Hub, startHub } from '@sightline/hub';
import type { FleetModelsResponse, Rollout, RolloutEvent, RolloutSpecInput } from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentProcess, spawnAgent } from '../support/agent-process.ts';
import {
  getRollout,
  type KeyFiles,
  makeBundle,
  startRollout,
  upload,
  writeKeyPair,
} from '../support/bundles.ts';
import { agentBroker, apiFetch, hubClient } from '../support/credentials.ts';
import { tempDir } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

const NAMES = ['ra', 'rb', 'rc'] as const;
const TERMINAL = ['completed', 'rolled-back', 'failed'];

/**
 * Rollouts end to end: a real hub (embedded broker, DuckDB, registry) and three real agent processes on
 * synthetic cameras, taking signed bundles over MQTT.
 */
describe('model rollout to agent processes', () => {
  let hub: Hub;
  let dir: string;
  let remove: () => Promise<void>;
  let modelKey: KeyFiles;
  let strangerKey: KeyFiles;
  let rollbackKey: KeyFiles;
  const agents = new Map<string, AgentProcess>();

  const config = async (name: string, i: number) => ({
    site: 'plant',
    line: 'line-r',
    agent: name,
    broker: await agentBroker(hub, { site: 'plant', line: 'line-r', agent: name }),
    stateDir: `${dir}/${name}`,
    inference: { runtime: 'onnxruntime-node' },
    publish: { batchSize: 20, batchMs: 50 },
    cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 30 + i, fps: 15 } }],
    update: {
      trustedKeys: [modelKey.publicPath, rollbackKey.publicPath],
      probation: { frames: 15, seconds: 0 },
    },
  });
  const fleet = async () => (await (await apiFetch(hub, '/api/fleet/models')).json()) as FleetModelsResponse;
  const agentOf = async (name: string) => (await fleet()).agents.find((a) => a.agent === name);
  const finished = (id: string, timeoutMs = 120_000) =>
    waitFor(`rollout ${id} to finish`, timeoutMs, async () => {
      const r = await getRollout(hub, id);
      return TERMINAL.includes(r.state) ? r : undefined;
    });
  const events = async (id: string) =>
    ((await (await apiFetch(hub, `/api/rollouts/${id}/events`)).json()) as { events: RolloutEvent[] }).events;
  const spec = (version: string, rest: Partial<RolloutSpecInput>): RolloutSpecInput => ({
    model: { id: 'default', version },
    shadowShare: 0.5,
    agentTimeoutS: 120,
    // Latency depends on the machine (and three agents share two cores here): bench:rollout measures it.
    gates: { maxLatencyRatio: 100 },
    ...rest,
  });

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('sl-rollout-'));
    modelKey = await writeKeyPair(`${dir}/keys`, 'models');
    strangerKey = await writeKeyPair(`${dir}/keys`, 'stranger');
    rollbackKey = await writeKeyPair(`${dir}/keys`, 'rollback');
    hub = await startHub({
      broker: { mode: 'embedded', port: 0 },
      http: { port: 0 },
      store: { path: `${dir}/hub.duckdb` },
      // The hub trusts the stranger's key too (keys being rotated); the agents do not.
      registry: { trustedKeys: [modelKey.publicPath, strangerKey.publicPath], chunkBytes: 64 * 1024 },
      rollout: { signingKey: rollbackKey.privatePath, tickMs: 200 },
      log: { level: 'silent' },
    });
    for (const [i, name] of NAMES.entries()) agents.set(name, await spawnAgent(dir, await config(name, i)));
    await waitFor('three agents online on 2.0.0', 90_000, async () => {
      const f = await fleet();
      return f.agents.filter((a) => a.online && a.active?.version === '2.0.0').length === 3;
    });
  }, 120_000);

  afterAll(async () => {
    for (const a of agents.values()) {
      a.child.kill('SIGTERM');
      await a.exited;
    }
    await hub?.close();
    await remove?.();
  }, 60_000);

  it('shadow → canary → fleet on a good model', async () => {
    const bundle = await makeBundle(dir, modelKey, { version: '2.1.0' });
    expect((await upload(hub, bundle.bytes)).status).toBe('ready');
    const started = await startRollout(
      hub,
      spec('2.1.0', {
        stages: [
          { kind: 'shadow', share: 1, frames: 12 },
          { kind: 'canary', share: 0.33, frames: 12 },
          { kind: 'wave', share: 1 },
        ],
      }),
    );
    expect(started.agents.filter((a) => a.active_stage === 1)).toHaveLength(1);
    const r = await finished(started.id);
    expect(r.reason).toBe('gates passed');
    expect(r.state).toBe('completed');
    // The same network under a new version: every compared frame agreed, in shadow and in the canary.
    expect(r.gates.map((g) => g.stage)).toEqual([0, 1, 2]);
    for (const g of r.gates.slice(0, 2)) {
      expect(g.results.find((x) => x.gate === 'min_agreement')?.value).toBe(1);
    }
    const f = await fleet();
    expect(f.mix).toEqual([{ id: 'default', version: '2.1.0', agents: 3 }]);
    expect(f.agents.every((a) => a.desired?.model.version === '2.1.0' && a.desired.mode === 'active')).toBe(
      true,
    );
    const kinds = (await events(r.id)).map((e) => e.kind).reverse();
    expect(kinds.filter((k) => k !== 'agent')).toEqual([
      'started',
      'stage',
      'gates',
      'advanced',
      'stage',
      'gates',
      'advanced',
      'stage',
      'gates',
      'completed',
    ]);
  }, 180_000);

  it('a model whose agreement falls below the gate is rolled back on every agent that took it', async () => {
    const bad = await makeBundle(dir, modelKey, { version: '2.2.0', constantScore: 0.99 });
    expect((await upload(hub, bad.bytes)).status).toBe('ready');
    const started = await startRollout(
      hub,
      spec('2.2.0', { stages: [{ kind: 'canary', share: 0.66, frames: 12 }] }),
    );
    const took = started.agents.filter((a) => a.active_stage === 0).map((a) => a.agent);
    expect(took).toHaveLength(2);
    const r = await finished(started.id);
    expect(r.state).toBe('rolled-back');
    expect(r.reason).toMatch(/gates failed: min_agreement 0\.\d+ \(limit 0\.95\)/);
    for (const name of took) {
      const a = r.agents.find((x) => x.agent === name);
      expect(a?.mode).toBe('rollback');
      // Each went live on 2.2.0, compared it with 2.1.0 on its own frames, and is back on 2.1.0.
      expect(a?.compare?.candidate.model.version).toBe('2.2.0');
      expect((await agentOf(name))?.active?.version).toBe('2.1.0');
    }
    expect((await fleet()).mix).toEqual([{ id: 'default', version: '2.1.0', agents: 3 }]);
  }, 180_000);

  it('refuses and reports a bundle signed with an untrusted key, a tampered chunk and a downgrade', async () => {
    const target = { agents: ['ra'] };
    const shadowStage = [{ kind: 'shadow' as const, share: 1, frames: 5 }];

    const rogue = await makeBundle(dir, strangerKey, { version: '2.3.0' });
    expect((await upload(hub, rogue.bytes)).status).toBe('ready');
    const untrusted = await finished(
      (await startRollout(hub, spec('2.3.0', { targets: target, stages: shadowStage }))).id,
    );
    expect(untrusted.state).toBe('rolled-back');
    expect(untrusted.reason).toMatch(/agent plant\/line-r\/ra refused: SL_BUNDLE_UNTRUSTED/);

    const good = await makeBundle(dir, modelKey, { version: '2.4.0' });
    expect((await upload(hub, good.bytes)).status).toBe('ready');
    const put = await apiFetch(hub, '/api/models/default/2.4.0/publish', { method: 'POST' });
    expect(put.status).toBe(200);
    // Someone who may write downlink topics (the hub's own login on a tool beside it, or anyone on an external
    // broker without ACLs) replaces chunk 2 of the published bundle: the agent's checks, not the broker, catch it.
    const rogueClient = await hubClient(hub, 'rogue');
    await rogueClient.publishAsync('sl/v1/models/default/2.4.0/chunk/2', Buffer.alloc(64 * 1024, 7), {
      qos: 1,
      retain: true,
    });
    await rogueClient.endAsync();
    const tampered = await finished(
      (await startRollout(hub, spec('2.4.0', { targets: target, stages: shadowStage }))).id,
    );
    expect(tampered.state).toBe('rolled-back');
    expect(tampered.reason).toMatch(/refused: SL_BUNDLE_CHUNK_INVALID .*chunk 2 was refused 3 times/);
    const agentEvents = (await (await apiFetch(hub, '/api/events?limit=200')).json()) as {
      events: Array<{ agent: string; kind: string; message: string }>;
    };
    expect(
      agentEvents.events.some(
        (e) => e.agent === 'ra' && e.kind === 'model_refused' && /chunk 2 refused/.test(e.message),
      ),
    ).toBe(true);

    const old = await makeBundle(dir, modelKey, { version: '2.0.5' });
    expect((await upload(hub, old.bytes)).status).toBe('ready');
    const downgrade = await finished(
      (await startRollout(hub, spec('2.0.5', { targets: target, stages: shadowStage }))).id,
    );
    expect(downgrade.state).toBe('rolled-back');
    expect(downgrade.reason).toMatch(/refused: SL_MODEL_DOWNGRADE default 2\.0\.5 is older than 2\.\d\.0/);
    // Nothing changed on the line.
    expect((await agentOf('ra'))?.active?.version).toBe('2.1.0');
  }, 180_000);

  it('an agent offline during the rollout converges when it returns', async () => {
    const away = agents.get('rc') as AgentProcess;
    away.child.kill('SIGTERM');
    await away.exited;
    await waitFor('rc offline', 30_000, async () => (await agentOf('rc'))?.online === false);
    const next = await makeBundle(dir, modelKey, { version: '2.5.0' });
    expect((await upload(hub, next.bytes)).status).toBe('ready');
    const started = await startRollout(
      hub,
      spec('2.5.0', {
        stages: [
          { kind: 'shadow', share: 1, frames: 8 },
          { kind: 'wave', share: 1 },
        ],
      }),
    );
    const r = await finished(started.id);
    expect(r.state).toBe('completed');
    expect(r.agents.find((a) => a.agent === 'rc')?.progress).toBe('offline');
    expect((await agentOf('rc'))?.active?.version).toBe('2.1.0');

    agents.set('rc', await spawnAgent(dir, await config('rc', 2)));
    await waitFor('rc on 2.5.0', 90_000, async () => (await agentOf('rc'))?.active?.version === '2.5.0');
    const after: Rollout = await waitFor('the rollout to see rc live', 30_000, async () => {
      const x = await getRollout(hub, r.id);
      return x.agents.find((a) => a.agent === 'rc')?.progress === 'active' ? x : undefined;
    });
    expect(after.agents.every((a) => a.progress === 'active')).toBe(true);
    expect((await fleet()).mix).toEqual([{ id: 'default', version: '2.5.0', agents: 3 }]);
  }, 180_000);
});
