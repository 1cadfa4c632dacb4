import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isDayDir, parseSampleName, type SampleInfo, sidecarOf } from './layout.ts';

export interface ListSamplesOptions {
  /** Newest this many; default 50. */
  limit?: number;
  /** Only samples captured at or after this time (epoch ms). */
  since?: number;
}

/** Samples in a samples dir, newest first, read from their sidecars. A missing dir has none. */
export async function listSamples(dir: string, opts: ListSamplesOptions = {}): Promise<SampleInfo[]> {
  const limit = opts.limit ?? 50;
  const since = opts.since ?? 0;
  const sinceDay = new Date(since).toISOString().slice(0, 10);
  let days: string[];
  try {
    days = (await readdir(dir)).filter(isDayDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: SampleInfo[] = [];
  for (const day of days.sort().reverse()) {
    if (out.length >= limit || day < sinceDay) break;
    const names = (await readdir(join(dir, day)))
      .filter((n) => {
        const parsed = parseSampleName(n);
        return parsed !== undefined && parsed.ts >= since;
      })
      .sort()
      .reverse();
    for (const name of names) {
      if (out.length >= limit) break;
      try {
        out.push(JSON.parse(await readFile(join(dir, day, sidecarOf(name)), 'utf8')) as SampleInfo);
      } catch {
        // A sample whose sidecar is missing or half-written (power loss) is not listed.
      }
    }
  }
  return out;
}

/** One line per sample for a terminal: time, category, camera, score, path. */
export function formatSamples(samples: readonly SampleInfo[], dir: string): string {
  if (samples.length === 0) return `no samples in ${dir}\n`;
  const lines = samples.map(
    (s) =>
      `${new Date(s.ts).toISOString()}  ${s.category.padEnd(6)}  ${s.camera.padEnd(8)}  score ${s.score.toFixed(3)} ` +
      `(threshold ${s.threshold.toFixed(3)})  ${join(dir, s.file)}`,
  );
  return `${lines.join('\n')}\n`;
}
