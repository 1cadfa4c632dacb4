import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyBundle } from '@sightline/models';
import {
  decode,
  encode,
  ModelDesired,
  type ModelStatus,
  ModelStatus as StatusSchema,
  topics,
} from '@sightline/protocol';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent } from '../support/agent-process.ts';
import { type KeyFiles, makeBundle, publishBundle, writeKeyPair } from '../support/bundles.ts';
import { agentBroker, hubClient } from '../support/credentials.ts';
import { useTestHub } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

const ctx = useTestHub();
const STAGES = ['download', 'verify', 'write', 'switch', 'load', 'probation'] as const;

/**
 * Power cuts during a model update: the agent kills itself with SIGKILL at one stage of an update (as
 * `kill -9` or a power cut after the last fsync would), then starts again. Each time it must come back on a
 * model that verifies, and finish the update.
 */
describe('kill -9 of an agent at each stage of a model update', () => {
  let key: KeyFiles;
  let control: MqttClient;
  let v2: Awaited<ReturnType<typeof makeBundle>>;
  const statuses = new Map<string, ModelStatus[]>();

  beforeAll(async () => {
    const { hub, dir } = ctx;
    key = await writeKeyPair(`${dir}/keys`, 'models');
    v2 = await makeBundle(dir, key, { version: '2.1.0' });
    // The hub's own login: only the hub may publish model bundles and desired states.
    control = await hubClient(hub, 'fault-control');
    control.on('message', (topic, payload) => {
      const decoded = decode(StatusSchema, payload);
      const agent = topic.split('/')[4] as string;
      if (decoded.ok) statuses.set(agent, [...(statuses.get(agent) ?? []), decoded.value]);
    });
    await control.subscribeAsync('sl/v1/plant/line-k/+/model/status', { qos: 1 });
    await publishBundle(control, v2.bytes, v2.identity);
  }, 60_000);
  afterAll(() => control?.endAsync());

  const config = async (agent: string, failpoints: string[]) => ({
    site: 'plant',
    line: 'line-k',
    agent,
    broker: await agentBroker(ctx.hub, { site: 'plant', line: 'line-k', agent }),
    stateDir: `${ctx.dir}/${agent}`,
    inference: { runtime: 'onnxruntime-node' },
    cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 3, fps: 20 } }],
    update: {
      trustedKeys: [key.publicPath],
      failpoints,
      chunkWindow: 2,
      probation: { frames: 20, seconds: 0, maxBoots: 2 },
    },
  });
  const want = (agent: string) =>
    control.publishAsync(
      topics.modelDesired({ site: 'plant', line: 'line-k', agent }),
      encode(ModelDesired, {
        ts: Date.now(),
        model: v2.identity,
        bundle: { sha256: v2.sha256, bytes: v2.bytes.byteLength },
        mode: 'active',
        rollout: 'fault-test',
      }),
      { qos: 1, retain: true },
    );
  /** What is on disk after the kill: the pointer, and the running slot verifies. */
  async function onDisk(agent: string) {
    const dir = `${ctx.dir}/${agent}`;
    const pointer = JSON.parse(
      await readFile(join(dir, 'models/pointer.json'), 'utf8').catch(() => '{"active":"factory"}'),
    );
    if (pointer.active !== 'factory') {
      const bytes = new Uint8Array(await readFile(join(dir, `models/slots/${pointer.active}.slb`)));
      expect(verifyBundle(bytes, [await readFile(key.publicPath, 'utf8')], 0).manifest.version).toBe('2.1.0');
    }
    return pointer as { active: string; probation: { boots: number } | null };
  }

  async function killAt(stage: (typeof STAGES)[number]) {
    const agent = `k-${stage}`;
    await want(agent);
    const first = await spawnAgent(ctx.dir, await config(agent, [stage]));
    const dead = await first.exited;
    expect(dead.signal, `${stage}: ${dead.stderr.slice(-400)}`).toBe('SIGKILL');
    expect(dead.stderr).toContain(`failpoint ${stage}`);
    const pointer = await onDisk(agent);
    const partial = await readdir(`${ctx.dir}/${agent}/models/download`);
    statuses.set(agent, []);
    const again = await spawnAgent(ctx.dir, await config(agent, []));
    const done = await waitFor(`${agent} live on 2.1.0`, 90_000, () =>
      statuses.get(agent)?.find((s) => s.phase === 'active' && s.active?.version === '2.1.0'),
    );
    // The first word after the restart names a model the agent verified and runs.
    const firstStatus = statuses.get(agent)?.[0];
    again.child.kill('SIGTERM');
    await again.exited;
    return { pointer, partial, firstStatus, done };
  }

  it('comes back on a verified model and finishes the update, whichever stage it died in', async () => {
    const outcomes = new Map<string, Awaited<ReturnType<typeof killAt>>>();
    // Two at a time: each is a real agent process with ONNX Runtime.
    for (let i = 0; i < STAGES.length; i += 2) {
      const pair = STAGES.slice(i, i + 2);
      const results = await Promise.all(pair.map(killAt));
      for (const [j, s] of pair.entries()) outcomes.set(s, results[j] as Awaited<ReturnType<typeof killAt>>);
    }
    const at = (s: string) => outcomes.get(s) as Awaited<ReturnType<typeof killAt>>;
    // Before the switch the factory model still runs; the download resumes from its partial file.
    for (const s of ['download', 'verify', 'write', 'load']) expect(at(s).pointer.active, s).toBe('factory');
    expect(at('download').partial.some((f) => f.endsWith('.part'))).toBe(true);
    const resumed = at('download').firstStatus;
    expect(resumed?.active?.version).toBe('2.0.0');
    // After the switch the new model runs (it verified at boot), on probation, counting the starts.
    for (const s of ['switch', 'probation']) {
      expect(at(s).pointer.active, s).toMatch(/^[ab]$/);
      expect(at(s).pointer.probation?.boots, s).toBe(0);
      expect(at(s).firstStatus?.active?.version, s).toBe('2.1.0');
    }
    for (const s of STAGES) expect(at(s).done.active?.sha256).toBe(v2.identity.sha256);
  }, 600_000);

  it('a crash loop on probation sends the agent back to its last good model, and it says why', async () => {
    const agent = 'k-loop';
    await want(agent);
    // The model "crashes" the agent on every start while on probation.
    let starts = 0;
    let rolled: ModelStatus | undefined;
    const rolledBack = () =>
      statuses.get(agent)?.find((x) => x.phase === 'rolled-back' && x.code === 'SL_PROBATION_FAILED');
    while (!rolled && starts < 6) {
      const run = await spawnAgent(ctx.dir, await config(agent, ['probation']));
      starts += 1;
      const outcome = await Promise.race([
        run.exited.then((e) => e.signal),
        waitFor('rolled-back status', 120_000, rolledBack).then(() => 'rolled-back'),
      ]);
      if (outcome === 'rolled-back') {
        rolled = rolledBack();
        run.child.kill('SIGTERM');
        await run.exited;
      } else expect(outcome).toBe('SIGKILL');
    }
    // The first start switched; two more started on probation (maxBoots 2); the fourth went back.
    expect(starts).toBe(4);
    if (!rolled) throw new Error('no rollback');
    expect(rolled.active?.version).toBe('2.0.0');
    expect(rolled.error).toMatch(/2 starts during probation/);
    const trust = JSON.parse(await readFile(`${ctx.dir}/${agent}/trust/installed.json`, 'utf8'));
    expect(trust.bad.map((b: { model: string }) => b.model)).toEqual(['default 2.1.0']);
    expect(existsSync(`${ctx.dir}/${agent}/models/pointer.json`)).toBe(true);
  }, 300_000);
});
