import type { DuckDBConnection } from '@duckdb/node-api';
import { type AlarmStore, createAlarmStore } from './alarms.ts';
import { type BaselineStore, createBaselineStore } from './baselines.ts';
import { createLedgerDb } from './db.ts';
import { createLabelStore, type LabelStore } from './labels.ts';
import { createLineModes, type LineModes } from './modes.ts';
import { createRoiInputStore, type RoiInputStore } from './roi-inputs.ts';

export type { AlarmQuery, AlarmStore, KeyedAlarm, StoredRule } from './alarms.ts';
export type { BaselineStore } from './baselines.ts';
export type { LabelQuery, LabelStore, ResultKey } from './labels.ts';
export type { LineModes, LineRef, StoredLineMode } from './modes.ts';
export { lineKey, noRoiInputs, ROI_INPUT_NAMES, type RoiInputStore } from './roi-inputs.ts';

/** What people enter and decide, on the hub's database (tables in schema.ts, migration 3 of the store). */
export interface Ledger {
  modes: LineModes;
  inputs: RoiInputStore;
  baselines: BaselineStore;
  labels: LabelStore;
  alarms: AlarmStore;
  close(): void;
}

/** Opens the ledger on a connection of its own to the hub's database (the store has run its migrations). */
export async function openLedger(connect: () => Promise<DuckDBConnection>): Promise<Ledger> {
  const db = createLedgerDb(await connect());
  return {
    modes: createLineModes(db),
    inputs: createRoiInputStore(db),
    baselines: createBaselineStore(db),
    labels: createLabelStore(db),
    alarms: createAlarmStore(db),
    close: () => db.close(),
  };
}
