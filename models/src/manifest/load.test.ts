import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelsError } from '../errors.ts';
import { defaultModelDir, loadModel, parseManifest, sha256Hex } from './load.ts';

const onnx = new Uint8Array([8, 8, 18, 4, 116, 101, 115, 116]);
const valid = () => ({
  id: 'test',
  version: '1.0.0',
  task: 'classify',
  file: 'model.onnx',
  input: {
    name: 'image',
    shape: [1, 1, 128, 128],
    layout: 'NCHW',
    colour: 'gray',
    resize: 'stretch',
    mean: [0],
    std: [1],
  },
  output: { name: 'score', decode: 'sigmoid-score' },
  labels: ['ok', 'defect'],
  threshold: 0.5,
  evaluation: {
    precision: 1,
    recall: 1,
    accuracy: 1,
    auroc: 1,
    n: 10,
    positives: 2,
    threshold: 0.5,
    dataset: 'unit test',
  },
  sha256: sha256Hex(onnx),
  created: '2025-01-01T00:00:00.000Z',
});

function issuesOf(fn: () => unknown): ModelsError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ModelsError) return err;
    throw err;
  }
  throw new Error('expected a ModelsError');
}

describe('parseManifest', () => {
  it('accepts a valid manifest', () => {
    expect(parseManifest(valid()).input.shape).toEqual([1, 1, 128, 128]);
  });

  it('names the JSON path of each bad key and what was expected', () => {
    const m = valid() as Record<string, unknown>;
    m.input = { ...(m.input as object), shape: [1, 2, 128, 128] };
    m.threshold = 1.5;
    delete m.sha256;
    const err = issuesOf(() => parseManifest(m, 'x/manifest.json'));
    expect(err.code).toBe('SL_MANIFEST_INVALID');
    const paths = err.issues.map((i) => i.path);
    expect(paths).toContain('input.shape[1]');
    expect(paths).toContain('threshold');
    expect(paths).toContain('sha256');
    expect(err.message).toMatch(/^x\/manifest\.json is invalid: /);
    expect(err.message).toMatch(/threshold: .*(1|<=)/);
  });

  it('checks mean/std length against the channel count and colour against C', () => {
    const m = valid();
    m.input = { ...m.input, colour: 'bgr', mean: [0, 0] };
    const paths = issuesOf(() => parseManifest(m)).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['input.colour', 'input.mean']));
  });

  it('refuses an ONNX file name that leaves the directory', () => {
    const err = issuesOf(() => parseManifest({ ...valid(), file: '../evil.onnx' }));
    expect(err.issues[0]?.path).toBe('file');
  });
});

describe('loadModel', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-models-'));
    await writeFile(join(dir, 'model.onnx'), onnx);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify(valid()));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('returns the manifest, the bytes and the absolute ONNX path', async () => {
    const m = await loadModel(dir);
    expect(m.manifest.id).toBe('test');
    expect(Buffer.from(m.bytes).equals(Buffer.from(onnx))).toBe(true);
    expect(m.path).toBe(join(dir, 'model.onnx'));
  });

  it('rejects a tampered ONNX file (SHA-256 mismatch)', async () => {
    const tampered = Uint8Array.from(onnx);
    tampered[3] = (tampered[3] ?? 0) ^ 1;
    await writeFile(join(dir, 'model.onnx'), tampered);
    await expect(loadModel(dir)).rejects.toMatchObject({
      code: 'SL_MODEL_SHA_MISMATCH',
      message: expect.stringContaining(sha256Hex(tampered)),
    });
  });

  it('reports a missing manifest, bad JSON and a missing ONNX file with distinct codes', async () => {
    await expect(loadModel(join(dir, 'nope'))).rejects.toMatchObject({ code: 'SL_MANIFEST_NOT_FOUND' });
    await writeFile(join(dir, 'manifest.json'), '{ not json');
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'SL_MANIFEST_INVALID' });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...valid(), file: 'other.onnx' }));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'SL_MODEL_FILE_NOT_FOUND' });
  });

  it('defaultModelDir points at the committed models/default', async () => {
    expect(defaultModelDir()).toMatch(/models[\\/]default$/);
    const manifest = JSON.parse(await readFile(join(defaultModelDir(), 'manifest.json'), 'utf8')) as {
      id: string;
    };
    expect(manifest.id).toBe('default');
  });
});
