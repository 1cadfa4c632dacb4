import { readFile } from 'node:fs/promises';
import { ModelsError } from '../errors.ts';
import { loadLabelledImages, type Split } from '../images/load.ts';
import type { ImportKind } from '../importers/describe.ts';
import { importModel } from '../importers/import.ts';
import type { CliCommand } from './command.ts';
import { parseFlags } from './flags.ts';

const usage = `usage: sightline-models import --kind anomalib|yolo|classifier --onnx FILE --out DIR --data LABELLED_DIR
         [--split train|val|all] [--id ID] [--version V] [--labels a,b,...] [--colour rgb|bgr|gray]
         [--mean m1,m2,m3] [--std s1,s2,s3] [--size HxW] [--threshold T] [--ok-index N]
         [--defect-classes name|index,...] [--iou T] [--metadata anomalib-metadata.json]`;

const numbers = (list: string[] | undefined, flag: string) =>
  list?.map((s) => {
    const x = Number(s);
    if (!Number.isFinite(x))
      throw new ModelsError('SL_MODELS_INVALID_OPTION', `--${flag}: "${s}" is not a number\n${usage}`);
    return x;
  });

/** anomalib's metadata.json: {image_threshold, min, max} (0.x) or {image_threshold, pred_scores: {min, max}} (1.x). */
async function anomalibNormalization(path: string) {
  const m = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const scores = (m.pred_scores ?? m) as Record<string, unknown>;
  const [min, max, threshold] = [scores.min, scores.max, m.image_threshold].map(Number);
  if (![min, max, threshold].every(Number.isFinite)) {
    throw new ModelsError(
      'SL_MODELS_INVALID_OPTION',
      `${path}: expected image_threshold and min/max (or pred_scores.min/max)`,
    );
  }
  return { min: min as number, max: max as number, threshold: threshold as number };
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import an anomalib, Ultralytics YOLO or classifier ONNX with a manifest',
  usage,
  async run(argv, io) {
    const names = [
      'kind',
      'onnx',
      'out',
      'data',
      'split',
      'id',
      'version',
      'labels',
      'colour',
      'mean',
      'std',
      'size',
      'threshold',
      'ok-index',
      'defect-classes',
      'iou',
      'metadata',
    ];
    const f = parseFlags(
      argv,
      Object.fromEntries(names.map((k) => [k, { type: 'string' as const }])),
      usage,
      io.cwd,
    );
    const kind = f.required('kind') as ImportKind;
    if (!['anomalib', 'yolo', 'classifier'].includes(kind))
      throw new ModelsError('SL_MODELS_INVALID_OPTION', `--kind: anomalib, yolo or classifier\n${usage}`);
    const colour = f.string('colour');
    if (colour && !['rgb', 'bgr', 'gray'].includes(colour))
      throw new ModelsError('SL_MODELS_INVALID_OPTION', `--colour: rgb, bgr or gray\n${usage}`);
    const size = f.string('size')?.split('x').map(Number);
    if (size && (size.length !== 2 || !size.every((n) => Number.isInteger(n) && n >= 8))) {
      throw new ModelsError('SL_MODELS_INVALID_OPTION', `--size: HxW, e.g. 256x256\n${usage}`);
    }
    const data = f.requiredPath('data');
    const images = await loadLabelledImages(data, { split: (f.string('split') ?? 'all') as Split });
    const metadata = f.path('metadata');
    const mean = numbers(f.list('mean'), 'mean');
    const std = numbers(f.list('std'), 'std');
    const labels = f.list('labels');
    const id = f.string('id');
    const version = f.string('version');
    const { manifest, dir } = await importModel({
      kind,
      onnx: f.requiredPath('onnx'),
      out: f.requiredPath('out'),
      images,
      dataset: `${images.length} images in ${data}`,
      ...(id ? { id } : {}),
      ...(version ? { version } : {}),
      ...(labels ? { labels } : {}),
      ...(colour ? { colour: colour as 'rgb' } : {}),
      ...(mean ? { mean } : {}),
      ...(std ? { std } : {}),
      ...(size ? { size: size as [number, number] } : {}),
      ...(f.string('threshold') ? { threshold: f.number('threshold', 0.5, (x) => x >= 0 && x <= 1) } : {}),
      ...(f.string('ok-index')
        ? { okIndex: f.number('ok-index', 0, (n) => Number.isInteger(n) && n >= 0) }
        : {}),
      ...(f.list('defect-classes')
        ? {
            defectClasses: (f.list('defect-classes') as string[]).map((d) =>
              /^\d+$/.test(d) ? Number(d) : d,
            ),
          }
        : {}),
      ...(f.string('iou') ? { iou: f.number('iou', 0.45, (x) => x > 0 && x <= 1) } : {}),
      ...(metadata ? { normalization: await anomalibNormalization(metadata) } : {}),
    });
    io.result({
      out: dir,
      id: manifest.id,
      version: manifest.version,
      task: manifest.task,
      output: manifest.output,
      threshold: manifest.threshold,
      evaluation: manifest.evaluation,
    });
    return 0;
  },
};
