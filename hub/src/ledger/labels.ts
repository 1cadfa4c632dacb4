import type { AuditCounts, Label, LabelChange, LabelKind } from '@sightline/protocol';
import { emptyAudit } from '../metrics/audit.ts';
import { type LedgerDb, num, strOrNull } from './db.ts';
import { type LineRef, lineKey } from './roi-inputs.ts';

export interface ResultKey extends LineRef {
  agent: string;
  seq: number;
}

export interface LabelQuery {
  site?: string;
  line?: string;
  agent?: string;
  kind?: LabelKind;
  /** Capture time of the labelled result: [from, to). */
  from?: number;
  to?: number;
  limit: number;
}

export interface LabelStore {
  /** Sets (kind) or clears (null) a result's label; every change is kept. Returns the current label. */
  set(
    key: ResultKey,
    change: { kind: LabelKind | null; note: string | null; who: string; ts: number },
    result: Label['result'],
  ): Promise<Label | null>;
  get(key: ResultKey): Promise<Label | null>;
  /** Current labels, newest label first. */
  list(query: LabelQuery): Promise<Label[]>;
  history(key: ResultKey): Promise<LabelChange[]>;
  /** Current labels of a line by kind, over results captured in [from, to). */
  counts(line: LineRef, from: number, to: number): Promise<AuditCounts>;
  /** Current labels per line, by `site/line`. */
  perLine(): Promise<Map<string, number>>;
  /** Every line's counts over results captured in [from, to), by `site/line`. */
  countsByLine(from: number, to: number): Promise<Map<string, AuditCounts>>;
}

function labelOf(r: Record<string, unknown>): Label {
  return {
    site: String(r.site),
    line: String(r.line),
    agent: String(r.agent),
    seq: num(r.seq),
    kind: r.kind as LabelKind,
    note: strOrNull(r.note),
    who: String(r.who),
    ts: num(r.ts),
    result: JSON.parse(String(r.result)) as Label['result'],
  };
}

const KEY = 'site = $1 AND line = $2 AND agent = $3 AND seq = $4';

export function createLabelStore(db: LedgerDb): LabelStore {
  const keyParams = (k: ResultKey) => [k.site, k.line, k.agent, k.seq];
  const get = async (k: ResultKey, q: Pick<LedgerDb, 'all'> = db) => {
    const [row] = await q.all(
      `SELECT * FROM labels WHERE ${KEY} AND current AND kind IS NOT NULL`,
      keyParams(k),
    );
    return row ? labelOf(row) : null;
  };
  return {
    set(k, { kind, note, who, ts }, result) {
      return db.tx(async (q) => {
        await q.run(`UPDATE labels SET current = false WHERE ${KEY} AND current`, keyParams(k));
        await q.run(
          `INSERT INTO labels (site, line, agent, seq, kind, note, who, ts, result_ts, result, current)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)`,
          [...keyParams(k), kind, note, who, ts, result.ts, JSON.stringify(result)],
        );
        return get(k, q);
      });
    },
    get: (k) => get(k),
    async list(query) {
      const rows = await db.all(
        `SELECT * FROM labels WHERE current AND kind IS NOT NULL
           AND ($1::VARCHAR IS NULL OR site = $1) AND ($2::VARCHAR IS NULL OR line = $2)
           AND ($3::VARCHAR IS NULL OR agent = $3) AND ($4::VARCHAR IS NULL OR kind = $4)
           AND ($5::BIGINT IS NULL OR result_ts >= $5) AND ($6::BIGINT IS NULL OR result_ts < $6)
         ORDER BY ts DESC, id DESC LIMIT $7`,
        [
          query.site ?? null,
          query.line ?? null,
          query.agent ?? null,
          query.kind ?? null,
          query.from ?? null,
          query.to ?? null,
          query.limit,
        ],
      );
      return rows.map(labelOf);
    },
    async history(k) {
      const rows = await db.all(
        `SELECT kind, note, who, ts FROM labels WHERE ${KEY} ORDER BY id DESC`,
        keyParams(k),
      );
      return rows.map((r) => ({
        ts: num(r.ts),
        who: String(r.who),
        kind: (r.kind ?? null) as LabelKind | null,
        note: strOrNull(r.note),
      }));
    },
    async counts(l, from, to) {
      const rows = await db.all(
        `SELECT kind, count(*) AS n FROM labels
         WHERE current AND kind IS NOT NULL AND site = $1 AND line = $2 AND result_ts >= $3 AND result_ts < $4
         GROUP BY kind`,
        [l.site, l.line, from, to],
      );
      const counts = emptyAudit();
      for (const r of rows) if (String(r.kind) in counts) counts[r.kind as keyof AuditCounts] = num(r.n);
      return counts;
    },
    async countsByLine(from, to) {
      const rows = await db.all(
        `SELECT site, line, kind, count(*) AS n FROM labels
         WHERE current AND kind IS NOT NULL AND result_ts >= $1 AND result_ts < $2 GROUP BY ALL`,
        [from, to],
      );
      const out = new Map<string, AuditCounts>();
      for (const r of rows) {
        const key = lineKey({ site: String(r.site), line: String(r.line) });
        const counts = out.get(key) ?? emptyAudit();
        if (String(r.kind) in counts) counts[r.kind as keyof AuditCounts] = num(r.n);
        out.set(key, counts);
      }
      return out;
    },
    async perLine() {
      const rows = await db.all(
        'SELECT site, line, count(*) AS n FROM labels WHERE current AND kind IS NOT NULL GROUP BY ALL',
      );
      return new Map(rows.map((r) => [lineKey({ site: String(r.site), line: String(r.line) }), num(r.n)]));
    },
  };
}
