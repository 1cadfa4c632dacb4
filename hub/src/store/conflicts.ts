import { type AgentRef, agentKey, type InspectionResult, topics } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { Readers, Row } from './readers.ts';
import { VERDICT_NAME } from './rollup-sql.ts';
import type { DeadLetterInput } from './types.ts';

/** A redelivered (agent, seq): compared with the stored row after the commit, never on the way to a PUBACK. */
export interface Duplicate {
  ref: AgentRef;
  agentId: number;
  result: InspectionResult;
  /** The transaction that stored the first copy, when the recent-batch table still knows it. */
  batch?: number;
}

/**
 * Which transaction wrote each recently inserted (agent, seq): a fixed-size, lossy table (newer rows overwrite
 * older ones in their slot), so checking a redelivery usually reads only that transaction's row groups. Costs
 * a few typed-array writes per inserted row and 2.5 MB at the default size, whatever the fleet.
 */
export function createRecentBatches(bits = 17) {
  const mask = (1 << bits) - 1;
  const agents = new Int32Array(mask + 1).fill(-1);
  const seqs = new Float64Array(mask + 1);
  const batches = new Float64Array(mask + 1);
  const slot = (agentId: number, seq: number) => (Math.imul(agentId, 0x9e3779b1) ^ (seq | 0)) & mask;
  return {
    put(agentId: number, seq: number, batch: number): void {
      const i = slot(agentId, seq);
      agents[i] = agentId;
      seqs[i] = seq;
      batches[i] = batch;
    },
    get(agentId: number, seq: number): number | undefined {
      const i = slot(agentId, seq);
      return agents[i] === agentId && seqs[i] === seq ? batches[i] : undefined;
    },
  };
}
export type RecentBatches = ReturnType<typeof createRecentBatches>;

const COLUMNS = `r.seq::DOUBLE AS seq, r.frame, r.camera, r.verdict, r.score, r.device_ts::DOUBLE AS device_ts,
  m.id AS model_id, m.version AS model_version`;

/** What differs between a stored row and a redelivered result; [] when it is the same result. */
export function differences(row: Row, r: InspectionResult): string[] {
  const out: string[] = [];
  const check = (what: string, stored: unknown, sent: unknown) => {
    if (stored !== sent) out.push(`${what} ${JSON.stringify(stored)} → ${JSON.stringify(sent)}`);
  };
  check('frame', row.frame, r.frame);
  check('camera', row.camera ?? null, r.camera ?? null);
  check('verdict', VERDICT_NAME[Number(row.verdict)], r.verdict);
  check('score', row.score, r.score);
  check('ts', Number(row.device_ts), r.ts);
  check('model', `${row.model_id}@${row.model_version}`, `${r.model.id}@${r.model.version}`);
  return out;
}

export interface ConflictCounts {
  /** Redelivered results compared with what is stored. */
  checked: number;
  /** Of them, with other content than the stored result: kept as dead letters (SL_DUPLICATE_CONFLICT). */
  found: number;
  /** Redeliveries that could not be compared (row removed by retention, queue full, query failed). */
  unverified: number;
}

/**
 * Flags a duplicate seq whose content differs from the stored result (an agent that reused a seq, or a
 * corrupted resend): the stored row stays, the other copy becomes a dead letter `SL_DUPLICATE_CONFLICT` naming
 * what differs. Runs after commits on the read connections, a group at a time, so ingest never waits for it;
 * `replayed` is not compared (a resend sets it).
 */
export function createConflictCheck(deps: {
  readers: Pick<Readers, 'query'>;
  record: (letter: DeadLetterInput) => Promise<void>;
  log: Logger;
  now?: () => number;
  maxQueued?: number;
}) {
  const { readers, record, log, now = Date.now, maxQueued = 100_000 } = deps;
  const queue: Duplicate[] = [];
  const counts: ConflictCounts = { checked: 0, found: 0, unverified: 0 };
  let running: Promise<void> | undefined;
  const kick = () => {
    running ??= drain().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  };

  async function stored(
    agentId: number,
    group: Duplicate[],
    batches?: [number, number],
  ): Promise<Map<number, Row>> {
    const seqList = group.map((d) => d.result.seq);
    const params = [agentId, Math.min(...seqList), Math.max(...seqList)];
    const byBatch = batches ? ' AND r.batch BETWEEN $4 AND $5' : '';
    const rows = await readers.query(
      `SELECT ${COLUMNS} FROM results r JOIN models m USING (model_key)
       WHERE r.agent_id = $1 AND r.seq BETWEEN $2 AND $3${byBatch}`,
      batches ? [...params, batches[0], batches[1]] : params,
    );
    return new Map(rows.map((row) => [Number(row.seq), row]));
  }

  async function checkAgent(agentId: number, group: Duplicate[]): Promise<void> {
    const hinted = group.filter((d) => d.batch !== undefined);
    const span = hinted.map((d) => d.batch as number);
    const rows =
      hinted.length > 0
        ? await stored(agentId, hinted, [Math.min(...span), Math.max(...span)])
        : new Map<number, Row>();
    const missing = group.filter((d) => !rows.has(d.result.seq));
    if (missing.length > 0) for (const [seq, row] of await stored(agentId, missing)) rows.set(seq, row);
    for (const d of group) {
      const row = rows.get(d.result.seq);
      if (!row) {
        counts.unverified++;
        continue;
      }
      counts.checked++;
      const diff = differences(row, d.result);
      if (diff.length === 0) continue;
      counts.found++;
      const sender = agentKey(d.ref);
      const error = `seq ${d.result.seq} was stored already with other content (${diff.join('; ')}); the stored result stays, this copy is kept here. Does the agent reuse seqs (a restored state dir)?`;
      log.warn({ agent: sender, seq: d.result.seq, diff }, 'duplicate seq with different content');
      await record({
        ts: now(),
        topic: topics.results(d.ref),
        sender,
        code: 'SL_DUPLICATE_CONFLICT',
        error,
        payload: JSON.stringify(d.result),
      });
    }
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const group = queue.splice(0, 5000);
      const byAgent = new Map<number, Duplicate[]>();
      for (const d of group) byAgent.set(d.agentId, [...(byAgent.get(d.agentId) ?? []), d]);
      for (const [agentId, dups] of byAgent) {
        try {
          await checkAgent(agentId, dups);
        } catch (err) {
          counts.unverified += dups.length;
          log.warn({ err, agentId, n: dups.length }, 'could not compare duplicates with the stored results');
        }
      }
    }
  }

  return {
    counts: counts as Readonly<ConflictCounts>,
    /** Queues redeliveries from a commit; over maxQueued they are counted unverified instead. */
    enqueue(dups: readonly Duplicate[]): void {
      const room = Math.max(0, maxQueued - queue.length);
      queue.push(...dups.slice(0, room));
      counts.unverified += Math.max(0, dups.length - room);
      kick();
    },
    /** Resolves once everything queued was compared. */
    idle: async (): Promise<void> => {
      while (running) await running;
    },
  };
}
