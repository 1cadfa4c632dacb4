import type { Outbox } from './outbox/index.ts';
import type { CameraPipeline } from './pipeline/camera-pipeline.ts';
import { type DropCounts, sumDrops, totalDrops } from './pipeline/drops.ts';
import type { Publisher } from './publish/publisher.ts';
import type { Sampling } from './samples/sampling.ts';

/** The run's totals: the last stdout line of `sightline-agent run`. */
export interface AgentSummary {
  /** Frames captured; `dropped` of them were not inspected, `dropped_by` says why. */
  frames: number;
  dropped: number;
  dropped_by: DropCounts;
  results: number;
  published: number;
  defects: number;
  truth_defects: number;
  outbox_depth: number;
  outbox_dropped: number;
  /** Parts announced (by a trigger, or free-running frames), inspected, missed (no usable frame), and verdicts too late for their reject window. */
  parts: { triggered: number; inspected: number; missed: number; late: number };
  /** The recipe in force. */
  recipe: string;
  /** With samples on: saved, uploaded, and still waiting to be sent. */
  samples?: { saved: number; uploaded: number; pending: number };
}

export function summarise(
  pipelines: readonly CameraPipeline[],
  counts: { results: number; defects: number; truth_defects: number },
  publisher: Publisher,
  outbox: Outbox,
  sampling: Sampling | undefined,
  recipe: string,
): AgentSummary {
  const each = pipelines.map((p) => p.counts());
  const parts = { triggered: 0, inspected: 0, missed: 0, late: 0 };
  for (const c of each) for (const k of Object.keys(parts) as (keyof typeof parts)[]) parts[k] += c.parts[k];
  const dropped = sumDrops(each.map((c) => c.dropped));
  return {
    ...counts,
    frames: each.reduce((n, c) => n + c.captured, 0),
    dropped: totalDrops(dropped),
    dropped_by: dropped,
    parts,
    recipe,
    published: publisher.published(),
    outbox_depth: outbox.depth(),
    outbox_dropped: outbox.dropped(),
    ...(sampling ? { samples: sampling.counts() } : {}),
  };
}
