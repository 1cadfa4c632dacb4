import type { Alarm, AlarmKind, AlarmRule, AlarmState, Severity } from '@sightline/protocol';
import { type LedgerDb, num, numOrNull, strOrNull } from './db.ts';

/** A rule as stored: everything but the delivery counts, which live in memory since start. */
export type StoredRule = Omit<AlarmRule, 'delivery'>;

/** An alarm with the key that identifies its condition (rule, line, agent, subject). */
export interface KeyedAlarm extends Alarm {
  key: string;
}

export interface AlarmQuery {
  state: 'open' | AlarmState | 'all';
  site?: string;
  line?: string;
  kind?: AlarmKind;
  limit: number;
}

export interface AlarmStore {
  rules(): Promise<StoredRule[]>;
  putRule(rule: StoredRule): Promise<void>;
  deleteRule(id: string): Promise<boolean>;
  /** Alarms not cleared (the evaluator's memory at start). */
  open(): Promise<KeyedAlarm[]>;
  insert(alarm: Omit<KeyedAlarm, 'id'>): Promise<KeyedAlarm>;
  update(alarm: KeyedAlarm): Promise<void>;
  get(id: number): Promise<KeyedAlarm | null>;
  list(query: AlarmQuery): Promise<KeyedAlarm[]>;
}

function alarmOf(r: Record<string, unknown>): KeyedAlarm {
  return {
    id: num(r.id),
    key: String(r.key),
    rule: String(r.rule),
    kind: r.kind as AlarmKind,
    severity: r.severity as Severity,
    site: String(r.site),
    line: String(r.line),
    agent: strOrNull(r.agent),
    subject: strOrNull(r.subject),
    state: r.state as AlarmState,
    since: num(r.since),
    last_ts: num(r.last_ts),
    cleared_ts: numOrNull(r.cleared_ts),
    message: String(r.message),
    detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    ack:
      r.ack_who === null || r.ack_who === undefined
        ? null
        : { who: String(r.ack_who), ts: num(r.ack_ts), note: String(r.ack_note ?? '') },
  };
}

const values = (a: Omit<KeyedAlarm, 'id'>) => [
  a.rule,
  a.kind,
  a.severity,
  a.key,
  a.site,
  a.line,
  a.agent,
  a.subject,
  a.state,
  a.since,
  a.last_ts,
  a.cleared_ts,
  a.message,
  JSON.stringify(a.detail),
  a.ack?.who ?? null,
  a.ack?.ts ?? null,
  a.ack?.note ?? null,
];
const COLUMNS =
  'rule, kind, severity, key, site, line, agent, subject, state, since, last_ts, cleared_ts, message, detail, ack_who, ack_ts, ack_note';

export function createAlarmStore(db: LedgerDb): AlarmStore {
  return {
    async rules() {
      const rows = await db.all('SELECT body FROM alarm_rules ORDER BY id');
      return rows.map((r) => JSON.parse(String(r.body)) as StoredRule);
    },
    async putRule(rule) {
      await db.run('INSERT OR REPLACE INTO alarm_rules VALUES ($1, $2, $3, $4)', [
        rule.id,
        JSON.stringify(rule),
        rule.updated_ts,
        rule.updated_by,
      ]);
    },
    async deleteRule(id) {
      const before = await db.all('SELECT id FROM alarm_rules WHERE id = $1', [id]);
      await db.run('DELETE FROM alarm_rules WHERE id = $1', [id]);
      return before.length > 0;
    },
    async open() {
      return (await db.all("SELECT * FROM alarms WHERE state <> 'cleared' ORDER BY id")).map(alarmOf);
    },
    async insert(a) {
      const [row] = await db.all(
        `INSERT INTO alarms (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         RETURNING id`,
        values(a),
      );
      return { ...a, id: num(row?.id) };
    },
    async update(a) {
      const sets = COLUMNS.split(', ')
        .map((c, i) => `${c} = $${i + 2}`)
        .join(', ');
      await db.run(`UPDATE alarms SET ${sets} WHERE id = $1`, [a.id, ...values(a)]);
    },
    async get(id) {
      const [row] = await db.all('SELECT * FROM alarms WHERE id = $1', [id]);
      return row ? alarmOf(row) : null;
    },
    async list(q) {
      const state = q.state === 'open' ? null : q.state === 'all' ? null : q.state;
      const rows = await db.all(
        `SELECT * FROM alarms WHERE ($1::VARCHAR IS NULL OR state = $1) AND ($2 = false OR state <> 'cleared')
           AND ($3::VARCHAR IS NULL OR site = $3) AND ($4::VARCHAR IS NULL OR line = $4)
           AND ($5::VARCHAR IS NULL OR kind = $5)
         ORDER BY id DESC LIMIT $6`,
        [state, q.state === 'open', q.site ?? null, q.line ?? null, q.kind ?? null, q.limit],
      );
      return rows.map(alarmOf);
    },
  };
}
