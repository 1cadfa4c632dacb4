import { afterEach, describe, it } from 'vitest';
import { startTopology, type Topology } from '../support/topology.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const KILLS = size(3, 20);
let topo: Topology | undefined;
afterEach(async () => {
  await topo?.close();
});

describe('broker kill -9 (Mosquitto with persistence, restarted on its data)', () => {
  it(
    `stores every result the agents created once, across ${KILLS} kills`,
    async () => {
      topo = await startTopology({ agents: 3, broker: 'mosquitto' });
      for (let i = 0; i < KILLS; i += 1) {
        const before = await topo.storedCount();
        await topo.waitStored(before + 15 + (i % 3) * 10, `broker run ${i + 1}`);
        await topo.killBroker();
        await topo.restartBroker();
        progress('broker-kill', `kill ${i + 1}/${KILLS}, ${await topo.storedCount()} stored`);
      }
      await topo.waitStored((await topo.storedCount()) + 15, 'the last broker run');
      expectNothingLost('broker-kill', await topo.finish(), { kills: KILLS });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
