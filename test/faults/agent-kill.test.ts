import { describe, it } from 'vitest';
import { useTopology } from '../support/topology.ts';
import { waitFor } from '../support/wait.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const KILLS = size(3, 20);
const start = useTopology();

describe('agent kill -9 mid-stream, restarted on its state dir', () => {
  it(
    `stores every result once across ${KILLS} kills, taking the agents in turn`,
    async () => {
      const t = await start({ agents: 3 });
      for (let i = 0; i < KILLS; i += 1) {
        const agent = t.agents[i % t.agents.length];
        if (!agent) throw new Error('no agent');
        // The victim has had results acknowledged in this run, and keeps making more when it dies.
        const acked = await agent.acked();
        await waitFor(
          `${agent.ref.agent} run ${agent.runs} to publish`,
          180_000,
          async () => (await agent.acked()) >= acked + 10 + (i % 4) * 5,
          250,
        );
        await agent.kill();
        await agent.start();
        progress(
          'agent-kill',
          `kill ${i + 1}/${KILLS} (${agent.ref.agent}), ${await t.storedCount()} stored`,
        );
      }
      expectNothingLost('agent-kill', await t.finish(), { kills: KILLS });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
