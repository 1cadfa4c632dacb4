import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPartStream } from '@sightline/models';
import { buildBundle, writeModelVariant } from '@sightline/models/tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Hub, startHub } from '../hub.ts';
import { parseStages, rolloutCommand } from './rollout.ts';

describe('sightline-hub models / rollout (HTTP client)', () => {
  let dir: string;
  let hub: Hub;
  let bundleFile: string;
  let token: string;
  const run = async (...argv: string[]) => {
    let out = '';
    const code = await rolloutCommand([...argv, '--url', hub.httpUrl], {
      out: (t) => (out += t),
      env: { SL_HUB_TOKEN: token },
    });
    return { code, out };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-cli-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    await writeModelVariant(join(dir, 'm'), { version: '2.1.0' });
    const parts = createPartStream({ seed: 1, defectRate: 0.5, width: 64, height: 64 });
    const built = await buildBundle({
      modelDir: join(dir, 'm'),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      golden: [{ frame: parts.next().frame }, { frame: parts.next().frame }],
      expires: null,
    });
    bundleFile = join(dir, 'm.slb');
    await writeFile(bundleFile, built.bytes);
    hub = await startHub({
      broker: { port: 0 },
      http: { port: 0 },
      store: { path: ':memory:' },
      registry: { trustedKeys: [publicKey.export({ type: 'spki', format: 'pem' }).toString()] },
      log: { level: 'silent' },
    });
    token = (await hub.credentials.addToken({ role: 'engineer', name: 'cli test' })).secret;
  }, 60_000);
  afterAll(async () => {
    await hub?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads stage lists', () => {
    expect(parseStages('shadow:1:500f,canary:0.1:10m,wave:1')).toEqual([
      { kind: 'shadow', share: 1, frames: 500 },
      { kind: 'canary', share: 0.1, minutes: 10 },
      { kind: 'wave', share: 1 },
    ]);
    expect(() => parseStages('canary:2')).toThrow(/share must be in \(0, 1\]/);
    expect(() => parseStages('blue:1')).toThrow(/must start with shadow, canary or wave/);
  });

  it('needs a token, and says where it goes', async () => {
    await expect(
      rolloutCommand(['models', 'list', '--url', hub.httpUrl], { out: () => undefined, env: {} }),
    ).rejects.toThrow(/SL_AUTH_REQUIRED: .*\(--token or SL_HUB_TOKEN\)/);
  });

  it('uploads a bundle and lists the registry', async () => {
    const up = await run('models', 'upload', bundleFile);
    expect(up.code).toBe(0);
    expect(up.out).toMatch(/^default 2\.1\.0\s+ready\s+key [0-9a-f]{16}\s+golden 2 passed/);
    const list = await run('models', 'list', '--json');
    expect(JSON.parse(list.out).map((m: { version: string }) => m.version)).toEqual(['2.1.0']);
  }, 30_000);

  it('says what is wrong when a rollout cannot start', async () => {
    await expect(run('rollout', 'start', '--model', 'default@2.1.0')).rejects.toThrow(
      /SL_ROLLOUT_INVALID: no known agent matches the targets/,
    );
    await expect(run('rollout', 'start', '--model', 'default@9.9.9')).rejects.toThrow(/SL_MODEL_NOT_FOUND/);
    await expect(run('rollout', 'start')).rejects.toThrow(/--model ID@VERSION is required/);
    expect((await run('rollout', 'status')).out).toBe('no rollouts\n');
  });
});
