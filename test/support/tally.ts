import type { InspectionResultInput } from '@sightline/protocol';
import type { StoredResult } from './hub-db.ts';

/** Created against stored, result by result, keyed by (agent, seq). */
export interface Tally {
  created: number;
  /** Distinct (agent, seq) stored that were created. */
  stored: number;
  /** Created, never stored. */
  lost: number;
  /** Extra rows for one (agent, seq), plus stored rows whose content differs from what was created. */
  duplicated: number;
  /** Of the lost, those the broker had acknowledged to the agent (its outbox let them go). */
  lostAcknowledged: number;
  /** Stored rows no agent created (a harness that missed a record, or a hub that made one up). */
  unexplained: number;
  /** The first few lost and mismatched keys, for the failure message. */
  examples: string[];
}

export interface AgentCreated {
  agent: string;
  created: Map<number, InspectionResultInput>;
  /** The agent's outbox watermark: every seq below it was confirmed by the hub (or dropped). */
  acked: number;
}

/** What identifies a result's content; `replayed` is set on resend and `ts` may be corrected by the hub. */
const sameContent = (c: InspectionResultInput, s: StoredResult) =>
  c.frame === s.frame && (c.camera ?? null) === s.camera && c.verdict === s.verdict && c.score === s.score;

export function tally(agents: readonly AgentCreated[], stored: readonly StoredResult[]): Tally {
  const rows = new Map<string, StoredResult[]>();
  for (const r of stored) {
    const key = `${r.agent}#${r.seq}`;
    rows.set(key, [...(rows.get(key) ?? []), r]);
  }
  const t: Tally = {
    created: 0,
    stored: 0,
    lost: 0,
    duplicated: 0,
    lostAcknowledged: 0,
    unexplained: 0,
    examples: [],
  };
  const note = (what: string) => {
    if (t.examples.length < 10) t.examples.push(what);
  };
  const known = new Set<string>();
  for (const { agent, created, acked } of agents) {
    for (const [seq, result] of created) {
      const key = `${agent}#${seq}`;
      known.add(key);
      t.created += 1;
      const found = rows.get(key) ?? [];
      if (found.length === 0) {
        t.lost += 1;
        if (seq < acked) t.lostAcknowledged += 1;
        note(`lost ${key}${seq < acked ? ' (acknowledged)' : ''}`);
        continue;
      }
      t.stored += 1;
      const wrong = found.filter((r) => !sameContent(result, r)).length;
      t.duplicated += found.length - 1 + wrong;
      if (found.length > 1 || wrong > 0) note(`${key}: ${found.length} row(s), ${wrong} with other content`);
    }
  }
  for (const [key, found] of rows) {
    if (known.has(key)) continue;
    t.unexplained += found.length;
    note(`stored but never created: ${key}`);
  }
  return t;
}
