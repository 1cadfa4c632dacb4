import { HubError } from '../errors.ts';
import type { WriterState } from './commit.ts';
import { agentCountsOf, bucketCountsOf, lineCountsOf } from './counts-rows.ts';
import type { Dims } from './dims.ts';
import {
  AGENT_TOTALS_SQL,
  AGENTS_SQL,
  DEAD_LETTERS_SQL,
  EVENTS_SQL,
  RESULT_AT_SQL,
  RESULTS_PAGE_SQL,
  SERIES_CLASSES_SQL,
  SERIES_SQL,
  WINDOW_LINES_SQL,
  WINDOW_RECIPES_SQL,
} from './queries.ts';
import type { Readers, Row } from './readers.ts';
import { jsonOrNull, num } from './result-rows.ts';
import { VERDICT_CODE, VERDICT_NAME } from './rollup-sql.ts';
import type { AgentSnapshot, DeadLetter, ResultStore, StoredEvent, StoredResult } from './types.ts';

/** How far back a results page looks first; it widens ×24 each time until the page is full or all is read. */
const FIRST_LOOKBACK_MS = 3_600_000;
const CLOCK_NAME = ['ok', 'ahead', 'behind'] as const;
const MINUTE = 60_000;

type Reads = Pick<
  ResultStore,
  | 'counters'
  | 'lineCounts'
  | 'recipeCounts'
  | 'agentCounts'
  | 'series'
  | 'agents'
  | 'deadLetters'
  | 'events'
  | 'results'
  | 'result'
>;

/** The store's read side: every query on the read pool, names resolved through the in-memory dictionaries. */
export function createReads(deps: {
  readers: Readers;
  dims: Dims;
  state: WriterState;
  closedCheck: () => boolean;
  path: string;
}): Reads {
  const { readers, dims, state } = deps;
  const query = (sql: string, params: Parameters<Readers['query']>[1] = []) => {
    if (deps.closedCheck())
      return Promise.reject(new HubError('SL_STORE_CLOSED', `store ${deps.path} is closed`));
    return readers.query(sql, params);
  };

  const resultOf = (row: Row): StoredResult => {
    const agent = dims.agentById(num(row.agent_id));
    return {
      site: agent?.site ?? '?',
      line: agent?.line ?? '?',
      agent: agent?.agent ?? '?',
      seq: num(row.seq),
      ts: num(row.ts),
      device_ts: num(row.device_ts),
      received_ts: num(row.received_ts),
      clock: CLOCK_NAME[num(row.clock)] ?? 'ok',
      frame: String(row.frame),
      camera: row.camera === null ? null : String(row.camera),
      model: { id: String(row.model_id), version: String(row.model_version) },
      verdict: VERDICT_NAME[num(row.verdict)] ?? 'uncertain',
      score: Number(row.score),
      threshold: Number(row.threshold),
      latency_total: Number(row.latency_total),
      shadow: Boolean(row.shadow),
      replayed: Boolean(row.replayed),
      truth: row.truth === null ? null : num(row.truth) === 1 ? 'defect' : 'ok',
      image: row.image === null ? null : String(row.image),
      part: row.part === null || row.part === undefined ? null : String(row.part),
      recipe: row.recipe === null || row.recipe === undefined ? null : String(row.recipe),
      mode: row.pilot === true ? 'pilot' : 'live',
    };
  };

  return {
    async counters() {
      if (deps.closedCheck()) throw new HubError('SL_STORE_CLOSED', `store ${deps.path} is closed`);
      return { results: state.results, duplicates: state.duplicates, deadLetters: state.deadLetters.rows };
    },

    async lineCounts({ start, end }) {
      const m0 = Math.ceil((start + 1) / MINUTE);
      const m1 = Math.max(m0, Math.floor((end + 1) / MINUTE));
      return (await query(WINDOW_LINES_SQL, [start, end, m0, m1])).map(lineCountsOf);
    },

    async recipeCounts({ start, end }) {
      const m0 = Math.ceil((start + 1) / MINUTE);
      const m1 = Math.max(m0, Math.floor((end + 1) / MINUTE));
      return (await query(WINDOW_RECIPES_SQL, [start, end, m0, m1])).map((row) => ({
        site: String(row.site),
        line: String(row.line),
        recipe: String(row.recipe),
        n: num(row.n),
        defects: num(row.defects),
        uncertain: num(row.uncertain),
        truth_n: num(row.truth_n),
        truth_defects: num(row.truth_defects),
      }));
    },

    async agentCounts(fromMinute, toMinute) {
      return (await query(AGENT_TOTALS_SQL, [fromMinute, toMinute])).map(agentCountsOf);
    },

    async series({ site, line, fromMinute, toMinute, bucketMinutes, alignMinute }) {
      const lineId = dims.lineId(site, line);
      if (lineId === undefined) return [];
      const params = [lineId, fromMinute, toMinute, bucketMinutes, alignMinute];
      const [rows, classRows] = await Promise.all([
        query(SERIES_SQL, params),
        query(SERIES_CLASSES_SQL, params),
      ]);
      const classes = new Map<number, Record<string, number>>();
      for (const r of classRows) {
        const bucket = num(r.bucket);
        const entry = classes.get(bucket) ?? {};
        entry[String(r.class)] = num(r.defects);
        classes.set(bucket, entry);
      }
      return rows.map((r) => bucketCountsOf(r, bucketMinutes, classes.get(num(r.bucket)) ?? {}));
    },

    async agents() {
      return (await query(AGENTS_SQL)).map((row): AgentSnapshot => {
        // Stats since the last fold are in memory only (commits of stats take no SQL).
        const latest = state.latestStats.get(num(row.agent_id));
        return {
          site: String(row.site),
          line: String(row.line),
          agent: String(row.agent),
          birth: jsonOrNull(row.birth),
          state: jsonOrNull(row.state),
          stats: latest?.stats ?? jsonOrNull(row.stats),
          model_status: jsonOrNull(row.model_status),
          last_seen_ts: Math.max(
            num(row.last_seen_ts),
            latest?.receivedTs ?? 0,
            state.heard.get(num(row.agent_id)) ?? 0,
          ),
        };
      });
    },

    async deadLetters({ limit }) {
      return (await query(DEAD_LETTERS_SQL, [limit])).map(
        (row): DeadLetter => ({
          id: num(row.id),
          ts: num(row.ts),
          topic: String(row.topic),
          sender: row.sender === null ? null : String(row.sender),
          code: String(row.code),
          error: String(row.error),
          payload: String(row.payload),
          payload_encoding: row.payload_encoding === 'base64' ? 'base64' : 'utf8',
          payload_size: num(row.payload_size),
          truncated: row.truncated === true,
        }),
      );
    },

    async events({ limit }) {
      return (await query(EVENTS_SQL, [limit])).map(
        (row) =>
          ({
            site: String(row.site),
            line: String(row.line),
            agent: String(row.agent),
            ts: num(row.ts),
            received_ts: num(row.received_ts),
            kind: row.kind,
            severity: row.severity,
            message: String(row.message),
            ...(row.detail === null ? {} : { detail: jsonOrNull(row.detail) }),
          }) as StoredEvent,
      );
    },

    async result(ref, seq, tsHint) {
      const agentId = dims.lookup(ref)?.agentId;
      if (agentId === undefined) return null;
      for (const hint of tsHint === undefined ? [null] : [tsHint, null]) {
        const [row] = await query(RESULT_AT_SQL, [agentId, seq, hint]);
        if (row) return resultOf(row);
      }
      return null;
    },

    async results({ site, line, agent, verdict, part, recipe, limit, after }) {
      let agentIds: number[] | null = null;
      if (site !== undefined || line !== undefined || agent !== undefined) {
        agentIds = [];
        for (const a of dims.allAgents()) {
          if ((site === undefined || a.site === site) && (line === undefined || a.line === line)) {
            if (agent === undefined || a.agent === agent) agentIds.push(a.agentId);
          }
        }
        if (agentIds.length === 0) return { results: [], next: null };
      }
      const cursor = after ?? {
        ts: Number.MAX_SAFE_INTEGER,
        agentId: 2 ** 31 - 1,
        seq: Number.MAX_SAFE_INTEGER,
      };
      const verdictCode = verdict === undefined ? null : VERDICT_CODE[verdict];
      let rows: Row[] = [];
      // Newest first without scanning everything: look back an hour from the cursor, then a day, and so on.
      const top = cursor.ts === Number.MAX_SAFE_INTEGER ? Date.now() + 365 * 86_400_000 : cursor.ts;
      for (let lookback = FIRST_LOOKBACK_MS; ; lookback *= 24) {
        const since = lookback > 400 * 86_400_000 ? Number.MIN_SAFE_INTEGER : top - lookback;
        rows = await query(RESULTS_PAGE_SQL, [
          cursor.ts,
          cursor.agentId,
          cursor.seq,
          since,
          agentIds === null ? null : `[${agentIds.join(',')}]`,
          verdictCode,
          limit,
          part ?? null,
          recipe ?? null,
        ]);
        if (rows.length >= limit || since === Number.MIN_SAFE_INTEGER) break;
      }
      const results = rows.map(resultOf);
      const last = rows[rows.length - 1];
      const next =
        rows.length === limit && last
          ? { ts: num(last.ts), agentId: num(last.agent_id), seq: num(last.seq) }
          : null;
      return { results, next };
    },
  };
}
