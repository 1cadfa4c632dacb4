/**
 * How hard the fault scenarios push: `pnpm test` (CI) runs each at a small size, `pnpm test:faults`
 * sets SL_FAULTS_SCALE=full for the full counts. One code path; only the numbers change.
 */
export const FULL = process.env.SL_FAULTS_SCALE === 'full';

/** `ci` under `pnpm test`, `full` under `pnpm test:faults`. */
export const size = <T>(ci: T, full: T): T => (FULL ? full : ci);

/** Per-scenario limit: a hang guard only, far above what a run takes on a slow shared machine. */
export const SCENARIO_TIMEOUT_MS = size(10, 40) * 60_000;
