import { describe, expect, it } from 'vitest';
import { parseHubConfig } from '../config/index.ts';
import { ConfigError } from '../errors.ts';
import { parseCli } from './args.ts';

describe('parseCli', () => {
  it('maps flags onto config keys', () => {
    const cli = parseCli([
      'run',
      '--config',
      'hub.yaml',
      '--http-port',
      '9090',
      '--mqtt-port',
      '0',
      '--db',
      '/tmp/x.duckdb',
    ]);
    expect(cli.command).toBe('run');
    expect(cli.file).toBe('hub.yaml');
    const config = parseHubConfig(cli.flags);
    expect(config.http.port).toBe(9090);
    expect(config.broker).toMatchObject({ mode: 'embedded', port: 0 });
    expect(config.store.path).toBe('/tmp/x.duckdb');
  });

  it('selects an external broker with --broker-url', () => {
    const config = parseHubConfig(parseCli(['run', '--broker-url', 'mqtt://10.0.0.2:1883']).flags);
    expect(config.broker).toMatchObject({ mode: 'external', url: 'mqtt://10.0.0.2:1883' });
  });

  it('shows help, and rejects unknown commands and flags with the usage', () => {
    expect(parseCli([]).command).toBe('help');
    expect(parseCli(['run', '--help']).command).toBe('help');
    expect(() => parseCli(['start'])).toThrow(/unknown command "start"[\s\S]*Usage: sightline-hub run/);
    expect(() => parseCli(['run', '--port', '1'])).toThrow(ConfigError);
  });

  it('lets the schema name a bad flag value', () => {
    expect(() => parseHubConfig(parseCli(['run', '--http-port', 'abc']).flags)).toThrow(
      'http.port: expected integer 0-65535, got "abc" (example: 8080)',
    );
  });
});
