import { describe, it } from 'vitest';
import { useTopology } from '../support/topology.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const KILLS = size(3, 20);
const start = useTopology();

for (const broker of ['embedded', 'mosquitto'] as const) {
  const scenario = `hub-kill-${broker}`;
  describe(`hub kill -9 while 3 agents publish (${broker} broker)`, () => {
    it(
      `stores every result the agents created once, across ${KILLS} kills`,
      async () => {
        const t = await start({ agents: 3, broker });
        for (let i = 0; i < KILLS; i += 1) {
          // Each hub run stores something before it dies, at a varying point of the stream.
          await t.waitStored((await t.storedCount()) + 15 + (i % 3) * 10, `hub run ${i + 1}`);
          await t.killHub();
          await t.restartHub();
          progress(scenario, `kill ${i + 1}/${KILLS}, ${await t.storedCount()} stored`);
        }
        await t.waitStored((await t.storedCount()) + 15, 'the last hub run');
        expectNothingLost(scenario, await t.finish(), { kills: KILLS });
      },
      SCENARIO_TIMEOUT_MS,
    );
  });
}
