import { writeFile } from 'node:fs/promises';
import { ModelsError } from '../errors.ts';
import { evaluateModel } from '../evaluate/evaluate.ts';
import { renderEvaluationPng } from '../evaluate/plot.ts';
import { loadLabelledImages, type Split } from '../images/load.ts';
import type { CliCommand } from './command.ts';
import { parseFlags } from './flags.ts';

const usage = `usage: sightline-models eval --model DIR --data DIR [--split train|val|all] [--runtime node|web]
                             [--threads N] [--threshold T] [--json] [--png OUT.png]`;

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'evaluate a model on a labelled image folder (AUROC, F1, latency, PNG)',
  usage,
  async run(argv, io) {
    const flags = parseFlags(
      argv,
      {
        model: { type: 'string' },
        data: { type: 'string' },
        split: { type: 'string' },
        runtime: { type: 'string' },
        threads: { type: 'string' },
        threshold: { type: 'string' },
        json: { type: 'boolean' },
        png: { type: 'string' },
      },
      usage,
      io.cwd,
    );
    const split = (flags.string('split') ?? 'all') as Split;
    const runtime = flags.string('runtime') ?? 'node';
    if (!['train', 'val', 'all'].includes(split) || (runtime !== 'web' && runtime !== 'node')) {
      throw new ModelsError(
        'SL_MODELS_INVALID_OPTION',
        `--split must be train|val|all and --runtime web|node\n${usage}`,
      );
    }
    const data = flags.requiredPath('data');
    const images = await loadLabelledImages(data, { split });
    const threads = flags.number('threads', 1, (n) => Number.isInteger(n) && n > 0);
    io.progress(
      `${images.length} images from ${data} (${split}); scoring in onnxruntime-${runtime}, ${threads} thread(s)${runtime === 'node' ? ' (the agent’s runtime)' : ''}`,
    );
    const threshold =
      flags.string('threshold') === undefined
        ? undefined
        : flags.number('threshold', 0.5, (x) => x >= 0 && x <= 1);
    const r = await evaluateModel({
      modelDir: flags.requiredPath('model'),
      images,
      runtime,
      threads,
      ...(threshold === undefined ? {} : { threshold }),
      onProgress: (done, total) => done % 100 === 0 && io.progress(`${done}/${total}`),
    });
    const png = flags.path('png');
    if (png) await writeFile(png, renderEvaluationPng(r));
    const { scores: _s, labels: _l, roc: _r, ...figures } = r;
    if (!flags.bool('json')) {
      const c = r.confusion;
      io.progress(
        `AUROC ${r.auroc.toFixed(4)}  accuracy ${r.accuracy.toFixed(4)}  precision ${r.precision.toFixed(4)}  recall ${r.recall.toFixed(4)}  F1 ${r.f1.toFixed(4)} at threshold ${r.threshold.toFixed(4)}; tp ${c.tp} fp ${c.fp} tn ${c.tn} fn ${c.fn}; p50 ${r.latency_ms.toFixed(2)} ms (${r.runtime})${png ? `; plot ${png}` : ''}`,
      );
    }
    io.result({ ...figures, data, ...(png ? { png } : {}) });
    return 0;
  },
};
