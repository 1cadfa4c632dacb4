import type { Baseline } from '@sightline/protocol';
import type { LedgerDb } from './db.ts';
import { type LineRef, lineKey } from './roi-inputs.ts';

export interface BaselineStore {
  current(line: LineRef): Promise<Baseline | null>;
  /** Every line's current baseline, by `site/line`. */
  all(): Promise<Map<string, Baseline>>;
  /** Makes `baseline` the line's current one; earlier ones stay as history. */
  freeze(baseline: Baseline): Promise<void>;
}

export function createBaselineStore(db: LedgerDb): BaselineStore {
  return {
    async current(l) {
      const [row] = await db.all('SELECT body FROM baselines WHERE site = $1 AND line = $2 AND current', [
        l.site,
        l.line,
      ]);
      return row ? (JSON.parse(String(row.body)) as Baseline) : null;
    },
    async all() {
      const rows = await db.all('SELECT body FROM baselines WHERE current');
      const out = new Map<string, Baseline>();
      for (const r of rows) {
        const b = JSON.parse(String(r.body)) as Baseline;
        out.set(lineKey(b), b);
      }
      return out;
    },
    freeze(b) {
      return db.tx(async (q) => {
        await q.run('UPDATE baselines SET current = false WHERE site = $1 AND line = $2', [b.site, b.line]);
        await q.run('INSERT INTO baselines VALUES ($1, $2, $3, $4, true)', [
          b.site,
          b.line,
          b.frozen_ts,
          JSON.stringify(b),
        ]);
      });
    },
  };
}
