import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createFileStorage } from '../auth/auth-file.ts';
import { openCredentialStore } from '../auth/credential-store.ts';
import { verifyMosquittoHash } from '../auth/secrets.ts';
import { manageCommand } from './manage.ts';

let dir: string;
const run = async (...argv: string[]) => {
  let out = '';
  let err = '';
  const code = await manageCommand([...argv, '--db', join(dir, 'hub.duckdb')], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: {},
  });
  return { code, out, err };
};

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sl-cli-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('sightline-hub agents', () => {
  it('add prints a config section the agent accepts; the file beside the database keeps only hashes', async () => {
    const added = await run('agents', 'add', 'plant-1/line-3/agent-1');
    expect(added.code).toBe(0);
    const snippet = parseYaml(added.out) as {
      site: string;
      broker: { url: string; username: string; password: string };
    };
    expect(snippet).toMatchObject({
      site: 'plant-1',
      line: 'line-3',
      agent: 'agent-1',
      broker: { url: 'mqtt://127.0.0.1:1883', username: 'plant-1/line-3/agent-1' },
    });
    const file = await readFile(join(dir, 'auth.json'), 'utf8');
    expect(file).not.toContain(snippet.broker.password);
    const store = await openCredentialStore({ storage: createFileStorage(join(dir, 'auth.json')) });
    expect(await store.verifyAgent('plant-1/line-3/agent-1', snippet.broker.password)).toEqual({
      site: 'plant-1',
      line: 'line-3',
      agent: 'agent-1',
    });
    store.close();

    await expect(run('agents', 'add', 'plant-1/line-3/agent-1')).rejects.toThrow(/--rotate/);
    expect((await run('agents', 'list')).out).toMatch(
      /^plant-1\/line-3\/agent-1 +active +since \S+ +client id sl-plant-1-line-3-agent-1\n$/,
    );
    expect((await run('agents', 'revoke', 'plant-1/line-3/agent-1')).code).toBe(0);
    expect((await run('agents', 'list')).out).toMatch(/revoked/);
  });

  it('names a bad agent id and how to write one', async () => {
    await expect(run('agents', 'add', 'Plant 1')).rejects.toThrow(
      /SITE\/LINE\/AGENT .* e\.g\. plant-1\/line-3\/agent-1/,
    );
  });
});

describe('sightline-hub tokens', () => {
  it('add prints the token once; list shows it without the secret; revoke ends it', async () => {
    const added = await run('tokens', 'add', '--role', 'qc-lead', '--name', 'Lena', '--days', '30');
    const token = added.out.trim();
    expect(token).toMatch(/^slt_[0-9a-f]{12}_/);
    const listed = (await run('tokens', 'list')).out;
    expect(listed).toMatch(/^[0-9a-f]{12} {2}qc-lead {3}active {3}expires \S+ {2}Lena\n$/);
    expect(listed).not.toContain(token);
    const id = token.slice(4, 16);
    await run('tokens', 'revoke', id);
    expect((await run('tokens', 'list')).out).toMatch(/revoked/);
  });

  it('link prints a one-time sign-in URL with the code in the fragment', async () => {
    const { out } = await run('tokens', 'link', '--role', 'viewer', '--name', 'wall');
    expect(out.trim()).toMatch(/^http:\/\/127\.0\.0\.1:8080\/#signin=sll_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  });

  it('refuses an unknown role', async () => {
    await expect(run('tokens', 'add', '--role', 'root', '--name', 'x')).rejects.toThrow(
      /--role: expected one of viewer, qc-lead, engineer, admin, got "root"/,
    );
  });
});

describe('sightline-hub broker mosquitto', () => {
  it('writes a password file Mosquitto can check and a pattern ACL', async () => {
    const agent = parseYaml((await run('agents', 'add', 'p/l/a1')).out) as { broker: { password: string } };
    await run('agents', 'add', 'p/l/gone');
    await run('agents', 'revoke', 'p/l/gone');
    expect((await run('broker', 'mosquitto', '--out', join(dir, 'mq'))).code).toBe(0);
    const passwords = await readFile(join(dir, 'mq', 'passwords'), 'utf8');
    const users = passwords
      .trim()
      .split('\n')
      .map((l) => l.split(':')[0]);
    expect(users).toEqual([
      'sightline-hub',
      ...Array.from({ length: 7 }, (_, i) => `sightline-hub-${i + 1}`),
      'p/l/a1',
    ]);
    const hash =
      passwords
        .split('\n')
        .find((l) => l.startsWith('p/l/a1:'))
        ?.slice('p/l/a1:'.length) ?? '';
    expect(await verifyMosquittoHash(agent.broker.password, hash)).toBe(true);
    const acl = await readFile(join(dir, 'mq', 'acl'), 'utf8');
    expect(acl).toContain('pattern write sl/v1/%u/results');
    expect(await readFile(join(dir, 'mq', 'sightline.conf'), 'utf8')).toContain(
      'use_username_as_clientid true',
    );
  });
});
