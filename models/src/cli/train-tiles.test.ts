import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTileSet } from '../images/tile-set.ts';
import { loadModel } from '../manifest/load.ts';
import type { CliIo } from './command.ts';
import { evalCommand } from './eval.ts';
import { trainCommand } from './train.ts';

/** Runs a command, collecting its progress lines and JSON result. */
async function run(cmd: typeof trainCommand, argv: string[]) {
  const lines: string[] = [];
  let result: Record<string, unknown> = {};
  const io: CliIo = {
    cwd: '/',
    progress: (l) => lines.push(l),
    result: (v) => {
      result = v as Record<string, unknown>;
    },
    bars: false,
  };
  expect(await cmd.run(argv, io)).toBe(0);
  return { lines, result };
}

// A user's own surface set in miniature: textured tiles in as many sizes as images, PNG masks beside the
// defect images (anti-aliased, two of them empty), 80/20 split by name.
describe('sightline-models train + eval on textured tiles with masks (CLI)', () => {
  let dir: string;
  let counts: Awaited<ReturnType<typeof writeTileSet>>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-tiles-'));
    counts = await writeTileSet({
      dir,
      seed: 3,
      count: 60,
      defectRate: 0.4,
      width: [96, 200],
      height: [96, 200],
      emptyMasks: 2,
      materials: 1,
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('compares every candidate by cross-validation, names the empty masks, letterboxes, keeps the best', async () => {
    expect(counts.sizes.size).toBeGreaterThan(50);
    const out = join(dir, 'model');
    const { lines, result } = await run(trainCommand, [
      '--data',
      dir,
      '--out',
      out,
      '--width',
      '96',
      '--folds',
      '3',
      '--augment',
      '0',
    ]);
    const warning = lines.find((l) => l.includes('mask(s) are empty')) ?? '';
    expect(warning).toMatch(
      /2 defect mask\(s\) are empty: train\/defect\/\d{4}_mask\.png, train\/defect\/\d{4}_mask\.png/,
    );
    const table = result.candidates as Array<{ candidate: string; cv_auroc_mean: number; chosen: boolean }>;
    expect(table.map((r) => r.candidate).sort()).toEqual(['anomaly', 'patch', 'patch-finetuned', 'pooled']);
    const chosen = table.filter((r) => r.chosen);
    expect(chosen).toHaveLength(1);
    expect(chosen[0]?.cv_auroc_mean).toBe(Math.max(...table.map((r) => r.cv_auroc_mean)));
    expect(result.chosen).toBe(chosen[0]?.candidate);
    expect(lines.some((l) => l.startsWith('candidate '))).toBe(true);
    const { manifest } = await loadModel(out);
    expect(manifest.input.resize).toBe('letterbox');
    expect(manifest.input.shape).toEqual([1, 3, 96, 96]);
    expect(manifest.training?.unmasked).toMatchObject({ empty: [expect.any(String), expect.any(String)] });

    const e = await run(evalCommand, ['--model', out, '--data', dir, '--split', 'val', '--json']);
    expect(e.result.runtime).toBe('node');
    expect(e.lines[0]).toMatch(/onnxruntime-node.*agent/);
    expect(e.result.auroc).toBeGreaterThan(0.85);
  });
});
