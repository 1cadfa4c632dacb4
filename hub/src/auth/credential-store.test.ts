import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.ts';
import { createFileStorage, createMemoryStorage } from './auth-file.ts';
import { type CredentialStore, openCredentialStore, type Revocations } from './credential-store.ts';

const A1 = { site: 'plant-1', line: 'line-1', agent: 'a1' };

describe('credential store (file shared by the CLI and the hub)', () => {
  let dir: string;
  let file: string;
  const open: CredentialStore[] = [];
  const openStore = async (now?: () => number) => {
    const s = await openCredentialStore({ storage: createFileStorage(file), ...(now ? { now } : {}) });
    open.push(s);
    return s;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-auth-'));
    file = join(dir, 'auth.json');
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps only hashes on disk, readable by its owner only', async () => {
    const cli = await openStore();
    const creds = await cli.addAgent(A1);
    const { secret } = await cli.addToken({ role: 'viewer', name: 'wall' });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(creds.password);
    expect(text).not.toContain(secret);
    expect(text).toContain('$scrypt$');
    expect(text).toContain('$7$');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(creds).toMatchObject({ username: 'plant-1/line-1/a1', clientId: 'sl-plant-1-line-1-a1' });
  });

  it('verifies an agent added by another process, and refuses wrong, unknown and revoked ones', async () => {
    const hub = await openStore();
    const cli = await openStore();
    const creds = await cli.addAgent(A1);
    await hub.reload();
    expect(await hub.verifyAgent(creds.username, creds.password)).toEqual(A1);
    expect(await hub.verifyAgent(creds.username, `${creds.password}x`)).toBeNull();
    expect(await hub.verifyAgent('plant-1/line-1/a2', creds.password)).toBeNull();
    // The second check of the same secret comes from memory, and still tells a wrong one apart.
    expect(await hub.verifyAgent(creds.username, creds.password)).toEqual(A1);
    expect(await hub.verifyAgent(creds.username, 'nope')).toBeNull();

    const revoked: Revocations[] = [];
    hub.onRevoke((r) => revoked.push(r));
    await cli.revokeAgent(A1);
    // The hub sees the file change by itself (inotify or its poll).
    await waitFor('the revocation', () => revoked.length > 0, 10_000);
    expect(revoked[0]).toEqual({ agents: ['plant-1/line-1/a1'], tokens: [] });
    expect(await hub.verifyAgent(creds.username, creds.password)).toBeNull();
    expect(hub.agents()[0]?.revoked).toBeGreaterThan(0);
  });

  it('rotates a secret only when asked; the old one stops working', async () => {
    const store = await openStore();
    const first = await store.addAgent(A1);
    await expect(store.addAgent(A1)).rejects.toMatchObject({ code: 'SL_AUTH_EXISTS' });
    const revoked: Revocations[] = [];
    store.onRevoke((r) => revoked.push(r));
    const second = await store.addAgent(A1, { rotate: true });
    expect(revoked).toEqual([{ agents: ['plant-1/line-1/a1'], tokens: [] }]);
    expect(await store.verifyAgent(first.username, first.password)).toBeNull();
    expect(await store.verifyAgent(second.username, second.password)).toEqual(A1);
  });

  it('refuses two agents that would share a client id, and ids outside the contract', async () => {
    const store = await openStore();
    await store.addAgent({ site: 'a', line: 'b-c', agent: 'd' });
    await expect(store.addAgent({ site: 'a-b', line: 'c', agent: 'd' })).rejects.toThrow(
      /client id sl-a-b-c-d of agent a\/b-c\/d/,
    );
    await expect(store.addAgent({ site: 'hub', line: 'x', agent: 'y' })).rejects.toMatchObject({
      code: 'SL_AUTH_INVALID',
    });
    await expect(store.addAgent({ site: 'A', line: 'x', agent: 'y' })).rejects.toThrow(/SITE\/LINE\/AGENT/);
  });

  it('tokens: role, expiry, revocation', async () => {
    let t = 1_000_000;
    const store = await openStore(() => t);
    const { secret, info } = await store.addToken({ role: 'qc-lead', name: 'alice', days: 1 });
    expect(secret).toMatch(/^slt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(store.verifyToken(secret)).toEqual(info);
    expect(info).toMatchObject({ role: 'qc-lead', name: 'alice', expires: 1_000_000 + 86_400_000 });
    // One character changed (never to itself: a secret ending in A would otherwise pass 1 time in 64).
    expect(store.verifyToken(`${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(store.verifyToken('Bearer nonsense')).toBeNull();
    t += 86_400_000;
    expect(store.verifyToken(secret)).toBeNull();
    const forever = await store.addToken({ role: 'admin', name: 'ops' });
    await store.revokeToken(forever.info.id);
    expect(store.verifyToken(forever.secret)).toBeNull();
    await expect(store.revokeToken('000000000000')).rejects.toMatchObject({ code: 'SL_AUTH_UNKNOWN' });
  });

  it('a sign-in link gives one token, once, before it expires', async () => {
    let t = 5_000_000;
    const store = await openStore(() => t);
    const { code } = await store.addLink({ role: 'viewer', name: 'demo', minutes: 10, tokenDays: null });
    const got = await store.redeemLink(code);
    expect(got?.info).toMatchObject({ role: 'viewer', name: 'demo', expires: null });
    expect(store.verifyToken(got?.secret ?? '')).toMatchObject({ role: 'viewer' });
    expect(await store.redeemLink(code)).toBeNull();
    const late = await store.addLink({ role: 'admin', name: 'x', minutes: 10, tokenDays: 1 });
    t += 10 * 60_000;
    expect(await store.redeemLink(late.code)).toBeNull();
    expect(await store.redeemLink('sll_000000000000_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')).toBeNull();
  });

  it('names the file and the fix when it is damaged', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(file, '{"version":1,"agents":');
    await expect(openStore()).rejects.toThrow(/auth\.json is not JSON .*restore it from a backup/);
  });

  it('two writers never lose each other’s changes (the lock)', async () => {
    const [a, b] = [await openStore(), await openStore()];
    await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => a.addToken({ role: 'viewer', name: `a${i}` })),
      ...Array.from({ length: 5 }, (_, i) => b.addToken({ role: 'viewer', name: `b${i}` })),
    ]);
    await a.reload();
    expect(
      a
        .tokens()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b0', 'b1', 'b2', 'b3', 'b4']);
  });
});

describe('credential store in memory', () => {
  it('works the same without a file', async () => {
    const store = await openCredentialStore({ storage: createMemoryStorage() });
    const creds = await store.addAgent(A1);
    expect(await store.verifyAgent(creds.username, creds.password)).toEqual(A1);
    expect(store.where).toBe('memory');
    store.close();
  });
});
