import { type RoiInputChange, type RoiInputName, RoiInputs } from '@sightline/protocol';
import { type LedgerDb, num, numOrNull, strOrNull } from './db.ts';
import type { LineRef } from './modes.ts';

export type { LineRef };

export const ROI_INPUT_NAMES = RoiInputs.keyof().options;

export function noRoiInputs(): RoiInputs {
  return Object.fromEntries(ROI_INPUT_NAMES.map((k) => [k, null])) as RoiInputs;
}

export interface RoiInputStore {
  get(line: LineRef): Promise<RoiInputs>;
  /** Every line's inputs (lines with none entered are absent). */
  all(): Promise<Map<string, RoiInputs>>;
  /** Applies the fields given; each one that changes is kept in the history with who and when. */
  patch(
    line: LineRef,
    patch: Partial<RoiInputs>,
    by: { who: string; ts: number; note: string | null },
  ): Promise<RoiInputs>;
  history(line: LineRef, limit?: number): Promise<RoiInputChange[]>;
}

export const lineKey = (l: LineRef) => `${l.site}/${l.line}`;

export function createRoiInputStore(db: LedgerDb): RoiInputStore {
  const read = async (l: LineRef, q: Pick<LedgerDb, 'all'> = db) => {
    const inputs = noRoiInputs();
    for (const r of await q.all('SELECT field, value FROM roi_inputs WHERE site = $1 AND line = $2', [
      l.site,
      l.line,
    ])) {
      if ((ROI_INPUT_NAMES as readonly string[]).includes(String(r.field)))
        inputs[r.field as RoiInputName] = numOrNull(r.value);
    }
    return inputs;
  };
  return {
    get: (l) => read(l),
    async all() {
      const out = new Map<string, RoiInputs>();
      for (const r of await db.all('SELECT site, line, field, value FROM roi_inputs')) {
        const key = lineKey({ site: String(r.site), line: String(r.line) });
        const inputs = out.get(key) ?? noRoiInputs();
        inputs[r.field as RoiInputName] = numOrNull(r.value);
        out.set(key, inputs);
      }
      return out;
    },
    patch(l, patch, { who, ts, note }) {
      return db.tx(async (q) => {
        const before = await read(l, q);
        for (const field of ROI_INPUT_NAMES) {
          const value = patch[field];
          if (value === undefined || value === before[field]) continue;
          await q.run('INSERT OR REPLACE INTO roi_inputs VALUES ($1, $2, $3, $4)', [
            l.site,
            l.line,
            field,
            value,
          ]);
          await q.run('INSERT INTO roi_input_changes VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            l.site,
            l.line,
            ts,
            who,
            field,
            before[field],
            value,
            note,
          ]);
        }
        return read(l, q);
      });
    },
    async history(l, limit = 200) {
      const rows = await db.all(
        'SELECT * FROM roi_input_changes WHERE site = $1 AND line = $2 ORDER BY ts DESC, field LIMIT $3',
        [l.site, l.line, limit],
      );
      return rows.map((r) => ({
        ts: num(r.ts),
        who: String(r.who),
        field: r.field as RoiInputName,
        old: numOrNull(r.old),
        new: numOrNull(r.new),
        note: strOrNull(r.note),
      }));
    },
  };
}
