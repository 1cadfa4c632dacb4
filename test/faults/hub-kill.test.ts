import { afterEach, describe, it } from 'vitest';
import { startTopology, type Topology } from '../support/topology.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const KILLS = size(3, 20);
let topo: Topology | undefined;
afterEach(async () => {
  await topo?.close();
});

for (const broker of ['embedded', 'mosquitto'] as const) {
  describe(`hub kill -9 while 3 agents publish (${broker} broker)`, () => {
    it(
      `stores every result the agents created once, across ${KILLS} kills`,
      async () => {
        topo = await startTopology({ agents: 3, broker });
        for (let i = 0; i < KILLS; i += 1) {
          // Each hub run stores something before it dies, at a varying point of the stream.
          const before = await topo.storedCount();
          await topo.waitStored(before + 15 + (i % 3) * 10, `hub run ${i + 1}`);
          await topo.killHub();
          await topo.restartHub();
          progress(`hub-kill-${broker}`, `kill ${i + 1}/${KILLS}, ${await topo.storedCount()} stored`);
        }
        await topo.waitStored((await topo.storedCount()) + 15, 'the last hub run');
        expectNothingLost(`hub-kill-${broker}`, await topo.finish(), { kills: KILLS });
      },
      SCENARIO_TIMEOUT_MS,
    );
  });
}
