import type { Alarm, AlarmRule } from '@sightline/protocol';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { KeyedAlarm, Ledger, StoredRule } from '../ledger/index.ts';
import type { Webhooks } from './webhooks.ts';

/** A condition a rule found true now: what it is about and what to say. */
export interface Condition {
  site: string;
  line: string;
  agent: string | null;
  subject: string | null;
  /** When it began (event time, last seen, bucket start). */
  since: number;
  message: string;
  detail: Record<string, unknown>;
}

export const conditionKey = (rule: string, c: Pick<Condition, 'site' | 'line' | 'agent' | 'subject'>) =>
  [rule, c.site, c.line, c.agent ?? '', c.subject ?? ''].join('|');

export interface AlarmBook {
  rules(): readonly StoredRule[];
  rulesWithDelivery(): AlarmRule[];
  putRule(rule: StoredRule): Promise<void>;
  deleteRule(id: string): Promise<void>;
  /** Raises (or keeps) the alarm of a true condition. */
  raise(rule: StoredRule, condition: Condition, at: number): Promise<void>;
  /** Clears the rule's open alarms whose keys `stillTrue` does not hold (among those `inScope` says it judged). */
  settle(
    rule: StoredRule,
    stillTrue: ReadonlySet<string>,
    at: number,
    inScope?: (a: KeyedAlarm) => boolean,
  ): Promise<void>;
  clear(key: string, at: number, why: string): Promise<void>;
  ack(id: number, by: { who: string; note: string; ts: number }): Promise<Alarm>;
  open(): Iterable<KeyedAlarm>;
}

const publicAlarm = ({ key: _key, ...a }: KeyedAlarm): Alarm => a;

/**
 * The alarms' memory: rules, open alarms by condition key, persisted in the ledger on every state change; each
 * change goes to the live stream and the rule's webhook.
 */
export async function openAlarmBook(deps: {
  ledger: Ledger;
  webhooks: Webhooks;
  onChange: (alarm: Alarm) => void;
  log: Logger;
}): Promise<AlarmBook> {
  const { ledger, webhooks, log } = deps;
  let rules = await ledger.alarms.rules();
  const open = new Map((await ledger.alarms.open()).map((a) => [a.key, a]));
  const ruleOf = (id: string) => rules.find((r) => r.id === id);

  const changed = (a: KeyedAlarm) => {
    const alarm = publicAlarm(a);
    deps.onChange(alarm);
    const rule = ruleOf(a.rule);
    if (rule) webhooks.notify(rule, alarm);
  };

  const clearAlarm = async (a: KeyedAlarm, at: number, why: string) => {
    open.delete(a.key);
    const cleared: KeyedAlarm = {
      ...a,
      state: 'cleared',
      cleared_ts: at,
      detail: { ...a.detail, cleared_because: why },
    };
    await ledger.alarms.update(cleared);
    log.info({ event: 'alarm_cleared', rule: a.rule, key: a.key }, `alarm cleared: ${a.message} (${why})`);
    changed(cleared);
  };

  return {
    rules: () => rules,
    rulesWithDelivery: () => rules.map((r) => ({ ...r, delivery: webhooks.delivery(r.id) })),
    async putRule(rule) {
      await ledger.alarms.putRule(rule);
      rules = [...rules.filter((r) => r.id !== rule.id), rule].sort((a, b) => a.id.localeCompare(b.id));
    },
    async deleteRule(id) {
      if (!(await ledger.alarms.deleteRule(id))) throw new NotFoundError(`no alarm rule "${id}"`);
      rules = rules.filter((r) => r.id !== id);
      for (const a of [...open.values()]) if (a.rule === id) await clearAlarm(a, Date.now(), 'rule deleted');
    },
    async raise(rule, c, at) {
      const key = conditionKey(rule.id, c);
      const existing = open.get(key);
      if (existing) {
        existing.last_ts = at;
        if (existing.message === c.message) return;
        const updated = { ...existing, message: c.message, detail: c.detail };
        open.set(key, updated);
        await ledger.alarms.update(updated);
        changed(updated);
        return;
      }
      const alarm = await ledger.alarms.insert({
        key,
        rule: rule.id,
        kind: rule.kind,
        severity: rule.severity,
        ...c,
        state: 'active',
        last_ts: at,
        cleared_ts: null,
        ack: null,
      });
      open.set(key, alarm);
      log.warn({ event: 'alarm_raised', rule: rule.id, key, severity: rule.severity }, `alarm: ${c.message}`);
      changed(alarm);
    },
    async settle(rule, stillTrue, at, inScope = () => true) {
      for (const a of [...open.values()]) {
        if (a.rule === rule.id && !stillTrue.has(a.key) && inScope(a))
          await clearAlarm(a, at, 'condition ended');
      }
    },
    async clear(key, at, why) {
      const a = open.get(key);
      if (a) await clearAlarm(a, at, why);
    },
    async ack(id, { who, note, ts }) {
      const a = [...open.values()].find((o) => o.id === id) ?? (await ledger.alarms.get(id));
      if (!a) throw new NotFoundError(`no alarm ${id}`);
      if (a.ack)
        throw new ConflictError(
          `alarm ${id} was acknowledged by ${a.ack.who} at ${new Date(a.ack.ts).toISOString()}`,
        );
      const acked: KeyedAlarm = {
        ...a,
        state: a.state === 'cleared' ? 'cleared' : 'acknowledged',
        ack: { who, ts, note },
      };
      if (open.has(a.key)) open.set(a.key, acked);
      await ledger.alarms.update(acked);
      changed(acked);
      return publicAlarm(acked);
    },
    open: () => open.values(),
  };
}
