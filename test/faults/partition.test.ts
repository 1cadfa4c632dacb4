import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'vitest';
import type { FlapStep } from '../support/tcp-proxy.ts';
import { type Topology, useTopology } from '../support/topology.ts';
import { waitFor } from '../support/wait.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

/** A long partition outlasts MQTT keepalive (60 s: both ends give up and reconnect into the hole). */
const LONG_MS = size(5_000, 120_000);
const FLAPS = size(2, 20);
const AGENT_LINK: FlapStep[] = [
  { mode: 'cut', ms: 400 },
  { mode: 'pass', ms: 1500 },
  { mode: 'blackhole', ms: 1200 },
  { mode: 'pass', ms: 2000 },
];
// Out of step with the agents' link, so every combination of the two comes up.
const HUB_LINK: FlapStep[] = [
  { mode: 'pass', ms: 900 },
  { mode: 'blackhole', ms: 1500 },
  { mode: 'pass', ms: 1300 },
  { mode: 'cut', ms: 700 },
];

const start = useTopology();

/** Holds a partition for at least `ms`, and until the agents made results behind it. */
async function partition(t: Topology, scenario: string, ms: number, what: string): Promise<void> {
  const created = await t.createdCount();
  progress(scenario, `${what}: at least ${ms / 1000} s`);
  await delay(ms);
  await waitFor(
    `results made during ${what}`,
    180_000,
    async () => (await t.createdCount()) >= created + 30,
    500,
  );
}

for (const broker of ['embedded', 'mosquitto'] as const) {
  const scenario = `partition-${broker}`;
  describe(`a long partition, then flapping links (${broker} broker)`, () => {
    it(
      `stores every result once after ${LONG_MS / 1000} s black-holed and ${FLAPS} flaps`,
      async () => {
        const t = await start({ agents: 3, broker });
        await t.waitStored(20, 'results before the partition');

        t.agentProxy.setMode('blackhole');
        await partition(t, scenario, LONG_MS, 'the agents’ partition');
        t.agentProxy.setMode('pass');
        if (t.hubProxy) {
          // The hub cut off from its broker while the agents publish: the broker must queue for it.
          t.hubProxy.setMode('blackhole');
          await partition(t, scenario, LONG_MS, 'the hub’s partition');
          t.hubProxy.setMode('pass');
        }
        await Promise.all([t.agentProxy.flap(AGENT_LINK, FLAPS), t.hubProxy?.flap(HUB_LINK, FLAPS)]);

        await t.waitStored((await t.storedCount()) + 30, 'results after the flapping');
        expectNothingLost(scenario, await t.finish(), {
          partition_s: LONG_MS / 1000,
          flaps: FLAPS,
          bytes_dropped: t.agentProxy.stats.bytesDropped + (t.hubProxy?.stats.bytesDropped ?? 0),
        });
      },
      SCENARIO_TIMEOUT_MS,
    );
  });
}
