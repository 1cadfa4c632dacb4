import { buildDefaultModel } from '../train/build-default.ts';
import type { CliCommand } from './command.ts';
import { parseBuildDefault, USAGE } from './config.ts';

export const buildDefaultCommand: CliCommand = {
  name: 'build-default',
  summary: 'build models/default from synthetic parts (reproducible)',
  usage: USAGE,
  async run(argv, io) {
    const config = parseBuildDefault(argv, io.cwd);
    const started = Date.now();
    const result = await buildDefaultModel({
      outDir: config.out,
      seed: config.seed,
      trainParts: config.train,
      validationParts: config.validation,
      evaluationParts: config.evaluation,
      created: config.created,
      log: io.progress,
    });
    const { evaluation, threshold, sha256 } = result.manifest;
    io.result({ out: config.out, sha256, ...evaluation, threshold, seconds: (Date.now() - started) / 1000 });
    return 0;
  },
};
