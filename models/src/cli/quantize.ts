import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelsError } from '../errors.ts';
import { evaluateModel } from '../evaluate/evaluate.ts';
import { loadLabelledImages } from '../images/load.ts';
import { type LoadedModel, loadModel, parseManifest, sha256Hex } from '../manifest/load.ts';
import type { Manifest } from '../manifest/schema.ts';
import { calibrationInputs } from '../quantize/calibration-set.ts';
import { type Latency, measureLatency } from '../quantize/latency.ts';
import { quantizeStatic } from '../quantize/quantize.ts';
import type { CliCommand } from './command.ts';
import { parseFlags } from './flags.ts';

const usage = `usage: sightline-models quantize --model DIR --calib IMAGE_DIR|synthetic[:N] --out DIR
         [--data LABELLED_DIR] [--split train|val|all] [--method minmax|percentile] [--calib-max N]
         [--ops Conv,Add,...] [--per-tensor] [--full-range] [--runs N] [--node-threads N] [--web-threads N] [--version V]`;

const pick = (l: Latency) => ({ p50: round(l.p50), p90: round(l.p90), threads: l.threads });
const round = (x: number) => Math.round(x * 1000) / 1000;

export const quantizeCommand: CliCommand = {
  name: 'quantize',
  summary: 'static int8 (QDQ) quantisation with accuracy and speed before/after',
  usage,
  async run(argv, io) {
    const f = parseFlags(
      argv,
      {
        ...Object.fromEntries(
          [
            'model',
            'calib',
            'out',
            'data',
            'split',
            'method',
            'calib-max',
            'runs',
            'node-threads',
            'web-threads',
            'version',
            'ops',
          ].map((k) => [k, { type: 'string' as const }]),
        ),
        'per-tensor': { type: 'boolean' },
        'full-range': { type: 'boolean' },
      },
      usage,
      io.cwd,
    );
    const method = f.string('method') ?? 'minmax';
    if (method !== 'minmax' && method !== 'percentile')
      throw new ModelsError('SL_MODELS_INVALID_OPTION', `--method: minmax or percentile\n${usage}`);
    const positive = (n: number) => Number.isInteger(n) && n > 0;
    const source = await loadModel(f.requiredPath('model'));
    const calibSpec = f.required('calib');
    const calib = await calibrationInputs(
      /^synthetic/.test(calibSpec) ? calibSpec : (f.requiredPath('calib') as string),
      source.manifest.input,
      f.number('calib-max', 200, positive),
    );
    io.progress(`calibrating on ${calib.dataset}`);
    const { input } = source.manifest;
    const { model, report } = await quantizeStatic({
      model: source.bytes,
      calibration: calib.inputs,
      inputName: input.name,
      dims: [...input.shape],
      perChannel: !f.bool('per-tensor'),
      weightRange: f.bool('full-range') ? 'full' : 'pair-safe',
      method,
      ...(f.list('ops') ? { ops: f.list('ops') } : {}),
      onProgress: (done, total) => done % 50 === 0 && io.progress(`calibration ${done}/${total}`),
    });
    io.progress(`fused by onnxruntime: ${JSON.stringify(report.fused)}, ${report.leftoverQdq} Q/DQ left`);

    const out = f.requiredPath('out');
    const sm = source.manifest;
    const manifest: Manifest = parseManifest({
      ...sm,
      version: f.string('version') ?? `${sm.version}-int8`,
      sha256: sha256Hex(model),
      created: new Date().toISOString(),
      calibration: {
        method,
        samples: calib.inputs.length,
        dataset: calib.dataset,
        format: 'QDQ',
        activations: 'uint8',
        weights: f.bool('per-tensor') ? 'int8-per-tensor' : 'int8-per-channel',
        weightRange: report.weightRange,
        source: { id: sm.id, version: sm.version, sha256: sm.sha256 },
      },
      evaluation: {
        ...sm.evaluation,
        dataset: `${sm.evaluation.dataset} [figures of the fp32 source ${sm.version}]`,
      },
    });
    const int8: LoadedModel = { manifest, bytes: model, path: join(out, manifest.file) };

    let accuracy: Record<string, unknown> | undefined;
    const dataDir = f.path('data');
    if (dataDir) {
      const images = await loadLabelledImages(dataDir, { split: (f.string('split') ?? 'all') as 'all' });
      io.progress(`accuracy on ${images.length} images of ${dataDir}`);
      const [before, after] = [
        await evaluateModel({ modelDir: source, images, runtime: 'node' }),
        await evaluateModel({ modelDir: int8, images, runtime: 'node' }),
      ];
      const figures = (r: typeof before) => ({
        auroc: r.auroc,
        accuracy: r.accuracy,
        precision: r.precision,
        recall: r.recall,
        f1: r.f1,
        confusion: r.confusion,
      });
      accuracy = {
        n: images.length,
        threshold: manifest.threshold,
        before: figures(before),
        after: figures(after),
      };
      manifest.evaluation = {
        precision: after.precision,
        recall: after.recall,
        accuracy: after.accuracy,
        auroc: Number.isFinite(after.auroc) ? after.auroc : 0,
        n: after.n,
        positives: after.positives,
        threshold: after.threshold,
        dataset: `${images.length} images in ${dataDir}`,
      };
    }

    const runs = f.number('runs', 50, positive);
    const nodeThreads = f.number('node-threads', 2, positive);
    const webThreads = f.number('web-threads', 1, positive);
    const latency = async (bytes: Uint8Array) => ({
      node: pick(
        await measureLatency(bytes, {
          runtime: 'node',
          inputName: input.name,
          dims: [...input.shape],
          runs,
          threads: nodeThreads,
          input: calib.inputs[0],
        }),
      ),
      web: pick(
        await measureLatency(bytes, {
          runtime: 'web',
          inputName: input.name,
          dims: [...input.shape],
          runs,
          threads: webThreads,
          input: calib.inputs[0],
        }),
      ),
    });
    io.progress(`latency: ${runs} runs each`);
    const speed = { before: await latency(source.bytes), after: await latency(model) };

    await mkdir(out, { recursive: true });
    await writeFile(join(out, manifest.file), model);
    await writeFile(join(out, 'manifest.json'), `${JSON.stringify(parseManifest(manifest), null, 2)}\n`);
    const full = { out, sha256: manifest.sha256, ...report, accuracy, latency_ms: speed };
    await writeFile(join(out, 'quantize-report.json'), `${JSON.stringify(full, null, 2)}\n`);
    io.result({
      out,
      sha256: manifest.sha256,
      fused: report.fused,
      leftoverQdq: report.leftoverQdq,
      bytes: { before: report.bytesBefore, after: report.bytesAfter },
      ...(accuracy ? { accuracy } : {}),
      latency_ms: speed,
    });
    return 0;
  },
};
