import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeScore } from '../evaluate/score.ts';
import { defaultModelDir } from '../manifest/load.ts';
import { createPartStream } from '../synthetic/stream.ts';
import { createFrameRunner, type FrameRunner } from '../train/extract.ts';
import { type BuiltBundle, buildBundle } from './build.ts';
import { parseBundle } from './format.ts';
import { runGolden } from './golden.ts';
import { signRollbackOrder, verifyRollbackOrder } from './rollback.ts';
import { verifyBundle } from './verify.ts';

const pem = (k: ReturnType<typeof generateKeyPairSync>['privateKey']) =>
  k.export({ type: 'pkcs8', format: 'pem' }).toString();
const pub = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  k.export({ type: 'spki', format: 'pem' }).toString();

describe('signed model bundles', () => {
  const signer = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  let built: BuiltBundle;
  const parts = createPartStream({ seed: 3, defectRate: 0.5, width: 96, height: 96 });
  const golden = Array.from({ length: 4 }, () => {
    const p = parts.next();
    return { frame: p.frame, truth: p.truth };
  });

  beforeAll(async () => {
    built = await buildBundle({
      modelDir: defaultModelDir(),
      privateKeyPem: pem(signer.privateKey),
      golden,
      expires: new Date(Date.now() + 86_400_000),
    });
  }, 60_000);

  it('verifies with the signing key among the trusted ones (rotation) and lists every file', () => {
    const v = verifyBundle(built.bytes, [pub(other.publicKey), pub(signer.publicKey)]);
    expect(v.keyId).toBe(built.keyId);
    expect(v.manifest.id).toBe('default');
    expect([...v.files.keys()]).toEqual([
      'manifest.json',
      'model.onnx',
      'golden/00.png',
      'golden/01.png',
      'golden/02.png',
      'golden/03.png',
      'golden/expected.json',
    ]);
    expect(v.golden.images.map((i) => i.truth)).toEqual(golden.map((g) => g.truth));
    expect(v.sha256).toBe(built.sha256);
  });

  it('refuses a key it does not trust, naming the signing key', () => {
    expect(() => verifyBundle(built.bytes, [pub(other.publicKey)])).toThrow(
      expect.objectContaining({ code: 'SL_BUNDLE_UNTRUSTED', message: expect.stringContaining(built.keyId) }),
    );
  });

  it('refuses one changed byte in the model, the header or the end', () => {
    const model = parseBundle(built.bytes).files.get('model.onnx') as Uint8Array;
    const at = model.byteOffset + 1000;
    const inModel = Uint8Array.from(built.bytes);
    inModel[at] = (inModel[at] as number) ^ 1;
    expect(() => verifyBundle(inModel, [pub(signer.publicKey)])).toThrow(
      expect.objectContaining({
        code: 'SL_BUNDLE_INVALID',
        message: expect.stringMatching(/model.onnx was changed/),
      }),
    );
    const inHeader = Uint8Array.from(built.bytes);
    const text = new TextDecoder().decode(inHeader.subarray(0, 400));
    const v = text.indexOf('"version":"') + 11;
    inHeader[v] = '9'.charCodeAt(0);
    expect(() => verifyBundle(inHeader, [pub(signer.publicKey)])).toThrow(
      expect.objectContaining({
        code: 'SL_BUNDLE_UNTRUSTED',
        message: expect.stringMatching(/changed after signing/),
      }),
    );
    expect(() =>
      verifyBundle(built.bytes.subarray(0, built.bytes.byteLength - 1), [pub(signer.publicKey)]),
    ).toThrow(expect.objectContaining({ code: 'SL_BUNDLE_INVALID' }));
    expect(() => verifyBundle(new Uint8Array(40), [pub(signer.publicKey)])).toThrow(
      /does not start with SLBNDL01/,
    );
  });

  it('refuses an expired bundle', () => {
    const later = Date.now() + 2 * 86_400_000;
    expect(() => verifyBundle(built.bytes, [pub(signer.publicKey)], later)).toThrow(
      expect.objectContaining({ code: 'SL_BUNDLE_EXPIRED' }),
    );
  });

  describe('golden images through onnxruntime-node', () => {
    let runner: FrameRunner;
    afterAll(() => runner?.release());
    it('give back the expected scores', async () => {
      const v = verifyBundle(built.bytes, [pub(signer.publicKey)]);
      runner = await createFrameRunner(
        v.files.get('model.onnx') as Uint8Array,
        v.manifest.input,
        v.manifest.output.name,
        { threads: 1 },
      );
      const report = await runGolden(v.golden, v.files, async (f) =>
        decodeScore(v.manifest.output, await runner.run(f)),
      );
      expect(report.passed).toBe(true);
      expect(report.images).toBe(4);
      expect(report.max_diff).toBeLessThan(1e-4);
      // A model that answers otherwise fails them.
      const wrong = await runGolden(v.golden, v.files, async () => 0.5);
      expect(wrong.passed).toBe(false);
      expect(wrong.max_diff).toBeGreaterThan(0.02);
    }, 30_000);
  });
});

describe('rollback orders', () => {
  const key = generateKeyPairSync('ed25519');
  const order = signRollbackOrder(
    {
      model: { id: 'default', version: '1.0.0', sha256: 'a'.repeat(64) },
      reason: 'gate failed',
      issued: 1000,
      expires: 5000,
    },
    key.privateKey,
  );
  it('verify until they expire', () => {
    expect(verifyRollbackOrder(order, [pub(key.publicKey)], 2000)).toBe(order.keyId);
    expect(() => verifyRollbackOrder(order, [pub(key.publicKey)], 6000)).toThrow(/expired/);
  });
  it('are void when any field changes or another key signed', () => {
    const changed = { ...order, model: { ...order.model, version: '0.9.0' } };
    expect(() => verifyRollbackOrder(changed, [pub(key.publicKey)], 2000)).toThrow(
      expect.objectContaining({ code: 'SL_ROLLBACK_INVALID' }),
    );
    const stranger = generateKeyPairSync('ed25519');
    expect(() => verifyRollbackOrder(order, [pub(stranger.publicKey)], 2000)).toThrow(/does not verify/);
  });
});

describe('model variants for rehearsals', () => {
  it('a constant-score model gives that score to every golden image', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeModelVariant } = await import('./variant.ts');
    const root = await mkdtemp(join(tmpdir(), 'sl-variant-'));
    try {
      const manifest = await writeModelVariant(join(root, 'm'), { version: '9.0.0', constantScore: 0.9 });
      expect(manifest.version).toBe('9.0.0');
      const key = generateKeyPairSync('ed25519');
      const parts = createPartStream({ seed: 5, defectRate: 0.5, width: 64, height: 64 });
      const built = await buildBundle({
        modelDir: join(root, 'm'),
        privateKeyPem: pem(key.privateKey),
        golden: [{ frame: parts.next().frame }, { frame: parts.next().frame }],
        expires: null,
      });
      const v = verifyBundle(built.bytes, [pub(key.publicKey)]);
      expect(v.golden.images.map((i) => Number(i.score.toFixed(4)))).toEqual([0.9, 0.9]);
      expect(v.header.expires).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 30_000);
});
