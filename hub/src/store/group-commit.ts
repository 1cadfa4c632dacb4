import { StoreRejectedError, StoreUnavailableError } from '../errors.ts';
import { type OpOutcome, opWeight, type WriteOp } from './write-ops.ts';

/**
 * Group commit: every write submitted while a transaction runs joins the next one, so the commit rate adapts to
 * the load (one op alone commits at once; under load each commit takes everything queued, up to a cap). Each
 * op's promise settles after its own transaction, which is when ingest may acknowledge the message.
 *
 * States: `ready` → `committing` → `ready`; a failure that is not the op's own fault (I/O, disk full) moves to
 * `failing` until `retryAt`: ops are then refused at once (their senders keep them and resend), and the first
 * batch after retryAt is the probe that brings the store back.
 */
export type WriterState = 'ready' | 'committing' | 'failing';

export interface WriterStatus {
  state: WriterState;
  /** Ops waiting for a transaction, and the results they carry. */
  backlog: { ops: number; results: number };
  /** Age of the oldest op not yet committed (ms); 0 when nothing waits. */
  commitLagMs: number;
  commits: number;
  /** Transactions that failed (each failed op is refused, never acknowledged). */
  failures: number;
  /** Ops refused because they failed alone while the store worked (they get dead-lettered by ingest). */
  rejected: number;
  lastError: string | null;
  lastCommitMs: number;
  lastCommitOps: number;
  /** When the next attempt may run while failing (epoch ms). */
  retryAt: number | null;
}

interface Pending {
  op: WriteOp;
  at: number;
  resolve(outcome: OpOutcome): void;
  reject(error: Error): void;
}

export interface GroupCommitOptions {
  commit(ops: readonly WriteOp[]): Promise<OpOutcome[]>;
  /** Results per transaction at most; more wait for the next one. */
  maxBatchResults?: number;
  /** First and longest wait before retrying after an I/O failure. */
  retryMs?: { first: number; max: number };
  now?: () => number;
  /** Called after each successful commit (live stream, metrics). */
  onCommit?(info: { ops: readonly WriteOp[]; outcomes: readonly OpOutcome[]; ms: number }): void;
  onFailure?(error: Error, kind: 'unavailable' | 'rejected'): void;
}

/** Errors that say the disk or file is the problem, not the data. */
export function isStorageFailure(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /IO Error|No space left|disk|Could not (write|read|open)|invalidated|FATAL|out of memory/i.test(
    text,
  );
}

export function createGroupCommit(options: GroupCommitOptions) {
  const { commit, maxBatchResults = 50_000, retryMs = { first: 500, max: 15_000 }, now = Date.now } = options;
  const queue: Pending[] = [];
  let queuedResults = 0;
  let state: WriterState = 'ready';
  let retryAt: number | null = null;
  let backoff = retryMs.first;
  let scheduled = false;
  let inflightSince: number | undefined;
  const drained: Array<() => void> = [];
  const status: Omit<WriterStatus, 'state' | 'backlog' | 'commitLagMs' | 'retryAt'> = {
    commits: 0,
    failures: 0,
    rejected: 0,
    lastError: null,
    lastCommitMs: 0,
    lastCommitOps: 0,
  };

  function take(): Pending[] {
    let results = 0;
    let n = 0;
    for (; n < queue.length; n++) {
      const w = opWeight((queue[n] as Pending).op);
      if (n > 0 && results + w > maxBatchResults) break;
      results += w;
    }
    queuedResults -= results;
    // One splice: shifting op by op moved the whole backlog once per op (tens of thousands of single-result ops).
    return queue.splice(0, n);
  }

  function schedule() {
    if (scheduled || state === 'committing' || queue.length === 0) return;
    scheduled = true;
    // setImmediate: ops submitted in the same turn of the event loop join this transaction.
    setImmediate(run);
  }

  function failAll(batch: Pending[], error: Error) {
    for (const p of batch) p.reject(error);
  }

  function unavailable(cause: unknown): StoreUnavailableError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new StoreUnavailableError(
      `the store cannot write (${reason}); nothing is acknowledged until it can: free disk space or fix the database file, the hub retries by itself`,
      { cause },
    );
  }

  async function attempt(batch: Pending[]): Promise<void> {
    const started = now();
    inflightSince = batch[0]?.at;
    const ops = batch.map((p) => p.op);
    try {
      const outcomes = await commit(ops);
      for (const [i, p] of batch.entries()) p.resolve(outcomes[i]);
      status.commits++;
      status.lastCommitMs = now() - started;
      status.lastCommitOps = ops.length;
      backoff = retryMs.first;
      options.onCommit?.({ ops, outcomes, ms: status.lastCommitMs });
    } catch (cause) {
      status.failures++;
      status.lastError = cause instanceof Error ? cause.message : String(cause);
      if (isStorageFailure(cause)) {
        state = 'failing';
        retryAt = now() + backoff;
        backoff = Math.min(backoff * 2, retryMs.max);
        const error = unavailable(cause);
        options.onFailure?.(error, 'unavailable');
        failAll(batch, error);
        failAll(queue.splice(0), error);
        queuedResults = 0;
        return;
      }
      if (batch.length === 1) {
        status.rejected++;
        const reason = cause instanceof Error ? cause.message : String(cause);
        const error = new StoreRejectedError(`the store refused this message: ${reason}`, { cause });
        options.onFailure?.(error, 'rejected');
        (batch[0] as Pending).reject(error);
        return;
      }
      // One op spoiled the transaction: commit each alone, so only that one is refused.
      for (const p of batch) {
        if (state === 'failing') p.reject(unavailable(status.lastError));
        else await attempt([p]);
      }
    }
  }

  async function run() {
    scheduled = false;
    if (state === 'committing' || queue.length === 0) return;
    if (state === 'failing') state = 'ready';
    state = 'committing';
    try {
      while (queue.length > 0 && state === 'committing') await attempt(take());
    } finally {
      inflightSince = undefined;
      if (state === 'committing') state = 'ready';
      if (queue.length === 0) for (const done of drained.splice(0)) done();
      schedule();
    }
  }

  return {
    submit(op: WriteOp): Promise<OpOutcome> {
      if (state === 'failing' && retryAt !== null && now() < retryAt) {
        return Promise.reject(unavailable(status.lastError));
      }
      return new Promise<OpOutcome>((resolve, reject) => {
        queue.push({ op, at: now(), resolve, reject });
        queuedResults += opWeight(op);
        schedule();
      });
    },
    status(): WriterStatus {
      const oldest = inflightSince ?? queue[0]?.at;
      return {
        ...status,
        state,
        backlog: { ops: queue.length, results: queuedResults },
        commitLagMs: oldest === undefined ? 0 : now() - oldest,
        retryAt: state === 'failing' ? retryAt : null,
      };
    },
    /** Resolves once nothing is queued or committing. */
    drain(): Promise<void> {
      if (queue.length === 0 && state !== 'committing') return Promise.resolve();
      return new Promise((resolve) => drained.push(resolve));
    },
  };
}
