import { describe, it } from 'vitest';
import { useTopology } from '../support/topology.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const KILLS = size(3, 20);
const start = useTopology();

describe('broker kill -9 (Mosquitto with persistence, restarted on its data)', () => {
  it(
    `stores every result the agents created once, across ${KILLS} kills`,
    async () => {
      const t = await start({ agents: 3, broker: 'mosquitto' });
      for (let i = 0; i < KILLS; i += 1) {
        await t.waitStored((await t.storedCount()) + 15 + (i % 3) * 10, `broker run ${i + 1}`);
        await t.killBroker();
        await t.restartBroker();
        progress('broker-kill', `kill ${i + 1}/${KILLS}, ${await t.storedCount()} stored`);
      }
      await t.waitStored((await t.storedCount()) + 15, 'the last broker run');
      expectNothingLost('broker-kill', await t.finish(), { kills: KILLS });
    },
    SCENARIO_TIMEOUT_MS,
  );
});
