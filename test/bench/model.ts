/**
 * pnpm bench:model — `sightline-models train` with its default flags (plus --int8), twice:
 * 1. KolektorSDD's own split (../shared/datasets/kolektorsdd, when present): train on train/ (every candidate
 *    cross-validated on the same 5 folds, the best kept), score val/ in fp32 and int8.
 * 2. A stand-in for a user's surface set: BENCH_TILES (default 1000) textured tiles of ~250×500 in as many
 *    sizes, 29 % defective, anti-aliased PNG masks beside the images (4 of them empty), 80/20 split by name.
 * BENCH_KOLEKTOR=0 or BENCH_TILES=0 skip a part. Ends with one JSON line: auroc_val_fp32, auroc_val_int8, auroc_cv, train_s, peak_rss_mb, candidates, and the
 * same for the tiles under `tiles`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { auroc, trainFromFolder, writeTileSet } from '@sightline/models/tooling';

const log = (line: string) => process.stderr.write(`[bench:model] ${line}\n`);
const out = await mkdtemp(join(tmpdir(), 'sl-bench-model-'));
const common = { folds: 5, seed: 1, width: 224, augmentations: 0, int8: true, log, progress: true };

async function run(data: string, name: string) {
  const r = await trainFromFolder({ ...common, data, out: join(out, name) });
  return {
    auroc_val_fp32: auroc(r.fp32Val, r.valLabels),
    auroc_val_int8: auroc(r.finalVal, r.valLabels),
    auroc_cv: r.chosen.cv.mean,
    auroc_cv_int8: r.cvInt8?.mean ?? null,
    train_s: r.trainSeconds,
    chosen: r.chosen.name,
    input: r.manifest.input.shape,
    val: { n: r.valLabels.length, defects: r.valLabels.filter((l) => l === 1).length },
    at_threshold: {
      threshold: r.manifest.threshold,
      precision: r.manifest.evaluation.precision,
      recall: r.manifest.evaluation.recall,
    },
    candidates: r.comparison.table,
  };
}

const kolektor = resolve(import.meta.dirname, '../../../shared/datasets/kolektorsdd');
const useKolektor = process.env.BENCH_KOLEKTOR !== '0' && existsSync(kolektor);
const k = useKolektor ? await run(kolektor, 'kolektorsdd') : null;
if (!k) log(`KolektorSDD (${kolektor}) skipped: not found or BENCH_KOLEKTOR=0`);
const tilesN = Number(process.env.BENCH_TILES ?? 1000);
let tiles: Awaited<ReturnType<typeof run>> | null = null;
if (tilesN > 0) {
  const dir = join(out, 'tiles-data');
  const made = await writeTileSet({
    dir,
    seed: 7,
    count: tilesN,
    width: [200, 300],
    height: [400, 600],
    emptyMasks: 4,
  });
  log(
    `tiles: ${made.ok} ok, ${made.defect} defective, ${made.sizes.size} sizes, ${made.emptyMasks} empty masks`,
  );
  tiles = await run(dir, 'tiles');
}
await rm(out, { recursive: true, force: true });
const peak = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(
  `${JSON.stringify({ ...(k ?? { kolektorsdd: 'skipped' }), peak_rss_mb: peak, tiles })}\n`,
);
