import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { DEFAULT_DASHBOARD_DIR, HubConfig, loadHubConfig, parseHubConfig } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'sl-hub-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('parseHubConfig', () => {
  it('gives working demo defaults', () => {
    expect(parseHubConfig({})).toEqual({
      broker: {
        mode: 'embedded',
        host: '127.0.0.1',
        port: 1883,
        protocolVersion: 5,
        clientId: 'sightline-hub',
        connections: 8,
        allowAnonymous: false,
        limits: {
          messagesPerSecond: 100,
          bytesPerSecond: 4 * 1024 * 1024,
          burstSeconds: 2,
          cutOffSeconds: 30,
        },
      },
      http: {
        host: '127.0.0.1',
        port: 8080,
        cors: { origins: [] },
        maxBodyBytes: 1024 * 1024,
        rateLimit: { requestsPerSecond: 20, burst: 200 },
        anonymous: 'refuse',
      },
      auth: {},
      store: {
        path: './data/sightline.duckdb',
        retentionDays: 90,
        readers: 2,
        queryTimeoutMs: 10_000,
        deadLetters: { maxRows: 10_000, maxBytes: 64 * 1024 * 1024 },
      },
      ingest: { clockSkewLimitS: 600, maxPayloadBytes: 1024 * 1024 },
      metrics: { utcOffsetMinutes: 0, shiftStart: '06:00', shiftHours: 8 },
      alarms: { evaluateEveryS: 5 },
      samples: { enabled: true, quotaMB: 2048, maxPartials: 64, maxPartialMB: 256, partialTimeoutS: 600 },
      export: { maxRows: 1_000_000, timeoutS: 120, maxConcurrent: 2 },
      registry: { trustedKeys: [], chunkBytes: 262144 },
      rollout: { tickMs: 1000 },
      dashboard: { dir: DEFAULT_DASHBOARD_DIR },
      log: { level: 'info' },
    });
  });

  it('selects the external broker when a URL is given', () => {
    const c = parseHubConfig({ broker: { url: 'mqtt://10.0.0.2:1883' } });
    expect(c.broker).toMatchObject({ mode: 'external', url: 'mqtt://10.0.0.2:1883' });
  });

  it('names the key path, what was wrong and a right value', () => {
    const e = errorOf(() => parseHubConfig({ http: { port: 'abc' } }));
    expect(e.code).toBe('SL_CONFIG_INVALID');
    expect(e.message).toBe('http.port: expected integer 0-65535, got "abc" (example: 8080)');
    expect(errorOf(() => parseHubConfig({ broker: { port: 70000 } })).message).toBe(
      'broker.port: expected integer 0-65535, got 70000 (example: 1883)',
    );
    expect(errorOf(() => parseHubConfig({ samples: { maxPartialMB: 4 } })).message).toBe(
      'samples.maxPartialMB: expected integer 8-65536, got 4 (example: 256)',
    );
  });

  it('reports every bad key, including unknown ones and a missing external URL', () => {
    const e = errorOf(() =>
      parseHubConfig({ broker: { mode: 'external' }, log: { level: 'loud' }, htpp: {} }),
    );
    expect(e.message).toContain('broker.url: required when broker.mode is "external"');
    expect(e.message).toMatch(/log\.level: .*expected one of .*got "loud" \(example: "info"\)/);
    expect(e.message).toMatch(/\(root\): Unrecognized key: "htpp"/);
  });

  it('documents every key in the schema', () => {
    type Node = { properties?: Record<string, Node>; description?: string };
    const root = z.toJSONSchema(HubConfig, { io: 'input', unrepresentable: 'any' }) as Node;
    const leaves: string[] = [];
    for (const [section, node] of Object.entries(root.properties ?? {})) {
      for (const [key, leaf] of Object.entries(node.properties ?? {})) {
        leaves.push(`${section}.${key}`);
        expect(leaf.description, `${section}.${key}`).toMatch(/\w+/);
      }
    }
    expect(leaves).toEqual([
      'broker.mode',
      'broker.host',
      'broker.port',
      'broker.url',
      'broker.protocolVersion',
      'broker.clientId',
      'broker.connections',
      'broker.allowAnonymous',
      'broker.tls',
      'broker.ca',
      'broker.password',
      'broker.limits',
      'http.host',
      'http.port',
      'http.tls',
      'http.publicUrl',
      'http.cors',
      'http.maxBodyBytes',
      'http.rateLimit',
      'http.anonymous',
      'auth.file',
      'store.path',
      'store.retentionDays',
      'store.readers',
      'store.queryTimeoutMs',
      'store.memoryLimit',
      'store.deadLetters',
      'ingest.clockSkewLimitS',
      'ingest.maxPayloadBytes',
      'metrics.utcOffsetMinutes',
      'metrics.shiftStart',
      'metrics.shiftHours',
      'alarms.evaluateEveryS',
      'samples.enabled',
      'samples.dir',
      'samples.quotaMB',
      'samples.maxPartials',
      'samples.maxPartialMB',
      'samples.partialTimeoutS',
      'export.maxRows',
      'export.timeoutS',
      'export.maxConcurrent',
      'registry.dir',
      'registry.trustedKeys',
      'registry.chunkBytes',
      'rollout.dir',
      'rollout.signingKey',
      'rollout.tickMs',
      'dashboard.dir',
      'log.level',
    ]);
  });
});

describe('loadHubConfig', () => {
  it('layers defaults < YAML file < env < flags', async () => {
    const file = join(dir, 'hub.yaml');
    writeFileSync(
      file,
      'http:\n  port: 9000\n  host: 0.0.0.0\nstore:\n  path: /tmp/from-file.duckdb\nbroker:\n  port: 1999\n',
    );
    const c = await loadHubConfig({
      file,
      env: { SL_HUB_HTTP_PORT: '9001', SL_HUB_DB: '/tmp/from-env.duckdb', UNRELATED: 'x' },
      flags: { store: { path: '/tmp/from-flag.duckdb' } },
    });
    expect(c.http).toMatchObject({ host: '0.0.0.0', port: 9001 });
    expect(c.store.path).toBe('/tmp/from-flag.duckdb');
    expect(c.broker).toMatchObject({ mode: 'embedded', port: 1999 });
  });

  it('names the variable a bad value came from', async () => {
    await expect(loadHubConfig({ env: { SL_HUB_MQTT_PORT: 'x1' } })).rejects.toThrow(
      'broker.port: expected integer 0-65535, got "x1" (example: 1883) [from SL_HUB_MQTT_PORT]',
    );
    await expect(loadHubConfig({ env: { SL_HUB_BROKER_URL: 'http://nope' } })).rejects.toThrow(
      /broker\.url: expected an mqtt:\/\/.*\[from SL_HUB_BROKER_URL\]/,
    );
  });

  it('explains unreadable and malformed files', async () => {
    await expect(loadHubConfig({ file: join(dir, 'missing.yaml'), env: {} })).rejects.toMatchObject({
      code: 'SL_CONFIG_UNREADABLE',
    });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'http: [1, 2\n');
    await expect(loadHubConfig({ file: bad, env: {} })).rejects.toThrow(/bad\.yaml is not valid YAML/);
  });
});
