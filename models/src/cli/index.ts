import { ModelsError } from '../errors.ts';
import type { CliIo } from './command.ts';
import { commands } from './commands.ts';

const overview = () =>
  `usage: sightline-models <command> [flags]   (from the repository root: pnpm models <command> ...)\n\ncommands:\n${commands
    .map((c) => `  ${c.name.padEnd(16)}${c.summary}`)
    .join('\n')}\n\n'sightline-models <command> --help' shows a command's flags.`;

/** `sightline-models <command> [flags]`. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const help = name === undefined || name === '--help' || name === '-h';
    process.stderr.write(`${help ? '' : `unknown command "${name}"\n\n`}${overview()}\n`);
    return help ? 0 : 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  const started = Date.now();
  const io: CliIo = {
    cwd: process.env.INIT_CWD ?? process.cwd(),
    progress: (line) =>
      process.stderr.write(`[${command.name} ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`),
    result: (value) => process.stdout.write(`${JSON.stringify(value)}\n`),
  };
  return command.run(rest, io);
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
