import { ModelsError } from '../errors.ts';
import { buildDefaultModel } from '../train/build-default.ts';
import { parseBuildDefault, USAGE } from './config.ts';

/** `sightline-models <command> [flags]`. Progress goes to stderr; the result is one JSON line on stdout. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'build-default') {
    const help = command === '--help' || command === '-h';
    process.stderr.write(`${command && !help ? `unknown command "${command}"\n` : ''}${USAGE}\n`);
    return help ? 0 : 2;
  }
  const config = parseBuildDefault(rest, process.cwd());
  const started = Date.now();
  const result = await buildDefaultModel({
    outDir: config.out,
    seed: config.seed,
    trainParts: config.train,
    validationParts: config.validation,
    evaluationParts: config.evaluation,
    created: config.created,
    log: (line) =>
      process.stderr.write(`[build-default ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
  });
  const { evaluation, threshold, sha256 } = result.manifest;
  process.stdout.write(
    `${JSON.stringify({ out: config.out, sha256, ...evaluation, threshold, seconds: (Date.now() - started) / 1000 })}\n`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof ModelsError ? err.code : 'SL_MODELS_FAILED';
    process.stderr.write(`sightline-models: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
