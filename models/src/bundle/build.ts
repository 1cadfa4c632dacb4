import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeScore } from '../evaluate/score.ts';
import { encodePng } from '../images/decode.ts';
import { loadModel, sha256Hex } from '../manifest/load.ts';
import { ed25519PrivateKey } from '../sign/sign.ts';
import type { ImageFrame } from '../synthetic/frame.ts';
import { createFrameRunner } from '../train/extract.ts';
import { packBundle } from './format.ts';
import { BUNDLE_FORMAT, type BundleFile, type BundleHeader, GOLDEN_FILE, type GoldenSet } from './header.ts';
import { signBundleHeader } from './signature.ts';

export interface GoldenImage {
  frame: ImageFrame;
  truth?: 'ok' | 'defect';
}

export interface BuildBundleOptions {
  /** A model directory: manifest.json and the ONNX file it names. */
  modelDir: string;
  privateKeyPem: string;
  golden: readonly GoldenImage[];
  /** Agents refuse the bundle after this time; null: never. */
  expires: Date | null;
  /** Largest |score − expected| agents accept on the golden images (default 0.02). */
  tolerance?: number;
  now?: Date;
}

export interface BuiltBundle {
  bytes: Uint8Array;
  header: BundleHeader;
  sha256: string;
  keyId: string;
}

/**
 * Builds a signed bundle: the model's manifest and ONNX file, the golden images as PNG with the scores
 * onnxruntime-node gives them now, and an Ed25519 signature over a header listing every file's SHA-256.
 */
export async function buildBundle(opts: BuildBundleOptions): Promise<BuiltBundle> {
  const key = ed25519PrivateKey(opts.privateKeyPem);
  const model = await loadModel(opts.modelDir);
  const { manifest } = model;
  const manifestBytes = new Uint8Array(await readFile(join(opts.modelDir, 'manifest.json')));
  const runner = await createFrameRunner(model.bytes, manifest.input, manifest.output.name, { threads: 1 });
  const golden: GoldenSet = { tolerance: opts.tolerance ?? 0.02, runtime: 'onnxruntime-node', images: [] };
  const images: Array<{ name: string; bytes: Uint8Array }> = [];
  try {
    for (const [i, g] of opts.golden.entries()) {
      const name = `golden/${String(i).padStart(2, '0')}.png`;
      const score = decodeScore(manifest.output, await runner.run(g.frame));
      images.push({ name, bytes: encodePng(g.frame) });
      golden.images.push({ file: name, score, ...(g.truth ? { truth: g.truth } : {}) });
    }
  } finally {
    await runner.release();
  }
  const contents = [
    { name: 'manifest.json', bytes: manifestBytes },
    { name: manifest.file, bytes: model.bytes },
    ...images,
    { name: GOLDEN_FILE, bytes: new TextEncoder().encode(`${JSON.stringify(golden, null, 2)}\n`) },
  ];
  const files = contents.map((c): { file: BundleFile; bytes: Uint8Array } => ({
    file: { name: c.name, bytes: c.bytes.byteLength, sha256: sha256Hex(c.bytes) },
    bytes: c.bytes,
  }));
  const header: BundleHeader = {
    format: BUNDLE_FORMAT,
    id: manifest.id,
    version: manifest.version,
    created: (opts.now ?? new Date()).toISOString(),
    expires: opts.expires ? opts.expires.toISOString() : null,
    model: { file: manifest.file, sha256: manifest.sha256 },
    files: files.map((f) => f.file),
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const signature = signBundleHeader(headerBytes, key);
  const bytes = packBundle(headerBytes, signature, files);
  return { bytes, header, sha256: sha256Hex(bytes), keyId: signature.keyId };
}
