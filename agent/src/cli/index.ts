import { parseArgs } from 'node:util';
import pino from 'pino';
import { startAgent } from '../agent.ts';
import { loadAgentConfig } from '../config/index.ts';
import { AgentError } from '../errors.ts';

const USAGE = `usage: sightline-agent <command> [options]

commands:
  run        inspect frames from the configured cameras and publish results
  validate   check a config file and print it with defaults filled in

options:
  --config, -c FILE   agent config (YAML); see agent/README.md       [default: ./agent.yaml]
  --frames N          stop each synthetic camera after N frames, then publish and exit
  --log-level LEVEL   trace|debug|info|warn|error                    [default: info]
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: './agent.yaml' },
      frames: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = await loadAgentConfig(values.config);
  if (command === 'validate') {
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  }
  if (command !== 'run') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const frameLimit = values.frames === undefined ? undefined : Number.parseInt(values.frames, 10);
  if (frameLimit !== undefined && !(frameLimit > 0)) {
    process.stderr.write(`--frames: expected a positive whole number, got "${values.frames}"\n`);
    return 2;
  }
  const log = pino(
    { level: values['log-level'], base: { site: config.site, line: config.line, agent: config.agent } },
    pino.destination(2),
  );
  const agent = await startAgent({ config, log, ...(frameLimit === undefined ? {} : { frameLimit }) });
  log.info({ event: 'started', cameras: config.cameras.length }, 'agent started');
  const stopSignal = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  const reason = await Promise.race([stopSignal, agent.sourcesDone.then(() => 'sources ended')]);
  log.info({ event: 'stopping', reason }, 'stopping');
  const summary = await agent.stop();
  // The last stdout line is the run's summary, for scripts (pnpm demo reads it).
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  return summary.outbox_depth === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof AgentError) process.stderr.write(`sightline-agent: ${err.code}: ${err.message}\n`);
    else process.stderr.write(`sightline-agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
