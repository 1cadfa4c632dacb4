import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { type ManifestIssue, ModelsError } from '../errors.ts';
import { Manifest } from './schema.ts';

export interface LoadedModel {
  manifest: Manifest;
  bytes: Uint8Array;
  /** Absolute path of the ONNX file. */
  path: string;
}

/** `a.b[2].c` from a zod issue path. */
function jsonPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Validates a parsed manifest; the error lists every bad key by JSON path with what was expected. */
export function parseManifest(value: unknown, source = 'manifest'): Manifest {
  const result = Manifest.safeParse(value);
  if (result.success) return result.data;
  const issues: ManifestIssue[] = result.error.issues.map((i: z.core.$ZodIssue) => ({
    path: jsonPath(i.path),
    message: i.message,
  }));
  const list = issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
  throw new ModelsError('SL_MANIFEST_INVALID', `${source} is invalid: ${list}`, issues);
}

async function readOrThrow(
  path: string,
  code: 'SL_MANIFEST_NOT_FOUND' | 'SL_MODEL_FILE_NOT_FOUND',
  what: string,
) {
  try {
    return await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ModelsError(
      code,
      `${what} ${path} could not be read (${reason}); is the model directory right?`,
    );
  }
}

/** Reads `<dir>/manifest.json` and the ONNX file it names; validates the manifest and the file's SHA-256. */
export async function loadModel(dir: string): Promise<LoadedModel> {
  const manifestPath = resolve(dir, 'manifest.json');
  const text = (await readOrThrow(manifestPath, 'SL_MANIFEST_NOT_FOUND', 'model manifest')).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelsError(
      'SL_MANIFEST_INVALID',
      `${manifestPath} is not valid JSON: ${(err as Error).message}`,
    );
  }
  const manifest = parseManifest(json, manifestPath);
  const path = resolve(dir, manifest.file);
  const bytes = new Uint8Array(await readOrThrow(path, 'SL_MODEL_FILE_NOT_FOUND', 'model file'));
  const actual = sha256Hex(bytes);
  if (actual !== manifest.sha256) {
    throw new ModelsError(
      'SL_MODEL_SHA_MISMATCH',
      `${path}: SHA-256 is ${actual} but ${manifestPath} says ${manifest.sha256}; ` +
        'the file is corrupt or was replaced. Re-copy the model, or rebuild it with `pnpm models:build`.',
    );
  }
  return { manifest, bytes, path };
}

/** Absolute path of the committed default model directory (`models/default`). */
export function defaultModelDir(): string {
  return join(fileURLToPath(new URL('../../default', import.meta.url)));
}
