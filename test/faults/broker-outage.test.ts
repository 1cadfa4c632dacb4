import { parseAgentConfig, startAgent } from '@sightline/agent';
import { describe, expect, it } from 'vitest';
import { storedCount, storedResults, useTestHub } from '../support/hub.ts';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.ts';
import { quietLog } from '../support/quiet-log.ts';
import { waitFor } from '../support/wait.ts';

const ctx = useTestHub({ mosquitto: true });

describe('a broker down for a while, then back', () => {
  it('delivers every result once, those made during the outage flagged replayed', async () => {
    const { hub, dir } = ctx;
    let mosquitto = ctx.mosquitto as Mosquitto;
    const agent = await startAgent({
      config: parseAgentConfig({
        site: 'test',
        line: 'line-o',
        agent: 'outage',
        broker: { url: mosquitto.url },
        stateDir: `${dir}/agent`,
        publish: { batchSize: 10, batchMs: 50 },
        cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 3, fps: 40 } }],
      }),
      log: quietLog(),
    });
    await waitFor('50 stored results', 30_000, async () => (await storedCount(hub)) >= 50);

    await mosquitto.stop({ keepData: true });
    const downAt = Date.now();
    // The agent keeps inspecting into its outbox while nobody listens.
    await waitFor(
      '60 results made during the outage',
      30_000,
      () => agent.summary().results >= 60 + 50 && Date.now() - downAt > 1500,
    );
    mosquitto = await startMosquitto({ port: mosquitto.port, dataDir: mosquitto.dataDir });
    ctx.mosquitto = mosquitto;
    const upAt = Date.now();

    await waitFor('results after the outage', 30_000, async () =>
      (await storedResults(hub, 'outage')).some((r) => r.ts > upAt + 500),
    );
    const summary = await agent.stop();
    await waitFor(
      'every published result stored',
      20_000,
      async () => (await storedCount(hub)) >= summary.published,
    );

    const rows = await storedResults(hub, 'outage');
    const seqs = rows.map((r) => r.seq).sort((a, b) => a - b);
    expect(summary.outbox_depth).toBe(0);
    expect(summary.published).toBe(summary.results);
    // Every result exactly once, no gaps: seq runs 0..n-1 within one run of the agent.
    expect(seqs).toEqual(Array.from({ length: summary.results }, (_, i) => i));
    const duringOutage = rows.filter((r) => r.ts > downAt + 200 && r.ts < upAt - 200);
    expect(duringOutage.length).toBeGreaterThan(30);
    expect(duringOutage.every((r) => r.replayed)).toBe(true);
    // Before the outage, once the agent was connected, results went out live.
    const liveFrom = Math.min(...rows.filter((r) => !r.replayed).map((r) => r.ts));
    const beforeOutage = rows.filter((r) => r.ts >= liveFrom && r.ts < downAt - 500);
    expect(beforeOutage.length).toBeGreaterThan(20);
    expect(beforeOutage.every((r) => !r.replayed)).toBe(true);
  }, 120_000);
});
