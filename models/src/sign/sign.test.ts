import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelDir } from '../manifest/load.ts';
import { generateSigningKey, keyId, signModel, verifyModelSignature } from './sign.ts';

describe('model signatures (Ed25519)', () => {
  let root: string;
  let model: string;
  let keys: Awaited<ReturnType<typeof generateSigningKey>>;
  let other: Awaited<ReturnType<typeof generateSigningKey>>;
  let pub: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'sl-sign-'));
    model = join(root, 'model');
    await cp(defaultModelDir(), model, { recursive: true });
    keys = await generateSigningKey(join(root, 'keys'));
    other = await generateSigningKey(join(root, 'other'));
    pub = await readFile(keys.publicKeyPath, 'utf8');
    await signModel(model, await readFile(keys.privateKeyPath, 'utf8'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('writes the private key with mode 0600 and refuses to overwrite it', async () => {
    expect((await stat(keys.privateKeyPath)).mode & 0o777).toBe(0o600);
    await expect(generateSigningKey(join(root, 'keys'))).rejects.toThrow(/refusing to overwrite/);
  });

  it('verifies with the right key, among others', async () => {
    const otherPub = await readFile(other.publicKeyPath, 'utf8');
    const r = await verifyModelSignature(model, [otherPub, pub]);
    expect(r.keyId).toBe(keys.keyId);
    expect(r.keyId).toBe(keyId(pub));
    expect(r.manifest.id).toBe('default');
  });

  it('fails with another key only', async () => {
    await expect(
      verifyModelSignature(model, [await readFile(other.publicKeyPath, 'utf8')]),
    ).rejects.toMatchObject({
      code: 'SL_SIGNATURE_INVALID',
    });
    await expect(verifyModelSignature(model, [])).rejects.toThrow(/any of 0 trusted key/);
  });

  it('fails after the model file is changed', async () => {
    const dir = join(root, 'tampered-model');
    await cp(model, dir, { recursive: true });
    const bytes = await readFile(join(dir, 'model.onnx'));
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 1;
    await writeFile(join(dir, 'model.onnx'), bytes);
    await expect(verifyModelSignature(dir, [pub])).rejects.toMatchObject({ code: 'SL_SIGNATURE_INVALID' });
  });

  it('fails after the manifest is changed, even when it stays valid', async () => {
    const dir = join(root, 'tampered-manifest');
    await cp(model, dir, { recursive: true });
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    m.threshold = 0.01; // a lower threshold is a plausible attack and still a valid manifest
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(m, null, 2));
    await expect(verifyModelSignature(dir, [pub])).rejects.toThrow(/does not verify/);
  });

  it('fails when unsigned or when the signature file is damaged', async () => {
    const dir = join(root, 'unsigned');
    await cp(model, dir, { recursive: true });
    await writeFile(join(dir, 'model.sig'), '{"format":"x"}');
    await expect(verifyModelSignature(dir, [pub])).rejects.toThrow(/malformed/);
    await rm(join(dir, 'model.sig'));
    await expect(verifyModelSignature(dir, [pub])).rejects.toThrow(/unsigned/);
  });
});
