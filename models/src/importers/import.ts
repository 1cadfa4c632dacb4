import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ModelsError } from '../errors.ts';
import { evaluateModel } from '../evaluate/evaluate.ts';
import { decodeScore } from '../evaluate/score.ts';
import { type LoadedModel, parseManifest, sha256Hex } from '../manifest/load.ts';
import type { Manifest } from '../manifest/schema.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { auroc, binaryMetrics, pickThreshold } from '../train/metrics.ts';
import { type DescribeOptions, describeImport, type ImportKind } from './describe.ts';
import { inspectOnnx } from './inspect.ts';

export interface ImportOptions extends DescribeOptions {
  kind: ImportKind;
  /** Path of the ONNX file to import. */
  onnx: string;
  /** Output directory: `model.onnx` + `manifest.json`. */
  out: string;
  /** Labelled frames the evaluation figures (and, unless given, the threshold) come from. */
  images: ReadonlyArray<{ frame: ImageFrame; label: 0 | 1 }>;
  /** Where `images` came from, for the manifest. */
  dataset: string;
  id?: string;
  version?: string;
  /** Decision threshold on the decoded score; default: best F1 on `images` (0.5 for normalised anomaly scores). */
  threshold?: number;
  created?: string;
  description?: string;
}

/**
 * Imports an ONNX model exported by anomalib, Ultralytics YOLO or any image classifier: inspects its inputs
 * and outputs, writes `out/model.onnx` and a validated `out/manifest.json` with the right task and output
 * decoding, and evaluates it on labelled frames in onnxruntime-node for the manifest's figures.
 */
export async function importModel(opts: ImportOptions): Promise<{ manifest: Manifest; dir: string }> {
  const bytes = new Uint8Array(
    await readFile(opts.onnx).catch(() => {
      throw new ModelsError(
        'SL_MODEL_FILE_NOT_FOUND',
        `${opts.onnx} could not be read; give the exported .onnx file`,
      );
    }),
  );
  if (opts.images.length === 0)
    throw new ModelsError('SL_DATASET_INVALID', 'import: no labelled images to evaluate on');
  const described = describeImport(opts.kind, inspectOnnx(bytes), opts);
  const draft = {
    id:
      opts.id ??
      (basename(opts.onnx, '.onnx')
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '') ||
        'imported'),
    version: opts.version ?? '1.0.0',
    task: described.task,
    file: 'model.onnx',
    input: described.input,
    output: described.output,
    labels: described.labels,
    threshold: 0.5,
    evaluation: {
      precision: 0,
      recall: 0,
      accuracy: 0,
      auroc: 0,
      n: 1,
      positives: 0,
      threshold: 0.5,
      dataset: opts.dataset,
    },
    sha256: sha256Hex(bytes),
    created: opts.created ?? new Date().toISOString(),
    ...(opts.description ? { description: opts.description } : {}),
    training: { imported: { kind: opts.kind, from: basename(opts.onnx) } },
  };
  const loaded: LoadedModel = { manifest: parseManifest(draft, 'imported manifest'), bytes, path: opts.onnx };
  const raw = await evaluateModel({ modelDir: loaded, images: opts.images, runtime: 'node' });
  let scores = raw.scores;
  const labels = raw.labels;
  let output = described.output;
  if (output.decode === 'anomaly-score' && !output.normalization) {
    // Normalise raw anomaly scores as anomalib does, with min/max and the best-F1 cut from these images.
    const normalization = {
      min: Math.min(...scores),
      max: Math.max(...scores),
      threshold: pickThreshold(scores, labels),
    };
    output = { ...output, normalization };
    scores = scores.map((s) => decodeScore(output, Float32Array.of(s)));
  }
  const threshold =
    opts.threshold ??
    (output.decode === 'anomaly-score' ? 0.5 : Math.min(1, Math.max(0, pickThreshold(scores, labels))));
  const m = binaryMetrics(scores, labels, threshold);
  const auc = auroc(scores, labels);
  const manifest = parseManifest(
    {
      ...draft,
      output,
      threshold,
      evaluation: {
        precision: m.precision,
        recall: m.recall,
        accuracy: m.accuracy,
        auroc: Number.isFinite(auc) ? auc : 0,
        n: scores.length,
        positives: m.tp + m.fn,
        threshold,
        dataset: `${opts.dataset}${opts.threshold === undefined ? ' (threshold picked on the same images)' : ''}`,
      },
    },
    'imported manifest',
  );
  await mkdir(opts.out, { recursive: true });
  await writeFile(join(opts.out, 'model.onnx'), bytes);
  await writeFile(join(opts.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, dir: opts.out };
}
