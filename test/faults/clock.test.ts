import { afterEach, describe, expect, it } from 'vitest';
import { startTopology, type Topology } from '../support/topology.ts';
import { waitFor } from '../support/wait.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const HOUR = 3_600_000;
/** Agent clocks: 2 h ahead, 2 h behind, and one right that later steps back an hour. */
const OFFSETS = [2 * HOUR, -2 * HOUR, 0];
const STEPS = size(1, 4);

let topo: Topology | undefined;
afterEach(async () => {
  await topo?.close();
});

describe('agent clocks skewed ±2 h, and a clock stepped back', () => {
  it(
    `stores every result once whatever the device time, across ${STEPS} step(s) back`,
    async () => {
      const startedAt = Date.now();
      const t = await startTopology({ agents: 3, clockOffsetMs: (i) => OFFSETS[i] });
      topo = t;
      const stepper = t.agents[2];
      if (!stepper) throw new Error('no third agent');
      for (let i = 1; i <= STEPS; i += 1) {
        const acked = await stepper.acked();
        await waitFor(
          'the stepping agent to publish',
          180_000,
          async () => (await stepper.acked()) >= acked + 20,
          250,
        );
        await stepper.setClockOffset(-i * HOUR);
        progress('clock', `${stepper.ref.agent} stepped back to ${-i} h`);
      }
      // A restart with the clock behind what the agent wrote before: seq must go on, not start over.
      await stepper.kill();
      await stepper.start();
      await t.waitStored((await t.storedCount()) + 30, 'results after the last step');
      const created = await Promise.all(t.agents.map((a) => a.created()));
      expectNothingLost('clock', await t.finish(), { offsets_h: OFFSETS.map((o) => o / HOUR), steps: STEPS });

      // The faults were real: results carry the skewed times, and the stepped agent's times went back.
      const times = created.map((c) => [...c.values()].sort((a, b) => a.seq - b.seq).map((r) => r.ts));
      expect(Math.min(...(times[0] ?? []))).toBeGreaterThan(startedAt + 1.5 * HOUR);
      expect(Math.max(...(times[1] ?? []))).toBeLessThan(Date.now() - 1.5 * HOUR);
      const backSteps = (times[2] ?? []).filter((ts, k, all) => k > 0 && ts < (all[k - 1] ?? 0) - 0.5 * HOUR);
      expect(backSteps).toHaveLength(STEPS);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
