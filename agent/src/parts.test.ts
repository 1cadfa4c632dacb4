// Parts, not frames: the agent on a simulated conveyor (simulated clock, so nothing here depends on the
// machine's speed) — one result per part, rejects in their own window, recipe changeover.
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir } from '@sightline/models';
import type { InspectionResultInput } from '@sightline/protocol';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from './agent.ts';
import { createBelt, PART_SIZE } from './capture/conveyor/belt.ts';
import { ConveyorSourceConfig } from './capture/conveyor/config.ts';
import { type AgentConfigInput, parseAgentConfig } from './config/index.ts';
import { readOutbox } from './outbox/index.ts';
import { startTestBroker, type TestBroker } from './session/test-broker.ts';

const log = pino({ level: process.env.SL_TEST_LOG ?? 'silent' }, pino.destination(2));
// The simulated clock starts now: the outbox drops results older than its maxAgeHours.
const START = Math.floor(Date.now() / 1000) * 1000;
let broker: TestBroker;
let dir: string;
beforeAll(async () => {
  broker = await startTestBroker();
  dir = await mkdtemp(join(tmpdir(), 'sl-parts-'));
});
afterAll(async () => {
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

type Conveyor = Partial<ConveyorSourceConfig>;
let runs = 0;

/** Runs an agent over `parts` parts of a simulated conveyor; returns its results (kept in its outbox: no hub is online). */
async function run(
  conveyor: Conveyor,
  parts: number,
  extra: Partial<AgentConfigInput> = {},
  camera: object = {},
) {
  const stateDir = join(dir, `run-${runs++}`);
  const config = parseAgentConfig({
    site: 'test',
    line: 'line-1',
    agent: 'agent-1',
    stateDir,
    inference: { runtime: 'onnxruntime-node' },
    cameras: [
      {
        id: 'cam0',
        source: { kind: 'conveyor', clock: 'simulated', startTs: START, ...conveyor },
        trigger: { kind: 'conveyor' },
        regions: [{ name: 'plate', x: 192, y: 0, w: 256, h: 256 }],
        identity: { from: 'code', code: { region: { x: 192, y: 256, w: 256, h: 64 } } },
        ...camera,
      },
    ],
    ...extra,
  });
  const agent = await startAgent({ config, log, frameLimit: parts, mqttClient: broker.memoryClient() });
  await agent.sourcesDone;
  const summary = await agent.stop(0);
  const results = (await readOutbox(stateDir)).pending as InspectionResultInput[];
  return { summary, results };
}

/** The simulation's own truth: each part's id, truth (by its image's defects) and photo-eye time. */
function simulated(conveyor: Conveyor, parts: number) {
  const c = ConveyorSourceConfig.parse({ kind: 'conveyor', clock: 'simulated', ...conveyor });
  const belt = createBelt({
    ...c,
    photoEyeX: c.photoEyeX ?? c.width / 2,
    idPrefix: c.idPrefix ?? `P${c.seed}-`,
  });
  return { belt, ids: Array.from({ length: parts }, (_, n) => belt.part(n).id) };
}

describe('parts on a simulated conveyor', () => {
  it("gives exactly one result per part at 30 fps and 2 parts/s: same count, same ids as the simulation, ids read from each part's code", async () => {
    const conveyor = { seed: 21, fps: 30, partsPerMin: 120, gaps: 0.15, defectRate: 0.2 };
    const { results, summary } = await run(conveyor, 40);
    const { ids } = simulated(conveyor, 40);
    expect(results.map((r) => r.part?.id)).toEqual(ids);
    expect(results.every((r) => r.part?.from === 'code')).toBe(true);
    expect(summary.parts).toEqual({ triggered: 40, inspected: 40, missed: 0, late: 0 });
    // Each part's frame is the one nearest its photo-eye edge: within half a frame (16.7 ms).
    for (const r of results) {
      expect(r.trigger?.kind).toBe('conveyor');
      expect(Math.abs(r.trigger?.delay ?? 99)).toBeLessThanOrEqual(1000 / 30 / 2 + 0.1);
      expect(r.regions?.map((g) => g.name)).toEqual(['plate']);
      expect(r.recipe).toBe('default');
    }
    // Per part, not per frame: the camera made ~600 frames for these 40 parts.
    expect(summary.frames).toBeGreaterThan(400);
    // The model sees each part as trained: its verdicts match the simulation's truth.
    const wrong = results.filter((r) => (r.verdict === 'defect') !== (r.truth === 'defect'));
    expect(wrong).toEqual([]);
    expect(results.filter((r) => r.truth === 'defect').length).toBeGreaterThan(4);
  }, 60_000);

  it('finds the same parts by presence in the image (OpenCV) as by the photo-eye', async () => {
    const conveyor = { seed: 21, fps: 30, partsPerMin: 120, gaps: 0.15, defectRate: 0.2 };
    const { results, summary } = await run(
      conveyor,
      12,
      {},
      { trigger: { kind: 'presence', region: { x: 32, y: 0, w: 576, h: 256 } } },
    );
    expect(results.map((r) => r.part?.id)).toEqual(simulated(conveyor, 12).ids);
    expect(results.every((r) => r.trigger?.kind === 'presence' && r.trigger.delay === 0)).toBe(true);
    expect(summary.parts.missed).toBe(0);
  }, 60_000);
});

/** A reject gate: an HTTP action's receiver, keeping every reject it is sent. */
async function gate(): Promise<{ url: string; rejects: { part: string; due: number }[]; server: Server }> {
  const rejects: { part: string; due: number }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const { part, due } = JSON.parse(body) as { part: string; due: number };
      rejects.push({ part, due });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/reject`, rejects, server };
}

describe('reject timing', () => {
  // The gate sits 3.5 pitches downstream of the photo-eye; a part is in front of it while its plate
  // (184 px of its 256) passes.
  const GATE_PX = 3.5 * 288;
  const PLATE_HALF = 92;

  it.each([
    { rate: 60, fps: 30, timing: 'delayMs' },
    { rate: 600, fps: 120, timing: 'delayMs' },
    { rate: 600, fps: 120, timing: 'delayCounts, belt speed varying ±20 %' },
  ])(
    'every defective part is rejected in its own window at $rate parts/min ($timing)',
    async ({ rate, fps, timing }) => {
      const byCounts = timing.startsWith('delayCounts');
      const conveyor = {
        seed: 7,
        fps,
        partsPerMin: rate,
        gaps: 0.1,
        defectRate: 0.25,
        ...(byCounts ? { speedVariation: 0.2 } : {}),
      };
      const { belt, ids } = simulated(conveyor, 24);
      const g = await gate();
      try {
        const delayMs = (GATE_PX / belt.speedPxPerS) * 1000;
        const action = byCounts
          ? { kind: 'http' as const, url: g.url, delayCounts: GATE_PX, windowCounts: PLATE_HALF }
          : { kind: 'http' as const, url: g.url, delayMs, windowMs: (PLATE_HALF / belt.speedPxPerS) * 1000 };
        const { results, summary } = await run(
          conveyor,
          24,
          { actions: [action] },
          byCounts ? { encoder: { kind: 'conveyor' } } : {},
        );
        await waitFor(() => g.rejects.length === results.filter((r) => r.verdict === 'defect').length);
        const defective = results.filter((r) => r.verdict === 'defect').map((r) => r.part?.id);
        expect(defective.length).toBeGreaterThan(3);
        expect(results.filter((r) => r.truth === 'defect').map((r) => r.part?.id)).toEqual(defective);
        expect(g.rejects.map((r) => r.part)).toEqual(defective);
        expect(summary.parts.late).toBe(0);
        // Each reject fires while its own part — and no other — is in front of the gate.
        const eyeX = 640 / 2;
        for (const reject of g.rejects) {
          const n = ids.indexOf(reject.part);
          const at = byCounts ? belt.timeAt(reject.due) : (reject.due - START) / 1000;
          const x = belt.travel(at) + belt.part(n).offset;
          expect(Math.abs(x - (eyeX + GATE_PX))).toBeLessThanOrEqual(PLATE_HALF);
          for (let m = 0; m < 24; m++) {
            if (m === n) continue;
            expect(Math.abs(belt.travel(at) + belt.part(m).offset - (eyeX + GATE_PX))).toBeGreaterThan(
              PART_SIZE / 2,
            );
          }
        }
      } finally {
        g.server.close();
      }
    },
    60_000,
  );
});

async function waitFor(what: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!what()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for rejects');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A copy of the default model's fp32 twin as a model of its own (another id, version and file). */
async function secondModel(): Promise<string> {
  const modelDir = join(dir, 'model-b');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(modelDir, { recursive: true });
  await copyFile(join(defaultModelDir(), 'model.fp32.onnx'), join(modelDir, 'model.onnx'));
  const manifest = JSON.parse(await readFile(join(defaultModelDir(), 'manifest.json'), 'utf8'));
  const bytes = await readFile(join(modelDir, 'model.onnx'));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFile(
    join(modelDir, 'manifest.json'),
    JSON.stringify({ ...manifest, id: 'plate-b-model', version: '1.0.0', sha256 }),
  );
  return modelDir;
}

describe('recipes', () => {
  it('a product change on the line switches model and thresholds from the first part of the new product', async () => {
    const conveyor = {
      seed: 8,
      fps: 30,
      partsPerMin: 120,
      gaps: 0,
      recipes: [
        { recipe: 'plate-a', parts: 5 },
        { recipe: 'plate-b', parts: 5 },
      ],
    };
    const { results, summary } = await run(conveyor, 15, {
      recipes: [
        { id: 'plate-a', index: 1 },
        { id: 'plate-b', index: 2, model: { dir: await secondModel() }, thresholds: { defect: 0.3 } },
      ],
    });
    const want = Array.from({ length: 15 }, (_, n) => (Math.floor(n / 5) % 2 === 0 ? 'plate-a' : 'plate-b'));
    expect(results.map((r) => r.recipe)).toEqual(want);
    for (const r of results) {
      if (r.recipe === 'plate-a') {
        expect(r.model).toEqual({ id: 'default', version: '2.0.0' });
        expect(r.threshold).toBeCloseTo(0.7524, 4);
      } else {
        expect(r.model).toEqual({ id: 'plate-b-model', version: '1.0.0' });
        expect(r.threshold).toBe(0.3);
      }
    }
    expect(summary.recipe).toBe('plate-a');
  }, 60_000);
});
