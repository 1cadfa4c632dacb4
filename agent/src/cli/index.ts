import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadAgentConfig } from '../config/index.ts';
import { formatChecks, runDoctor } from '../doctor/index.ts';
import { AgentError } from '../errors.ts';
import { formatSamples, listSamples } from '../samples/index.ts';
import { captureCommand } from './capture.ts';
import { runCommand } from './run.ts';

const USAGE = `usage: sightline-agent <command> [options]

commands:
  run        inspect frames from the configured cameras and publish results
  doctor     check cameras, model, inference, broker, hub, disk and clock; print PASS/FAIL
  capture    save a few frames from each camera as JPEG (aim and focus a camera)
  samples    list saved sample frames
  validate   check a config file and print it with defaults filled in

options:
  --config, -c FILE   agent config (YAML); see agent/README.md       [default: ./agent.yaml]
  --frames N          run: stop each synthetic camera after N frames, publish, exit
  --camera ID         capture: only this camera
  --count N           capture: frames per camera                     [default: 1]
  --out DIR           capture: where the JPEGs go                    [default: ./capture]
  --limit N           samples: how many, newest first                [default: 50]
  --since TIME        samples: only those after this ISO time
  --log-level LEVEL   trace|debug|info|warn|error                    [default: info]
`;

function positiveInt(flag: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number.parseInt(value, 10);
  if (!(n > 0) || String(n) !== value.trim()) {
    throw new AgentError('SL_CONFIG_INVALID', `--${flag}: expected a positive whole number, got "${value}"`);
  }
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: './agent.yaml' },
      frames: { type: 'string' },
      camera: { type: 'string' },
      count: { type: 'string' },
      out: { type: 'string', default: './capture' },
      limit: { type: 'string' },
      since: { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (!['run', 'doctor', 'capture', 'samples', 'validate'].includes(command)) {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  if (command === 'doctor') {
    try {
      const config = await loadAgentConfig(values.config);
      const checks = await runDoctor(config, {
        log: pino({ level: 'warn' }, pino.destination(2)),
        actions: config.actions,
      });
      process.stdout.write(formatChecks(checks));
      return checks.every((c) => c.ok) ? 0 : 1;
    } catch (err) {
      if (!(err instanceof AgentError)) throw err;
      process.stdout.write(
        formatChecks([{ name: 'config', ok: false, detail: err.message, fix: `edit ${values.config}` }]),
      );
      return 1;
    }
  }
  const config = await loadAgentConfig(values.config);
  switch (command) {
    case 'validate':
      process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
      return 0;
    case 'capture':
      return captureCommand(config, {
        out: values.out,
        count: positiveInt('count', values.count, 1) ?? 1,
        ...(values.camera === undefined ? {} : { camera: values.camera }),
      });
    case 'samples': {
      const dir = config.samples.dir ?? join(config.stateDir, 'samples');
      const since = values.since === undefined ? undefined : Date.parse(values.since);
      if (since !== undefined && Number.isNaN(since)) {
        throw new AgentError(
          'SL_CONFIG_INVALID',
          `--since: "${values.since}" is not a time; use e.g. 2026-11-25T08:00`,
        );
      }
      const list = await listSamples(dir, {
        limit: positiveInt('limit', values.limit, 50) ?? 50,
        ...(since === undefined ? {} : { since }),
      });
      process.stdout.write(formatSamples(list, dir));
      return 0;
    }
    default: {
      const frameLimit = positiveInt('frames', values.frames);
      return runCommand(config, {
        logLevel: values['log-level'],
        ...(frameLimit === undefined ? {} : { frameLimit }),
      });
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof AgentError) process.stderr.write(`sightline-agent: ${err.code}: ${err.message}\n`);
    else process.stderr.write(`sightline-agent: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
