import type { LineMode, ModeChange } from '@sightline/protocol';
import { type LedgerDb, num, numOrNull, strOrNull } from './db.ts';

export interface LineRef {
  site: string;
  line: string;
}

/** The mode the hub wants for a line; lines never set are live (agents that predate modes act). */
export interface StoredLineMode extends LineRef {
  mode: LineMode;
  since: number | null;
  set_by: string | null;
  go_live_ts: number | null;
}

export interface LineModes {
  get(line: LineRef): Promise<StoredLineMode>;
  /** Every line whose mode was ever set. */
  list(): Promise<StoredLineMode[]>;
  /**
   * Records a change (and the go-live when pilot → live and no go-live is recorded since the baseline).
   * Returns the line's mode after it.
   */
  set(
    line: LineRef,
    change: { mode: LineMode; who: string; note: string | null; ts: number },
  ): Promise<StoredLineMode>;
  /** A new baseline whose window starts after the go-live begins a new epoch: the go-live is cleared. */
  clearGoLive(line: LineRef): Promise<void>;
  history(line: LineRef, limit?: number): Promise<ModeChange[]>;
}

const defaultMode = (l: LineRef): StoredLineMode => ({
  ...l,
  mode: 'live',
  since: null,
  set_by: null,
  go_live_ts: null,
});

function rowMode(r: Record<string, unknown>): StoredLineMode {
  return {
    site: String(r.site),
    line: String(r.line),
    mode: r.mode === 'pilot' ? 'pilot' : 'live',
    since: numOrNull(r.since),
    set_by: strOrNull(r.set_by),
    go_live_ts: numOrNull(r.go_live_ts),
  };
}

export function createLineModes(db: LedgerDb): LineModes {
  const get = async (l: LineRef, q: Pick<LedgerDb, 'all'> = db) => {
    const [row] = await q.all('SELECT * FROM line_modes WHERE site = $1 AND line = $2', [l.site, l.line]);
    return row ? rowMode(row) : defaultMode(l);
  };
  return {
    get: (l) => get(l),
    async list() {
      return (await db.all('SELECT * FROM line_modes ORDER BY site, line')).map(rowMode);
    },
    set(l, { mode, who, note, ts }) {
      return db.tx(async (q) => {
        const before = await get(l, q);
        const goLive = before.mode === 'pilot' && mode === 'live';
        const goLiveTs = goLive && before.go_live_ts === null ? ts : before.go_live_ts;
        await q.run(`INSERT OR REPLACE INTO line_modes VALUES ($1, $2, $3, $4, $5, $6)`, [
          l.site,
          l.line,
          mode,
          before.mode === mode && before.since !== null ? before.since : ts,
          who,
          goLiveTs,
        ]);
        await q.run('INSERT INTO mode_changes VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
          l.site,
          l.line,
          ts,
          who,
          before.since === null ? null : before.mode,
          mode,
          goLive,
          note,
        ]);
        return get(l, q);
      });
    },
    async clearGoLive(l) {
      await db.run('UPDATE line_modes SET go_live_ts = NULL WHERE site = $1 AND line = $2', [l.site, l.line]);
    },
    async history(l, limit = 100) {
      const rows = await db.all(
        'SELECT * FROM mode_changes WHERE site = $1 AND line = $2 ORDER BY ts DESC LIMIT $3',
        [l.site, l.line, limit],
      );
      return rows.map((r) => ({
        ts: num(r.ts),
        who: String(r.who),
        from: r.from_mode === null ? null : r.from_mode === 'pilot' ? 'pilot' : 'live',
        to: r.to_mode === 'pilot' ? 'pilot' : 'live',
        go_live: Boolean(r.go_live),
        note: strOrNull(r.note),
      }));
    },
  };
}
