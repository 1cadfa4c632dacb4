import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_CREDIT } from '../backbone/mobilenet.ts';
import { foldedConv } from '../backbone/to-onnx.ts';
import type { Candidate, CandidateOptions } from '../train/candidate.ts';
import { SCORE_NAME } from '../train/classifier-graph.ts';
import { stratifiedFolds, summariseFolds } from '../train/cross-validation.ts';
import { createFrameRunner } from '../train/extract.ts';
import type { Head } from '../train/head.ts';
import { type PatchSample, patchGraphBytes, plattScaling } from '../train/patch.ts';
import type { CellRows } from '../train/patch-cells.ts';
import { describePatchFeatures, patchChannels, trainPatchSpec, tunedChannels } from '../train/patch-map.ts';
import { createProgressBar } from '../train/progress.ts';
import { FINETUNE_LAYER, type FinetuneParams, finetuneSteps, fitFinetuned } from './fit.ts';

/**
 * The fine-tuned patch candidate: per fold, block 6's expansion and the cell head trained jointly from the
 * frozen patch head of that fold (`patch.foldHeads`), held-out images scored by their highest 2×2 window; Platt
 * scaling of the out-of-fold scores; the final fit on all, exported with the tuned weights in the backbone.
 */
export async function trainFinetuned(
  backbone: KerasModel,
  samples: readonly PatchSample[],
  rows: readonly CellRows[],
  patch: Candidate,
  opts: CandidateOptions,
): Promise<Candidate> {
  const started = Date.now();
  const spec = trainPatchSpec(opts.input);
  const features = describePatchFeatures(spec);
  // The cell features that stay (context, blocks 4 and 5) come first, block 6's expansion last.
  const frozenChannels = patchChannels(backbone, spec) - tunedChannels(backbone);
  const labels = samples.map((s) => s.label as number);
  const fold = stratifiedFolds(labels, opts.folds, opts.seed);
  const pretrained = foldedConv(backbone, FINETUNE_LAYER);
  const fit = (idx: number[], head: Head, label: string): FinetuneParams => {
    const frozen = idx.flatMap((i) => (rows[i] as CellRows).x.map((r) => r.subarray(0, frozenChannels)));
    const x = idx.flatMap((i) => (rows[i] as CellRows).aux);
    const y = idx.flatMap((i) => (rows[i] as CellRows).y);
    const bar = opts.progress ? createProgressBar(`fine-tune: ${label}`, finetuneSteps(y.length)) : null;
    const p = fitFinetuned(
      frozen,
      x,
      y,
      { conv: pretrained, head },
      { seed: opts.seed, lambda: patch.lambda, onStep: () => bar?.tick() },
    );
    bar?.done();
    return p;
  };
  const folds: FinetuneParams[] = [];
  for (let k = 0; k < opts.folds; k++) {
    const init = patch.foldHeads?.[k] as Head;
    folds.push(
      fit(
        labels.flatMap((_, i) => (fold[i] === k ? [] : [i])),
        init,
        `fold ${k + 1}/${opts.folds}`,
      ),
    );
  }
  // Each image through its fold's graph (tuned block + head, ending in the window logit): onnxruntime does
  // the per-cell work.
  const graph = (p: FinetuneParams, o: { logit?: boolean; docString?: string } = {}) =>
    patchGraphBytes(backbone, spec, { ...p.head, docString: o.docString }, p.conv, o);
  const scores = new Array<number>(samples.length).fill(Number.NaN);
  const bar = opts.progress ? createProgressBar('fine-tune: scoring held-out images', samples.length) : null;
  for (let k = 0; k < opts.folds; k++) {
    const runner = await createFrameRunner(
      graph(folds[k] as FinetuneParams, { logit: true }),
      opts.input,
      SCORE_NAME,
    );
    for (const [i, s] of samples.entries()) {
      if (fold[i] !== k) continue;
      scores[i] = (await runner.run(s.frame))[0] as number;
      bar?.tick();
    }
    await runner.release();
  }
  bar?.done();
  const platt = plattScaling(scores, labels);
  const calibrated = (p: FinetuneParams): FinetuneParams => ({
    conv: p.conv,
    head: { weights: p.head.weights.map((w) => w * platt.a), bias: p.head.bias * platt.a + platt.c },
  });
  const { scores: oof, ...cv } = summariseFolds(
    scores.map((v) => platt.a * v + platt.c),
    labels,
    fold,
    opts.folds,
  );
  const final = calibrated(
    fit(
      labels.map((_, i) => i),
      patch.head as Head,
      'final',
    ),
  );
  const detail = `${features}, ${FINETUNE_LAYER} fine-tuned, highest 2×2 window`;
  return {
    name: 'patch-finetuned',
    detail,
    cv,
    oof,
    seconds: (Date.now() - started) / 1000,
    task: 'classify',
    bytes: graph(final, {
      docString: `${BACKBONE_CREDIT} to ${features} with ${FINETUNE_LAYER} fine-tuned, logistic head per 8×8 location`,
    }),
    foldModel: (k) => graph(calibrated(folds[k] as FinetuneParams)),
    description: `MobileNetV2 to ${features} with ${FINETUNE_LAYER} fine-tuned jointly with a logistic head at every 8×8 location on the defect masks, score = highest 2×2 window`,
  };
}
