import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_CREDIT } from '../backbone/mobilenet.ts';
import type { Candidate, CandidateOptions } from './candidate.ts';
import { createFrameRunner } from './extract.ts';
import { fitPatchHead, MAP_NAME, type PatchSample, patchGraphBytes } from './patch.ts';
import type { CellRows } from './patch-cells.ts';
import { describePatchFeatures, trainPatchSpec } from './patch-map.ts';
import { createProgressBar } from './progress.ts';

/**
 * L2 strengths of the cell head tried by cross-validation (`train` keeps the best). On KolektorSDD's train/
 * (5-fold mean AUROC, blocks 4–6, 2×2 window): 0.001 → 0.991, 0.01 → 0.991, 0.1 → 0.992, 0.3 → 0.989,
 * 1 → 0.991; with the context channels (`patch-map.ts`) 0.01 → 0.977, 0.1 → 0.994, 1 → 0.993. A decade apart,
 * the best depends on the set (how many defect images, how varied the good ones).
 */
export const PATCH_LAMBDAS = [0.01, 0.1, 1] as const;

/** The patch candidate on cell rows already collected (`extractFeatures`); held-out images are scored by a second pass. */
export async function trainPatchFrom(
  backbone: KerasModel,
  samples: readonly PatchSample[],
  rows: readonly CellRows[],
  opts: CandidateOptions & { lambdas?: readonly number[] },
): Promise<Candidate> {
  const started = Date.now();
  const spec = trainPatchSpec(opts.input);
  const features = describePatchFeatures(spec);
  const maps = await createFrameRunner(patchGraphBytes(backbone, spec), opts.input, MAP_NAME);
  const t = await fitPatchHead(samples, rows, {
    ...opts,
    spec,
    maps,
    lambdas: opts.lambdas ?? PATCH_LAMBDAS,
    fast: true,
    bar: opts.progress ? createProgressBar('patch: scoring held-out images', samples.length) : null,
    fitBar: (label) => (opts.progress ? createProgressBar(`patch: fit ${label}`, 300) : null),
  });
  await maps.release();
  const detail = `${features} per 8×8 cell, λ ${t.lambda}, highest 2×2 window`;
  const { scores, ...cv } = t.cv;
  opts.log?.(
    `patch: ${t.cells.defect} defect cells, ${t.cells.good} good cells; L2 by CV: ${t.tried.map((x) => `λ ${x.lambda} → ${x.cv.toFixed(4)}`).join(', ')}; kept λ ${t.lambda}`,
  );
  return {
    name: 'patch',
    detail,
    cv,
    oof: scores,
    seconds: (Date.now() - started) / 1000,
    task: 'classify',
    bytes: patchGraphBytes(backbone, spec, {
      ...t.head,
      docString: `${BACKBONE_CREDIT} to ${features}, logistic head per 8×8 location, highest 2×2 window`,
    }),
    foldModel: (k) => patchGraphBytes(backbone, spec, t.foldHeads[k]),
    description: `frozen MobileNetV2 to ${features}, a logistic head at every 8×8 location trained on the defect masks, score = highest 2×2 window`,
    head: t.head,
    lambda: t.lambda,
    foldHeads: t.foldHeads,
    notes: { cells: t.cells, lambdaCv: t.tried },
  };
}
