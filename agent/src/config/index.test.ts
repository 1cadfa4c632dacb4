import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAgentConfig, parseAgentConfig } from './index.ts';

const minimal = {
  site: 'plant-1',
  line: 'line-1',
  agent: 'agent-1',
  cameras: [{ id: 'cam0', source: { kind: 'synthetic' } }],
};

describe('agent config', () => {
  it('fills defaults for the demo', () => {
    const c = parseAgentConfig(minimal);
    expect(c.broker.url).toBe('mqtt://127.0.0.1:1883');
    expect(c.cameras[0]?.source).toMatchObject({ kind: 'synthetic', fps: 10, defectRate: 0.05 });
    expect(c.publish).toEqual({
      batchSize: 50,
      batchMs: 250,
      replayPerSecond: 500,
      confirmTimeoutS: 15,
      maxUnconfirmed: 10_000,
    });
  });

  it('names the key path, what was wrong and an example of a right value', () => {
    const bad = { ...minimal, cameras: [{ id: 'cam0', source: { kind: 'synthetic', defectRate: 2 } }] };
    expect(() => parseAgentConfig(bad, 'agent.yaml')).toThrow(
      /agent\.yaml is invalid:\n {2}cameras\[0\]\.source\.defectRate: .*<=1.*\(example: 0\.05\)/,
    );
    expect(() => parseAgentConfig({ ...minimal, line: 'Line 1' })).toThrow(
      /line: expected 1-64 of a-z.*example: "line-1"/,
    );
    expect(() => parseAgentConfig({ ...minimal, cameras: [] })).toThrow(
      /cameras: expected at least one camera/,
    );
    try {
      parseAgentConfig({ ...minimal, line: 'Line 1' });
    } catch (err) {
      expect((err as { code: string }).code).toBe('SL_CONFIG_INVALID');
    }
  });

  it('wants a token for an HTTP port open to the line network', () => {
    const open = { ...minimal, http: { enabled: true, host: '0.0.0.0' } };
    expect(() => parseAgentConfig(open)).toThrow(
      /http\.token: required when http\.host is 0\.0\.0\.0 .*openssl rand/,
    );
    expect(
      parseAgentConfig({ ...open, http: { ...open.http, token: 'x'.repeat(32) } }).http.token,
    ).toHaveLength(32);
    expect(parseAgentConfig({ ...minimal, http: { enabled: true } }).http.host).toBe('127.0.0.1');
  });

  describe('from a YAML file', () => {
    let dir: string;
    afterAll(() => rm(dir, { recursive: true, force: true }));
    it('reads YAML and reports bad YAML and missing files clearly', async () => {
      dir = await mkdtemp(join(tmpdir(), 'sl-cfg-'));
      const good = join(dir, 'good.yaml');
      await writeFile(
        good,
        'site: plant-1\nline: line-9\nagent: a1\ncameras:\n  - id: cam0\n    source: { kind: opencv, uri: /dev/video0 }\n',
      );
      const c = await loadAgentConfig(good);
      expect(c.line).toBe('line-9');
      expect(c.cameras[0]?.source).toEqual({ kind: 'opencv', uri: '/dev/video0', fps: 0, live: 'auto' });
      const broken = join(dir, 'broken.yaml');
      await writeFile(broken, 'site: [unclosed\n');
      await expect(loadAgentConfig(broken)).rejects.toThrow(/broken\.yaml is not valid YAML/);
      await expect(loadAgentConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/cannot read config file/);
    });
  });
});
