import { generateSigningKey } from '../sign/sign.ts';
import type { CliCommand } from './command.ts';
import { parseFlags } from './flags.ts';

const usage =
  'usage: sightline-models keygen --out DIR   (writes DIR/signing-key.pem (0600) and DIR/signing-key.pub.pem)';

export const keygenCommand: CliCommand = {
  name: 'keygen',
  summary: 'make an Ed25519 model-signing key pair',
  usage,
  async run(argv, io) {
    const flags = parseFlags(argv, { out: { type: 'string' } }, usage, io.cwd);
    const r = await generateSigningKey(flags.requiredPath('out'));
    io.progress(`keep ${r.privateKeyPath} secret; give agents ${r.publicKeyPath}`);
    io.result(r);
    return 0;
  },
};
