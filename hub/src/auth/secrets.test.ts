import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hashSecret,
  mosquittoHash,
  newSecret,
  sameDigest,
  tokenDigest,
  verifyMosquittoHash,
  verifySecret,
} from './secrets.ts';

describe('agent secrets (scrypt)', () => {
  it('verifies the right secret only, and salts every hash', async () => {
    const secret = newSecret();
    const [a, b] = [await hashSecret(secret), await hashSecret(secret)];
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifySecret(secret, a)).toBe(true);
    expect(await verifySecret(`${secret}x`, a)).toBe(false);
    expect(await verifySecret(secret, 'not a hash')).toBe(false);
    expect(await verifySecret(secret, a.replace('ln=15', 'ln=40'))).toBe(false);
  });
});

describe("Mosquitto's $7$ hashes (PBKDF2-SHA512)", () => {
  it('verifies a hash written by mosquitto_passwd', async () => {
    const tool = '/usr/bin/mosquitto_passwd';
    if (!existsSync(tool)) return expect.fail('mosquitto_passwd missing: apt-get install mosquitto');
    const dir = mkdtempSync(join(tmpdir(), 'sl-passwd-'));
    try {
      const file = join(dir, 'pw');
      writeFileSync(file, '');
      execFileSync(tool, ['-b', file, 'plant/line-1/a1', 'open sesame']);
      const hash = readFileSync(file, 'utf8').trim().split(':')[1] as string;
      expect(hash).toMatch(/^\$7\$101\$/);
      expect(await verifyMosquittoHash('open sesame', hash)).toBe(true);
      expect(await verifyMosquittoHash('open sesame!', hash)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes hashes in the same format (Mosquitto itself accepts them in the Mosquitto test)', async () => {
    const hash = await mosquittoHash('s3cret', 1000);
    expect(hash).toMatch(/^\$7\$1000\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(await verifyMosquittoHash('s3cret', hash)).toBe(true);
    expect(await verifyMosquittoHash('s3cret ', hash)).toBe(false);
  });
});

describe('token digests', () => {
  it('compare equal only for the same token', () => {
    const t = newSecret();
    expect(sameDigest(tokenDigest(t), tokenDigest(t))).toBe(true);
    expect(sameDigest(tokenDigest(t), tokenDigest(`${t}.`))).toBe(false);
    expect(sameDigest(tokenDigest(t), 'zz')).toBe(false);
  });
});
