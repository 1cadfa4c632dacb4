import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelsError } from '../errors.ts';
import { signModel, verifyModelSignature } from '../sign/sign.ts';
import type { CliCommand } from './command.ts';
import { parseFlags } from './flags.ts';

const signUsage = 'usage: sightline-models sign --model DIR --key PRIVATE.pem   (writes DIR/model.sig)';
const verifyUsage = 'usage: sightline-models verify --model DIR --key PUBLIC.pem [--key PUBLIC2.pem ...]';

const readKey = (path: string) =>
  readFile(path, 'utf8').catch(() => {
    throw new ModelsError(
      'SL_KEY_INVALID',
      `${path} could not be read; make a key pair with \`sightline-models keygen --out DIR\``,
    );
  });

export const signCommand: CliCommand = {
  name: 'sign',
  summary: 'sign a model directory (Ed25519) → DIR/model.sig',
  usage: signUsage,
  async run(argv, io) {
    const flags = parseFlags(argv, { model: { type: 'string' }, key: { type: 'string' } }, signUsage, io.cwd);
    const r = await signModel(flags.requiredPath('model'), await readKey(flags.requiredPath('key')));
    io.result({ signature: r.path, keyId: r.keyId, format: r.format });
    return 0;
  },
};

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: "check a model's signature against trusted public keys",
  usage: verifyUsage,
  async run(argv, io) {
    const flags = parseFlags(
      argv,
      { model: { type: 'string' }, key: { type: 'string', multiple: true } },
      verifyUsage,
      io.cwd,
    );
    const keys = flags.all('key');
    if (keys.length === 0)
      throw new ModelsError('SL_MODELS_INVALID_OPTION', `--key is required\n${verifyUsage}`);
    const trusted = await Promise.all(keys.map((k) => readKey(resolve(io.cwd, k))));
    const r = await verifyModelSignature(flags.requiredPath('model'), trusted);
    io.result({
      verified: true,
      keyId: r.keyId,
      id: r.manifest.id,
      version: r.manifest.version,
      sha256: r.manifest.sha256,
    });
    return 0;
  },
};
