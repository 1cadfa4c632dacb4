import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createMemoryOutbox } from '../outbox/memory-outbox.ts';
import type { Inspection } from '../pipeline/inspection.ts';
import { createRecorder } from './recorder.ts';
import { createRecordStage, type SampleKeeper } from './stage.ts';

const inspection = (id: string, verdict: 'ok' | 'defect' = 'ok'): Inspection => ({
  camera: 'cam0',
  captured: {
    id,
    ts: 1000,
    captureMs: 1,
    frame: { width: 1, height: 1, channels: 1, data: new Uint8Array(1) },
  },
  inferred: { score: verdict === 'defect' ? 0.9 : 0.1, model: { id: 'm', version: '1' }, inferMs: 2 },
  decision: { verdict, score: verdict === 'defect' ? 0.9 : 0.1, threshold: 0.5 },
  latency: { capture: 1, preprocess: 1, infer: 2, total: 5 },
});

function setup(samples?: SampleKeeper) {
  const outbox = createMemoryOutbox();
  let seq = 100;
  const recorder = createRecorder({
    seq: { next: async () => seq++ },
    outbox,
    live: () => true,
    onStored: () => undefined,
    onWriteError: () => undefined,
  });
  return {
    outbox,
    stage: createRecordStage({
      recorder,
      ...(samples ? { samples } : {}),
      log: pino({ level: 'silent' }),
      maxBacklog: 2,
    }),
  };
}

describe('record stage', () => {
  it('records in verdict order even when an earlier sample takes longer to save, and tells the keeper its seq', async () => {
    const releases: (() => void)[] = [];
    const told: [string, number][] = [];
    const keeper: SampleKeeper = {
      keep: (i) =>
        i.decision.verdict === 'defect'
          ? new Promise((r) => releases.push(() => r({ image: `sha256:${i.captured.id}` })))
          : Promise.resolve(undefined),
      recorded: (s, seq) => told.push([s.image, seq]),
    };
    const { outbox, stage } = setup(keeper);
    await stage.record(inspection('a', 'defect'));
    await stage.record(inspection('b'));
    expect(stage.backlog()).toBe(2);
    releases[0]?.();
    await stage.flush();
    const entries = await outbox.take(10);
    expect(entries.map((e) => [e.seq, e.result.frame, e.result.image])).toEqual([
      [100, 'a', 'sha256:a'],
      [101, 'b', undefined],
    ]);
    expect(told).toEqual([['sha256:a', 100]]);
    expect(entries[0]?.result).toMatchObject({
      camera: 'cam0',
      verdict: 'defect',
      score: 0.9,
      threshold: 0.5,
      ts: 1000,
    });
  });

  it('makes the pipeline wait only once maxBacklog inspections are queued', async () => {
    let release!: () => void;
    const gate = new Promise<undefined>((r) => (release = () => r(undefined)));
    const { stage } = setup({ keep: () => gate, recorded: () => undefined });
    await stage.record(inspection('a'));
    await stage.record(inspection('b'));
    let third = false;
    const waiting = stage.record(inspection('c')).then(() => {
      third = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    release();
    await waiting;
    expect(third).toBe(true);
  });
});
