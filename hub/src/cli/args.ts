import { parseArgs } from 'node:util';
import type { HubConfigInput } from '../config/index.ts';
import { ConfigError } from '../errors.ts';

export const USAGE = `Usage: sightline-hub run [options]
       sightline-hub models upload|list …      (model registry of a running hub; see --help of each)
       sightline-hub rollout start|status|promote|cancel|rollback …
       sightline-hub agents add|list|revoke …   (agents' broker credentials; see sightline-hub agents --help)
       sightline-hub tokens add|link|list|revoke …   (API tokens for people and programs)
       sightline-hub broker mosquitto|password …   (an external broker's password and ACL files)

Starts the Sightline hub: MQTT ingest (embedded broker unless --broker-url), DuckDB store,
HTTP API and dashboard.

Options:
  --config FILE       YAML config file (also $SL_HUB_CONFIG)
  --http-port N       HTTP API and dashboard port (default 8080; $SL_HUB_HTTP_PORT)
  --mqtt-port N       embedded broker port (default 1883; $SL_HUB_MQTT_PORT)
  --broker-url URL    use an external MQTT broker instead (e.g. mqtt://10.0.0.2:1883; $SL_HUB_BROKER_URL)
  --db PATH           DuckDB file (default ./data/sightline.duckdb; $SL_HUB_DB)
  -h, --help          show this help

Flags win over environment variables, which win over the config file.`;

export interface CliCommand {
  command: 'run' | 'help';
  file?: string;
  flags: HubConfigInput;
}

/** Turns argv (without node and script) into a command and config overrides. */
export function parseCli(argv: readonly string[]): CliCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new ConfigError(`${(cause as Error).message}\n\n${USAGE}`, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help', flags: {} };
  if (positionals[0] !== 'run' || positionals.length > 1) {
    throw new ConfigError(
      `unknown command "${positionals.join(' ')}"; the commands are run, models, rollout, agents, tokens and broker\n\n${USAGE}`,
    );
  }
  const flags: HubConfigInput = {};
  // Strings go to the schema as they are: it turns "8081" into 8081 and names the flag when one is wrong.
  if (values['http-port'] !== undefined) flags.http = { port: values['http-port'] as unknown as number };
  if (values['mqtt-port'] !== undefined || values['broker-url'] !== undefined) {
    flags.broker = {
      ...(values['mqtt-port'] !== undefined ? { port: values['mqtt-port'] as unknown as number } : {}),
      ...(values['broker-url'] !== undefined ? { url: values['broker-url'] } : {}),
    };
  }
  if (values.db !== undefined) flags.store = { path: values.db };
  return { command: 'run', file: values.config, flags };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      'http-port': { type: 'string' },
      'mqtt-port': { type: 'string' },
      'broker-url': { type: 'string' },
      db: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
