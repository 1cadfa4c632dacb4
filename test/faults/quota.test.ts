import { parseAgentConfig, startAgent } from '@sightline/agent';
import type { Hub } from '@sightline/hub';
import { type AgentEvent, topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, storedResults, tempDir } from '../support/hub.ts';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.ts';
import { quietLog } from '../support/quiet-log.ts';
import { waitFor } from '../support/wait.ts';

const ref = { site: 'test', line: 'line-q', agent: 'quota' };
let mosquitto: Mosquitto;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir();
  mosquitto = await startMosquitto();
});
afterAll(async () => {
  await mosquitto.stop();
  await tmp.remove();
});

describe('a full outbox quota', () => {
  it('drops the oldest results, counts them and raises an event; the rest arrive once the hub is back', async () => {
    const events: AgentEvent[] = [];
    const watcher = await mqtt.connectAsync(mosquitto.url);
    watcher.on('message', (_t, payload) => events.push(JSON.parse(payload.toString()) as AgentEvent));
    await watcher.subscribeAsync(topics.events(ref), { qos: 1 });

    // No hub yet: the agent holds every result. ~0.1 MB holds a few hundred results.
    const agent = await startAgent({
      config: parseAgentConfig({
        ...ref,
        broker: { url: mosquitto.url },
        stateDir: `${tmp.dir}/agent`,
        outbox: { maxMB: 0.1 },
        cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 4, fps: 0 } }],
      }),
      log: quietLog(),
    });
    const overflow = await waitFor('outbox_overflow event', 60_000, () =>
      events.find((e) => e.kind === 'outbox_overflow'),
    );
    expect(overflow.severity).toBe('warning');
    expect(overflow.message).toMatch(/over its 0\.1 MB quota: dropped the \d+ oldest unsent result/);
    expect(overflow.detail).toMatchObject({ reason: 'bytes' });
    await waitFor('more drops', 30_000, () => agent.summary().outbox_dropped >= 50);

    let hub: Hub | undefined;
    try {
      hub = await startTestHub(tmp.dir, mosquitto.url);
      const summary = await agent.stop(30_000);
      expect(summary.outbox_dropped).toBeGreaterThanOrEqual(50);
      expect(summary.outbox_depth).toBe(0);
      const h = hub;
      // The oldest were dropped, so the kept ones are the newest: seqs dropped … results-1 (one run, from 0).
      const kept = Array.from(
        { length: summary.results - summary.outbox_dropped },
        (_, i) => summary.outbox_dropped + i,
      );
      const rows = await waitFor('the kept results', 20_000, async () => {
        const r = await storedResults(h, ref.agent);
        const stored = new Set(r.map((x) => x.seq));
        return kept.every((seq) => stored.has(seq)) ? r : undefined;
      });
      // Everything kept arrived, once. The quota drops the oldest in any state, so a few of the oldest can be
      // dropped while already on their way to the hub (sent, not yet confirmed): those arrive too, and no more.
      const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs.at(-1)).toBe(summary.results - 1);
    } finally {
      await watcher.endAsync();
      await hub?.close();
    }
  }, 120_000);
});
