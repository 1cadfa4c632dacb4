import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmallDisk, type DiskKind, type SmallDisk } from '../support/small-disk.ts';
import { useTopology } from '../support/topology.ts';
import { waitFor } from '../support/wait.ts';
import { expectNothingLost, progress } from './report.ts';
import { SCENARIO_TIMEOUT_MS, size } from './scale.ts';

const CYCLES = size(2, 6);
/** Results the agents make while the hub's disk is full, each cycle. */
const MADE_WHILE_FULL = size(60, 300);
const KIND = (process.env.SL_FAULTS_DISK as DiskKind | undefined) ?? 'auto';

let disk: SmallDisk | undefined;
// Registered before useTopology's: after-each hooks run last-registered first, so the hub is gone
// before its disk is unmounted.
afterEach(async () => {
  await disk?.close();
  disk = undefined;
});
const start = useTopology();

interface Cycle {
  made: number;
  held: number;
  recovery: 'kill -9 and restart' | 'in place' | 'restart: did not resume in place';
}

describe('the hub’s disk fills up', () => {
  it(
    `stops acknowledging and loses nothing acknowledged, ${CYCLES} times`,
    async () => {
      disk = await createSmallDisk(await mkdtemp(join(tmpdir(), 'sl-faults-disk-')), KIND);
      const t = await start({ agents: 3, dbDir: disk.dir });
      const cycles: Cycle[] = [];
      for (let i = 0; i < CYCLES; i += 1) {
        await t.waitStored((await t.storedCount()) + 20, `results before the disk fills (cycle ${i + 1})`);
        const createdBefore = await t.createdCount();
        await disk.fill(t.hub);
        const made = await waitFor(
          'results made while the disk is full',
          180_000,
          async () => {
            const n = (await t.createdCount()) - createdBefore;
            return n >= MADE_WHILE_FULL ? n : 0;
          },
          500,
        );
        let held = 0;
        for (const a of t.agents) held += await a.pending();
        // Every other time the hub dies while full: whatever it acknowledged must already be stored.
        if (i % 2 === 0) {
          await t.killHub();
          await disk.free();
          await t.restartHub();
          cycles.push({ made, held, recovery: 'kill -9 and restart' });
          progress('disk-full', `cycle ${i + 1}/${CYCLES}: ${JSON.stringify(cycles.at(-1))}`);
          continue;
        }
        const stored = await t.storedCount();
        await disk.free(t.hub);
        const resumed = await t.waitStored(stored + 20, 'storing again once space is free').then(
          () => true,
          () => false,
        );
        if (!resumed) {
          await t.killHub();
          await t.restartHub();
        }
        cycles.push({ made, held, recovery: resumed ? 'in place' : 'restart: did not resume in place' });
        progress('disk-full', `cycle ${i + 1}/${CYCLES}: ${JSON.stringify(cycles.at(-1))}`);
      }
      await t.waitStored((await t.storedCount()) + 20, 'results after the last cycle');
      expectNothingLost('disk-full', await t.finish(), { disk: disk.kind, cycles });
      // Not acknowledging means the agents keep what they made while the disk was full.
      for (const c of cycles) expect(c.held, JSON.stringify(c)).toBeGreaterThanOrEqual(c.made / 2);
      expect(cycles.map((c) => c.recovery)).not.toContain('restart: did not resume in place');
    },
    SCENARIO_TIMEOUT_MS,
  );
});
