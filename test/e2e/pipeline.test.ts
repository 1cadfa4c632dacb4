import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub } from '@sightline/hub';
import { afterEach, describe, expect, it } from 'vitest';
import { apiJson } from '../support/credentials.ts';
import { finishFleet, type LineSpec, startFleet } from '../support/fleet.ts';
import { type Mosquitto, startMosquitto } from '../support/mosquitto.ts';
import { waitFor } from '../support/wait.ts';

const FRAMES = 300;
// Defects are injected by shuffled blocks of 100, so 300 parts hold exactly 3·round(100·rate) defects.
const LINES: LineSpec[] = [
  { line: 'line-a', defectRate: 0.05, seed: 101 },
  { line: 'line-b', defectRate: 0.2, seed: 202 },
];

interface LineRow {
  line: string;
  inspected: number;
  defects: number;
  defect_rate: number;
  truth_n: number;
  true_defect_rate: number | null;
  parts_per_min: number;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

async function runPipeline(broker: { mode: 'embedded' } | { mode: 'external'; url: string }) {
  const dir = await mkdtemp(join(tmpdir(), 'sl-e2e-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const hub = await startHub({
    broker:
      broker.mode === 'embedded' ? { mode: 'embedded', port: 0 } : { mode: 'external', url: broker.url },
    http: { port: 0 },
    store: { path: join(dir, 'hub.duckdb') },
    log: { level: 'silent' },
  });
  cleanups.push(() => hub.close());
  const agents = await startFleet({
    hub,
    brokerUrl: hub.mqttUrl,
    stateDir: join(dir, 'agents'),
    lines: LINES,
    frames: FRAMES,
  });
  const summaries = await finishFleet(agents);

  const lines = await waitFor('every published result to be stored', 20_000, async () => {
    const body = await apiJson<{ lines: LineRow[] }>(hub, '/api/lines?window=24h');
    const done = LINES.every((l) => body.lines.find((r) => r.line === l.line)?.inspected === FRAMES);
    return done ? body.lines : undefined;
  });
  return { hub, summaries, lines };
}

function expectLinesMatchGroundTruth(
  summaries: { published: number; defects: number; outbox_depth: number }[],
  lines: LineRow[],
) {
  LINES.forEach((spec, i) => {
    const summary = summaries[i];
    const row = lines.find((r) => r.line === spec.line);
    expect(summary?.published).toBe(FRAMES);
    expect(summary?.outbox_depth).toBe(0);
    // Stored exactly once: the hub counts each (agent, seq) one time.
    expect(row?.inspected).toBe(FRAMES);
    // The hub's defect count is the agent's verdict count, result for result.
    expect(row?.defects).toBe(summary?.defects);
    // Ground truth from the generator: exactly 3·round(100·rate) defective parts.
    const trueDefects = 3 * Math.round(100 * spec.defectRate);
    expect(row?.truth_n).toBe(FRAMES);
    expect(row?.true_defect_rate).toBeCloseTo(trueDefects / FRAMES, 10);
    // The model's verdicts agree with the truth to within 2 parts in 100.
    expect(Math.abs((row?.defect_rate ?? -1) - trueDefects / FRAMES)).toBeLessThanOrEqual(0.02);
    expect(row?.parts_per_min).toBeGreaterThan(0);
  });
}

describe('camera to stored result', () => {
  it('stores every result exactly once through the embedded broker, with ground-truth rates', async () => {
    const { hub, summaries, lines } = await runPipeline({ mode: 'embedded' });
    expectLinesMatchGroundTruth(summaries, lines);
    const health = (await (await fetch(`${hub.httpUrl}/api/health`)).json()) as {
      store: { results: number };
    };
    expect(health.store.results).toBe(FRAMES * LINES.length);
  }, 90_000);

  describe('with Mosquitto as the external broker', () => {
    let mosquitto: Mosquitto;
    it('stores every result exactly once', async () => {
      mosquitto = await startMosquitto();
      cleanups.push(() => mosquitto.stop());
      const { summaries, lines } = await runPipeline({ mode: 'external', url: mosquitto.url });
      expectLinesMatchGroundTruth(summaries, lines);
    }, 90_000);
  });
});
