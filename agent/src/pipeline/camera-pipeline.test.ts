import { defaultModelDir, loadModel, type Manifest } from '@sightline/models';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ActStage } from '../act/stage.ts';
import type { CapturedFrame, FrameSource } from '../capture/index.ts';
import { createDecisionPolicy } from '../decide/index.ts';
import type { InferenceEngine } from '../infer/engine.ts';
import { type ActiveModel, createModelSlot, type ModelSlot } from '../infer/model-slot.ts';
import { createRealClock } from '../line/clock.ts';
import { createMemoryOutbox } from '../outbox/memory-outbox.ts';
import { createPreprocessStage } from '../preprocess/index.ts';
import type { Recipe, RecipeBook } from '../recipes/recipe-book.ts';
import { createRecorder } from '../record/recorder.ts';
import { createRecordStage, type RecordStage } from '../record/stage.ts';
import { createSelectStage } from '../trigger/select-stage.ts';
import { type Stages, startCameraPipeline } from './camera-pipeline.ts';
import type { Inspection } from './inspection.ts';

const log = pino({ level: 'silent' });
const { manifest: base } = await loadModel(defaultModelDir());
/** A 2×2 grey model: the pipeline's own stages run for real; the engine is a stand-in. */
const manifest = {
  ...base,
  input: { ...base.input, shape: [1, 1, 2, 2], colour: 'gray', mean: [0], std: [1] },
} as Manifest;

/** Scores a frame by its first pixel (0-255 -> 0-1); `gate` holds a run until released. */
function engine(
  opts: { gate?: () => Promise<void>; failOn?: number; onRun?: () => void } = {},
): InferenceEngine {
  return {
    runtime: 'stand-in',
    outputNames: ['s'],
    async run(input) {
      opts.onRun?.();
      await opts.gate?.();
      const v = Math.round((input[0] ?? 0) * 255);
      if (v === opts.failOn) throw new Error(`cannot score pixel ${v}`);
      return { s: { data: Float32Array.of(v / 255), dims: [1, 1] } };
    },
    close: async () => undefined,
  };
}
const model = (e: InferenceEngine, version = '1'): ActiveModel => ({
  identity: { id: 'stand-in', version, sha256: 'c'.repeat(64) },
  manifest,
  engine: e,
  decoding: { kind: 'score', output: 's' },
});

/** A source of 2×2 grey frames of the given levels; `live` ones never wait for the pipeline. */
function source(levels: number[], live: boolean): FrameSource & { reads: number } {
  let i = 0;
  return {
    kind: 'test',
    live,
    reads: 0,
    open: async () => undefined,
    async read(): Promise<CapturedFrame | null> {
      this.reads += 1;
      const level = levels[i];
      if (level === undefined) return null;
      i += 1;
      // Let the event loop turn, as a real camera's read does.
      await new Promise((r) => setImmediate(r));
      return {
        id: `f${i - 1}`,
        ts: Date.now(),
        captureMs: 0,
        frame: { width: 2, height: 2, channels: 1, data: new Uint8Array(4).fill(level) },
      };
    },
    close: async () => undefined,
  };
}

/** A one-recipe book around a model slot, as the agent makes without `recipes:`. */
function bookOf(models: ModelSlot): RecipeBook {
  const recipe: Recipe = {
    id: 'default',
    models,
    policy: createDecisionPolicy({ defect: 0.5, uncertainBand: 0 }),
    camera: () => ({ regions: [{ name: 'frame', models }], captureDelayMs: 0 }),
  };
  return { current: () => recipe, all: () => [recipe], change: () => recipe, onChange: () => undefined };
}

function stagesWith(e: InferenceEngine, record?: RecordStage) {
  const outbox = createMemoryOutbox();
  let seq = 0;
  const acted: string[] = [];
  const act: ActStage = {
    act: (i: Inspection) => acted.push(`${i.captured.id}:${i.decision.verdict}`),
    late: () => 0,
    pending: () => 0,
    close: async () => 0,
  };
  const models = createModelSlot(model(e));
  const clock = createRealClock();
  const stages: Stages = {
    preprocess: createPreprocessStage(),
    select: createSelectStage({
      camera: 'cam0',
      trigger: { kind: 'free-run' },
      recipes: bookOf(models),
      clock,
      log,
    }),
    clock,
    identity: { identify: async () => ({ id: 'x', from: 'counter' }), noReads: () => 0 },
    act,
    record:
      record ??
      createRecordStage({
        recorder: createRecorder({
          seq: { next: async () => seq++ },
          outbox,
          live: () => true,
          onStored: () => undefined,
          onWriteError: () => undefined,
        }),
        log,
      }),
  };
  return { stages, outbox, acted, models };
}

const start = (src: FrameSource, stages: Stages) =>
  startCameraPipeline({
    camera: 'cam0',
    source: src,
    stallTimeoutMs: 10_000,
    stages,
    log,
    onStateChange: () => undefined,
  });

describe('camera pipeline', () => {
  it('takes every frame of a recording through the stages in order: decide by the policy, act, record', async () => {
    const { stages, outbox, acted } = stagesWith(engine());
    const p = start(source([10, 200, 30, 250], false), stages);
    await p.done;
    await stages.record.flush();
    const entries = await outbox.take(10);
    expect(entries.map((e) => [e.seq, e.result.frame, e.result.verdict])).toEqual([
      [0, 'f0', 'ok'],
      [1, 'f1', 'defect'],
      [2, 'f2', 'ok'],
      [3, 'f3', 'defect'],
    ]);
    expect(entries[1]?.result.score).toBeCloseTo(200 / 255, 6);
    expect(entries[1]?.result.model).toEqual({ id: 'stand-in', version: '1' });
    expect(acted).toEqual(['f0:ok', 'f1:defect', 'f2:ok', 'f3:defect']);
    expect(p.counts()).toMatchObject({ captured: 4, inspected: 4, dropped: { pipeline_busy: 0, failed: 0 } });
    expect(p.state).toBe('stopped');
  });

  it('live: frames that find inference busy are dropped as pipeline_busy; the newest is inspected', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { stages, outbox } = stagesWith(engine({ gate: () => gate }));
    const src = source([1, 2, 3, 4, 5, 6, 7, 8], true);
    const p = start(src, stages);
    // The first frame is in inference; capture runs on through the rest meanwhile.
    while (src.reads < 9) await new Promise((r) => setTimeout(r, 5));
    release();
    await p.done;
    await stages.record.flush();
    const c = p.counts();
    expect(c.captured).toBe(8);
    expect(c.inspected + c.dropped.pipeline_busy).toBe(8);
    expect(c.dropped.pipeline_busy).toBe(6);
    expect((await outbox.take(10)).map((e) => e.result.frame)).toEqual(['f0', 'f7']);
  });

  it('live: frames that come while the pipeline waits for the outbox are dropped as record_backlog', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let recorded = 0;
    const slowRecord: RecordStage = {
      record: async () => {
        await gate;
        recorded += 1;
      },
      backlog: () => 0,
      flush: async () => undefined,
    };
    const { stages } = stagesWith(engine(), slowRecord);
    const src = source([1, 2, 3, 4, 5, 6], true);
    const p = start(src, stages);
    while (src.reads < 7) await new Promise((r) => setTimeout(r, 5));
    release();
    await p.done;
    expect(p.counts().dropped).toMatchObject({ record_backlog: 4, pipeline_busy: 0 });
    expect(recorded).toBe(2);
  });

  it('counts a frame that fails inference as failed and goes on with the next', async () => {
    const { stages, outbox } = stagesWith(engine({ failOn: 30 }));
    const p = start(source([10, 30, 40], false), stages);
    await p.done;
    await stages.record.flush();
    expect(p.counts().dropped.failed).toBe(1);
    expect((await outbox.take(10)).map((e) => e.result.frame)).toEqual(['f0', 'f2']);
  });

  it('runs the model in the slot at each frame: a swap applies from the next frame on', async () => {
    let release!: () => void;
    let gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const { stages, outbox, models } = stagesWith(engine({ gate: () => gate, onRun: () => runs++ }));
    const p = start(source([10, 20, 30], false), stages);
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
    await models.swap(model(engine(), '2'));
    const first = release;
    gate = Promise.resolve();
    first();
    await p.done;
    await stages.record.flush();
    expect((await outbox.take(10)).map((e) => e.result.model.version)).toEqual(['1', '2', '2']);
  });
});
