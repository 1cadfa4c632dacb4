import { readFile, writeFile } from 'node:fs/promises';
import { buildBundle, type GoldenImage } from '../bundle/build.ts';
import { ModelsError } from '../errors.ts';
import { listLabelledImages } from '../images/load.ts';
import { createPartStream } from '../synthetic/stream.ts';
import { readImage } from '../train/image-folder.ts';
import type { CliCommand } from './command.ts';
import { parseFlags } from './flags.ts';

const usage = `usage: sightline-models bundle --model DIR --key PRIVATE.pem --out FILE.slb
                        [--golden-dir DIR | --golden N] [--expires 365d|ISO-TIME|never] [--tolerance 0.02]

  Packs DIR (manifest.json + ONNX) with golden images and the score the model gives each, signed with
  the Ed25519 key (make one with \`keygen\`). Golden images: DIR/{ok,defect}/*.png|jpg (at most 64), or
  N synthetic parts (default 8, half defective). Upload the file to the hub: sightline-hub models upload FILE.`;

const MAX_GOLDEN = 64;

/** "90d", "12h", an ISO time, or "never". */
export function parseExpiry(text: string, now: Date): Date | null {
  if (text === 'never') return null;
  const rel = /^(\d+)([dh])$/.exec(text);
  if (rel) return new Date(now.getTime() + Number(rel[1]) * (rel[2] === 'd' ? 86_400_000 : 3_600_000));
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new ModelsError(
      'SL_MODELS_INVALID_OPTION',
      `--expires "${text}": expected e.g. 365d, 12h, an ISO time or never`,
    );
  return new Date(at);
}

async function goldenFrom(dir: string | undefined, count: number): Promise<GoldenImage[]> {
  if (dir) {
    const files = (await listLabelledImages(dir)).slice(0, MAX_GOLDEN);
    return Promise.all(
      files.map(
        async (f) => ({ frame: await readImage(f.path), truth: f.label ? 'defect' : 'ok' }) as GoldenImage,
      ),
    );
  }
  const parts = createPartStream({ seed: 20_250_601, defectRate: 0.5 });
  return Array.from({ length: count }, () => {
    const p = parts.next();
    return { frame: p.frame, truth: p.truth };
  });
}

export const bundleCommand: CliCommand = {
  name: 'bundle',
  summary: 'pack and sign a model with golden images for rollout → FILE.slb',
  usage,
  async run(argv, io) {
    const flags = parseFlags(
      argv,
      {
        model: { type: 'string' },
        key: { type: 'string' },
        out: { type: 'string' },
        'golden-dir': { type: 'string' },
        golden: { type: 'string' },
        expires: { type: 'string' },
        tolerance: { type: 'string' },
      },
      usage,
      io.cwd,
    );
    const now = new Date();
    const count = flags.number('golden', 8, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_GOLDEN);
    const golden = await goldenFrom(flags.path('golden-dir'), count);
    const keyPath = flags.requiredPath('key');
    const privateKeyPem = await readFile(keyPath, 'utf8').catch(() => {
      throw new ModelsError(
        'SL_KEY_INVALID',
        `${keyPath} could not be read; make a key pair with \`keygen --out DIR\``,
      );
    });
    io.progress(`scoring ${golden.length} golden image(s) with onnxruntime-node`);
    const built = await buildBundle({
      modelDir: flags.requiredPath('model'),
      privateKeyPem,
      golden,
      expires: parseExpiry(flags.string('expires') ?? '365d', now),
      tolerance: flags.number('tolerance', 0.02, (n) => n > 0 && n <= 1),
      now,
    });
    const out = flags.requiredPath('out');
    await writeFile(out, built.bytes);
    io.result({
      bundle: out,
      id: built.header.id,
      version: built.header.version,
      sha256: built.sha256,
      bytes: built.bytes.byteLength,
      keyId: built.keyId,
      expires: built.header.expires,
      golden: golden.length,
    });
    return 0;
  },
};
