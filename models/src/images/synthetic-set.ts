import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createPartStream } from '../synthetic/stream.ts';
import { encodePng } from './decode.ts';

export interface SyntheticSetOptions {
  dir: string;
  seed: number;
  count: number;
  defectRate?: number;
  width?: number;
  height?: number;
}

/** Writes seeded synthetic parts as `dir/{ok,defect}/NNNN.png`, the labelled-folder layout the tools read. */
export async function writeSyntheticSet(opts: SyntheticSetOptions): Promise<{ ok: number; defect: number }> {
  const stream = createPartStream({
    seed: opts.seed,
    defectRate: opts.defectRate ?? 0.3,
    ...(opts.width ? { width: opts.width } : {}),
    ...(opts.height ? { height: opts.height } : {}),
  });
  await mkdir(join(opts.dir, 'ok'), { recursive: true });
  await mkdir(join(opts.dir, 'defect'), { recursive: true });
  const counts = { ok: 0, defect: 0 };
  for (let i = 0; i < opts.count; i++) {
    const part = stream.next();
    counts[part.truth]++;
    await writeFile(join(opts.dir, part.truth, `${String(i).padStart(4, '0')}.png`), encodePng(part.frame));
  }
  return counts;
}
