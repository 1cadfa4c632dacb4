import type { AgentEvent, AgentRef, InspectionResult } from '@sightline/protocol';
import type { ClockFlag } from './result-rows.ts';
import type { DeadLetterInput, InsertOutcome } from './types.ts';

/** Latest-value columns of `agents`, one per channel; the only names interpolated into SQL. */
export const AGENT_COLUMNS = ['birth', 'state', 'stats', 'model_status'] as const;
export type AgentColumn = (typeof AGENT_COLUMNS)[number];

/** The capture time a result is stored under, when ingest's clock check replaced the device's. */
export interface ResultTime {
  ts: number;
  clock: ClockFlag;
}

/** One write; a group commit covers many, each resolving only after its transaction committed. */
export type WriteOp =
  | {
      kind: 'results';
      ref: AgentRef;
      session: string;
      results: readonly InspectionResult[];
      receivedTs: number;
      /** Per result, parallel to `results`; absent = the device time as is. */
      times?: readonly ResultTime[];
    }
  | { kind: 'agent'; ref: AgentRef; column: AgentColumn; value: unknown; receivedTs: number }
  | { kind: 'event'; ref: AgentRef; event: AgentEvent; receivedTs: number }
  | { kind: 'dead-letter'; letter: DeadLetterInput }
  /** Raw rows captured before `before` are deleted (retention); rollups stay. */
  | { kind: 'prune'; before: number }
  /** Folds the raw tail into the rollups and seq_ranges (see commit.ts foldTail). */
  | { kind: 'fold' };

/** Results ops get their insert outcome, prune the rows it removed. */
export type OpOutcome = InsertOutcome | number | undefined;

/** Results an op carries, for backlog figures. */
export const opWeight = (op: WriteOp): number => (op.kind === 'results' ? op.results.length : 1);
