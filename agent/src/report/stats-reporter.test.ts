import { Stats } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import { noDrops } from '../pipeline/drops.ts';
import { statsMessage } from './stats-reporter.ts';
import { createStatsWindow } from './stats-window.ts';

describe('stats message', () => {
  it('reports drops by reason and in total, rates and stage percentiles, and validates', async () => {
    const window = createStatsWindow();
    for (let i = 1; i <= 100; i++) window.result({ capture: 1, preprocess: 2, infer: i, total: i + 3 });
    const drops = { ...noDrops(), pipeline_busy: 3, failed: 1 };
    const msg = await statsMessage(
      window,
      {
        captured: 104,
        drops,
        runtime: 'onnxruntime-node',
        outbox: { depth: 2, dropped: 0 },
        cameras: [{ id: 'cam0', source: 'synthetic', state: 'running' }],
      },
      performance.now() - 5000,
      async () => 48.5,
    );
    expect(msg.dropped).toBe(4);
    expect(msg.drops).toEqual(drops);
    expect(msg.stages?.infer.p50).toBe(51);
    expect(msg.latency.p99).toBe(103);
    expect(msg.temperature_c).toBe(48.5);
    expect(msg.uptime_s).toBeGreaterThanOrEqual(5);
    expect(Stats.safeParse({ ...msg, session: 's' }).success).toBe(true);
  });
});
