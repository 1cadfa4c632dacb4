import { readOutbox } from '@sightline/agent';
import { encode, HubState, topics } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { spawnAgent } from '../support/agent-process.ts';
import { agentBroker, hubClient } from '../support/credentials.ts';
import { storedCount, storedResults, useTestHub } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';

const ctx = useTestHub();

describe('kill -9 of the agent mid-stream', () => {
  it('loses no result that was in the outbox, and never reuses a seq', async () => {
    const { hub, dir } = ctx;
    const config = {
      site: 'test',
      line: 'line-k',
      agent: 'killed',
      broker: await agentBroker(hub, { site: 'test', line: 'line-k', agent: 'killed' }),
      stateDir: `${dir}/agent`,
      publish: { batchSize: 20, batchMs: 20 },
      cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 9, fps: 0 } }],
    };
    const first = await spawnAgent(dir, config);
    await waitFor('100 stored results', 60_000, async () => (await storedCount(hub)) >= 100);
    // The hub announces it is away (as its will would): the agent keeps inspecting into its outbox.
    // (With the hub's own login: nobody else may publish the hub's state.)
    const control = await hubClient(hub, 'control');
    await control.publishAsync(topics.hubState(), encode(HubState, { online: false, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    await waitFor(
      '100 results held in the outbox',
      60_000,
      async () => (await readOutbox(config.stateDir)).pending.length >= 100,
    );
    first.child.kill('SIGKILL');
    const { signal } = await first.exited;
    expect(signal).toBe('SIGKILL');

    // What the dead process left on disk: every one of these must reach the hub.
    const left = await readOutbox(config.stateDir);
    const leftSeqs = left.pending.map((r) => r.seq);
    expect(leftSeqs.length).toBeGreaterThanOrEqual(100);
    await control.publishAsync(topics.hubState(), encode(HubState, { online: true, ts: Date.now() }), {
      qos: 1,
      retain: true,
    });
    await control.endAsync();
    const maxBefore = Math.max(left.watermark - 1, ...leftSeqs);

    const second = await spawnAgent(dir, config, ['--frames', '30']);
    const after = await second.exited;
    expect(after.code).toBe(0);
    const summary = JSON.parse(after.stdout.trim().split('\n').at(-1) ?? '{}') as {
      results: number;
      outbox_depth: number;
    };
    expect(summary.outbox_depth).toBe(0);

    const rows = await storedResults(hub, 'killed');
    const stored = new Set(rows.map((r) => r.seq));
    expect(stored.size).toBe(rows.length);
    for (const seq of leftSeqs) expect(stored.has(seq), `seq ${seq} from the outbox`).toBe(true);
    // Results the dead process made while the hub was away reach it flagged as replayed.
    const held = rows.filter((r) => leftSeqs.slice(5).includes(r.seq));
    expect(held.length).toBe(leftSeqs.length - 5);
    expect(held.every((r) => r.replayed)).toBe(true);
    // The new run's seqs all lie above everything the dead process issued.
    const fresh = rows.filter((r) => r.seq > maxBefore);
    expect(fresh.length).toBe(summary.results);
  }, 120_000);
});
