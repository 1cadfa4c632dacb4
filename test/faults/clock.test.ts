import { describe, expect, it } from 'vitest';
import type { ManagedAgent } from '../support/managed-agent.ts';
import { useTopology } from '../support/topology.ts';
import { waitFor } from '../support/wait.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const HOUR = 3_600_000;
/** Agent clocks: 2 h ahead, 2 h behind, and one right that later steps back an hour at a time. */
const OFFSETS = [2 * HOUR, -2 * HOUR, 0];
const STEPS = size(1, 4);
const start = useTopology();

/**
 * Waits until `agent` had 20 more results acknowledged: it goes on publishing. Returns what stalled
 * instead of throwing, so the run still ends with its tally.
 */
async function keepsPublishing(agent: ManagedAgent, after: string): Promise<string[]> {
  const acked = await agent.acked();
  return waitFor(
    `${agent.ref.agent} to publish ${after}`,
    180_000,
    async () => (await agent.acked()) >= acked + 20,
    250,
  ).then(
    () => [],
    () => [`${agent.ref.agent} had nothing acknowledged for 3 minutes ${after}`],
  );
}

describe('agent clocks skewed ±2 h, and a clock stepped back', () => {
  it(
    `stores every result once whatever the device time, across ${STEPS} step(s) back`,
    async () => {
      const startedAt = Date.now();
      const t = await start({ agents: 3, clockOffsetMs: (i) => OFFSETS[i] });
      const stepper = t.agents[2];
      if (!stepper) throw new Error('no third agent');
      const stalls = await keepsPublishing(stepper, 'at the right time');
      for (let i = 1; i <= STEPS && stalls.length === 0; i += 1) {
        await stepper.setClockOffset(-i * HOUR);
        progress('clock', `${stepper.ref.agent} stepped back to ${-i} h`);
        stalls.push(...(await keepsPublishing(stepper, `after its clock stepped back to -${i} h`)));
      }
      // A restart with the clock behind what the agent wrote before: seq must go on, not start over.
      await stepper.kill();
      await stepper.start();
      stalls.push(...(await keepsPublishing(stepper, 'after a restart with its clock behind')));
      const created = await Promise.all(t.agents.map((a) => a.created()));
      expectNothingLost('clock', await t.finish(), {
        offsets_h: OFFSETS.map((o) => o / HOUR),
        steps: STEPS,
        stalls,
      });
      expect(stalls, 'every agent kept publishing').toEqual([]);

      // The faults were real: results carry the skewed times, and the stepped agent's times went back.
      const times = created.map((c) => [...c.values()].sort((a, b) => a.seq - b.seq).map((r) => r.ts));
      expect(Math.min(...(times[0] ?? []))).toBeGreaterThan(startedAt + 1.5 * HOUR);
      expect(Math.max(...(times[1] ?? []))).toBeLessThan(Date.now() - 1.5 * HOUR);
      const backSteps = (times[2] ?? []).filter((ts, k, all) => k > 0 && ts < (all[k - 1] ?? 0) - 0.5 * HOUR);
      expect(backSteps.length).toBeGreaterThan(0);
    },
    SCENARIO_TIMEOUT_MS,
  );
});
