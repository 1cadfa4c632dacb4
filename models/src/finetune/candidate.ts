import type { KerasModel } from '../backbone/keras.ts';
import { BACKBONE_SOURCE } from '../backbone/mobilenet.ts';
import { addKerasLayers, foldedConv } from '../backbone/to-onnx.ts';
import { createGraph } from '../export/graph.ts';
import type { Candidate, CandidateOptions } from '../train/candidate.ts';
import { type FeatureSpec, INPUT_NAME } from '../train/classifier-graph.ts';
import { stratifiedFolds, summariseFolds } from '../train/cross-validation.ts';
import { createFrameRunner } from '../train/extract.ts';
import type { Head } from '../train/head.ts';
import {
  PATCH_STRIDE,
  PATCH_TAPS,
  type PatchSample,
  patchGraphBytes,
  plattScaling,
  windowMax,
} from '../train/patch.ts';
import type { CellRows } from '../train/patch-cells.ts';
import { createProgressBar } from '../train/progress.ts';
import {
  cellLogits,
  FINETUNE_INPUT,
  FINETUNE_LAYER,
  type FinetuneParams,
  finetuneSteps,
  fitFinetuned,
} from './fit.ts';

const FROZEN = 384; // blocks 4 and 5 of the 576 patch features

/** Graph with the frozen taps and the fine-tuned block's input as outputs, for scoring held-out images. */
function inputsGraph(backbone: KerasModel, height: number, width: number): Uint8Array {
  const g = createGraph('sightline-finetune-inputs');
  g.input(INPUT_NAME, [1, 3, height, width]);
  const t = addKerasLayers(g, backbone, {
    input: INPUT_NAME,
    until: [...PATCH_TAPS.slice(0, 2), FINETUNE_INPUT],
  });
  g.node(
    'Concat',
    PATCH_TAPS.slice(0, 2).map((x) => t.get(x) as string),
    'frozen',
    { axis: 1 },
  );
  g.node('Identity', [t.get(FINETUNE_INPUT) as string], 'x');
  const [gh, gw] = [height / PATCH_STRIDE, width / PATCH_STRIDE];
  g.output('frozen', [1, FROZEN, gh, gw]);
  g.output('x', [1, 32, gh, gw]);
  return g.toBytes();
}

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
  const [, , height, width] = opts.input.shape;
  const spec: FeatureSpec = { height, width, taps: PATCH_TAPS, pooling: 'patch' };
  const labels = samples.map((s) => s.label as number);
  const fold = stratifiedFolds(labels, opts.folds, opts.seed);
  const pretrained = foldedConv(backbone, FINETUNE_LAYER);
  const fit = (idx: number[], head: Head, label: string): FinetuneParams => {
    const frozen = idx.flatMap((i) => (rows[i] as CellRows).x.map((r) => r.subarray(0, FROZEN)));
    const x = idx.flatMap((i) => (rows[i] as CellRows).aux);
    const y = idx.flatMap((i) => (rows[i] as CellRows).y);
    const bar = opts.progress ? createProgressBar(`fine-tune: ${label}`, finetuneSteps(y.length)) : null;
    const p = fitFinetuned(
      frozen,
      x,
      y,
      { conv: pretrained, head },
      { seed: opts.seed, onStep: () => bar?.tick() },
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
  const runner = await createFrameRunner(inputsGraph(backbone, height, width), opts.input, 'x');
  const [gh, gw] = [height / PATCH_STRIDE, width / PATCH_STRIDE];
  const scores = new Array<number>(samples.length).fill(Number.NaN);
  const bar = opts.progress ? createProgressBar('fine-tune: scoring held-out images', samples.length) : null;
  for (const [i, s] of samples.entries()) {
    const out = await runner.runOutputs(s.frame, ['frozen', 'x']);
    const p = folds[fold[i] as number] as FinetuneParams;
    scores[i] = windowMax(cellLogits(p, out.frozen as Float32Array, out.x as Float32Array, gh * gw), gh, gw);
    bar?.tick();
  }
  bar?.done();
  await runner.release();
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
  const graph = (p: FinetuneParams, docString?: string) =>
    patchGraphBytes(backbone, spec, { ...p.head, docString }, new Map([[FINETUNE_LAYER, p.conv]]));
  const detail = `${PATCH_TAPS.join('+')}, ${FINETUNE_LAYER} fine-tuned, highest 2×2 window`;
  return {
    name: 'patch-finetuned',
    detail,
    cv,
    oof,
    seconds: (Date.now() - started) / 1000,
    task: 'classify',
    bytes: graph(
      final,
      `MobileNetV2 (${BACKBONE_SOURCE.package}@${BACKBONE_SOURCE.version}, ${BACKBONE_SOURCE.licence}) to ${PATCH_TAPS.join('+')} with ${FINETUNE_LAYER} fine-tuned, logistic head per 8×8 location`,
    ),
    foldModel: (k) => graph(calibrated(folds[k] as FinetuneParams)),
    description: `MobileNetV2 to ${PATCH_TAPS.join('+')} with ${FINETUNE_LAYER} fine-tuned jointly with a logistic head at every 8×8 location on the defect masks, score = highest 2×2 window`,
  };
}
