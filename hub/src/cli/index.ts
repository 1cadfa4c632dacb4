import { pino } from 'pino';
import { loadHubConfig } from '../config/index.ts';
import { HubError } from '../errors.ts';
import { startHub } from '../hub.ts';
import { parseCli, USAGE } from './args.ts';
import { isManageCommand, manageCommand } from './manage.ts';
import { rolloutCommand } from './rollout.ts';

/** Runs the CLI; resolves once the hub has started (it then runs until SIGINT/SIGTERM). */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const rollout = argv[0] === 'rollout' || argv[0] === 'models';
  if (rollout || isManageCommand(argv)) {
    try {
      return rollout
        ? await rolloutCommand(argv, { out: (t) => process.stdout.write(t), env: process.env })
        : await manageCommand(argv, {
            out: (t) => process.stdout.write(t),
            err: (t) => process.stderr.write(t),
          });
    } catch (err) {
      const code = err instanceof HubError ? err.code : 'SL_FAILED';
      process.stderr.write(`sightline-hub: ${code}: ${(err as Error).message}\n`);
      return code === 'SL_CONFIG_INVALID' ? 2 : 1;
    }
  }
  let log = pino({ base: { service: 'sightline-hub' } });
  try {
    const cli = parseCli(argv);
    if (cli.command === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const config = await loadHubConfig({ file: cli.file, flags: cli.flags });
    log = pino({ level: config.log.level, base: { service: 'sightline-hub' } });
    const hub = await startHub(config, { log });
    log.info({ url: hub.httpUrl, mqtt: hub.mqttUrl }, `dashboard at ${hub.httpUrl}`);

    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal; exiting without a clean shutdown');
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, 'shutting down');
      hub.close().then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return undefined;
  } catch (err) {
    if (err instanceof HubError) {
      log.fatal({ code: err.code }, err.message);
      return err.code === 'SL_CONFIG_INVALID' || err.code === 'SL_CONFIG_UNREADABLE' ? 2 : 1;
    }
    log.fatal({ err }, 'hub failed to start');
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
