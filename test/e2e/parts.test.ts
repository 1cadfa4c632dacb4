// The agent on a simulated conveyor (simulated clock) through the hub: one stored result per part, and the
// hub's per-line rates equal the simulation's per-part truth.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAgentConfig, startAgent } from '@sightline/agent';
import { startHub } from '@sightline/hub';
import type { LinesResponse, RecipesResponse, ResultsResponse } from '@sightline/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { agentBroker, apiJson } from '../support/credentials.ts';
import { quietLog } from '../support/quiet-log.ts';
import { waitFor } from '../support/wait.ts';

const PARTS = 60;
const LINES = [
  { line: 'conv-a', seed: 31, defectRate: 0.1, products: [] as string[] },
  { line: 'conv-b', seed: 32, defectRate: 0.2, products: ['plate-a', 'plate-b'] },
];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

describe('parts through the hub', () => {
  it('stores one result per simulated part; per-line defect rates match the per-part truth', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sl-e2e-parts-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const hub = await startHub({
      broker: { mode: 'embedded', port: 0 },
      http: { port: 0 },
      store: { path: join(dir, 'hub.duckdb') },
      log: { level: 'silent' },
    });
    cleanups.push(() => hub.close());
    const agents = await Promise.all(
      LINES.map(async (l) =>
        startAgent({
          config: parseAgentConfig({
            site: 'test',
            line: l.line,
            agent: `${l.line}-agent`,
            broker: await agentBroker(hub, { site: 'test', line: l.line, agent: `${l.line}-agent` }),
            stateDir: join(dir, l.line),
            publish: { batchSize: 25, batchMs: 20 },
            inference: { runtime: 'onnxruntime-node' },
            recipes: l.products.map((id, i) => ({ id, index: i + 1 })),
            cameras: [
              {
                id: 'cam0',
                source: {
                  kind: 'conveyor',
                  clock: 'simulated',
                  // One exposure per part (a photo-eye-triggered camera): the frame choice is the agent's
                  // own tests' concern; this one is about what reaches the hub.
                  capture: 'triggered',
                  // Simulated time runs ahead of the wall clock: start it in the past, so every capture
                  // time is inside the hub's window (now − window, now].
                  startTs: Date.now() - 600_000,
                  seed: l.seed,
                  defectRate: l.defectRate,
                  recipes: l.products.map((recipe) => ({ recipe, parts: 10 })),
                },
                trigger: { kind: 'conveyor' },
                regions: [{ name: 'plate', x: 192, y: 0, w: 256, h: 256 }],
                identity: { from: 'code', code: { region: { x: 192, y: 256, w: 256, h: 64 } } },
              },
            ],
          }),
          log: quietLog(),
          frameLimit: PARTS,
        }),
      ),
    );
    await Promise.all(agents.map((a) => a.sourcesDone));
    const summaries = await Promise.all(agents.map((a) => a.stop(20_000)));
    for (const s of summaries) {
      expect(s.parts).toEqual({ triggered: PARTS, inspected: PARTS, missed: 0, late: 0 });
      expect(s.published).toBe(PARTS);
    }
    const lines = await waitFor('every part to be stored', 20_000, async () => {
      const body = await apiJson<LinesResponse>(hub, '/api/lines?window=24h');
      return LINES.every((l) => body.lines.find((r) => r.line === l.line)?.inspected === PARTS)
        ? body.lines
        : undefined;
    });
    for (const l of LINES) {
      const row = lines.find((r) => r.line === l.line);
      expect(row?.truth_n).toBe(PARTS);
      expect(row?.defect_rate).toBe(row?.true_defect_rate);
      expect(row?.defects).toBeGreaterThan(0);
    }
    // Split by product: conv-b ran plate-a and plate-b in runs of 10, so 30 parts each.
    const recipes = await apiJson<RecipesResponse>(hub, '/api/recipes?window=24h');
    const byRecipe = (line: string) => recipes.lines.find((r) => r.line === line)?.recipes;
    expect(byRecipe('conv-a')?.map((r) => [r.recipe, r.inspected])).toEqual([['default', PARTS]]);
    const b = byRecipe('conv-b');
    expect(b?.map((r) => [r.recipe, r.inspected, r.share])).toEqual([
      ['plate-a', PARTS / 2, 0.5],
      ['plate-b', PARTS / 2, 0.5],
    ]);
    for (const r of b ?? []) expect(r.defect_rate).toBe(r.true_defect_rate);
    // Traceability: a part's result found by the id read from its code.
    const found = await apiJson<ResultsResponse>(hub, '/api/results?part=P32-000017');
    expect(found.results.map((r) => [r.line, r.part, r.recipe])).toEqual([
      ['conv-b', 'P32-000017', 'plate-b'],
    ]);
  }, 180_000);
});
