/**
 * Why a captured frame was not inspected:
 * - `pipeline_busy`: a newer frame came (live camera) while this one waited behind inference;
 * - `record_backlog`: the same, while the pipeline waited for the outbox's disk;
 * - `failed`: preprocessing or inference threw on it (logged);
 * - `stopped`: captured while the camera was being stopped.
 */
export type DropReason = 'pipeline_busy' | 'record_backlog' | 'failed' | 'stopped';

export type DropCounts = Record<DropReason, number>;

export const noDrops = (): DropCounts => ({ pipeline_busy: 0, record_backlog: 0, failed: 0, stopped: 0 });

/** Adds up drop counts (several cameras). */
export function sumDrops(all: readonly DropCounts[]): DropCounts {
  const sum = noDrops();
  for (const d of all) for (const k of Object.keys(sum) as DropReason[]) sum[k] += d[k];
  return sum;
}

export const totalDrops = (d: DropCounts) => Object.values(d).reduce((a, b) => a + b, 0);
