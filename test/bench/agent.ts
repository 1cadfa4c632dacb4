/**
 * pnpm bench:agent — the agent pipeline on the synthetic source with the default model, in its own
 * process (as deployed), publishing over MQTT to a broker (the hub's embedded aedes) and a subscriber
 * that keeps each result's capture time and latency. The hub's DuckDB is left out: it would share the
 * agent's two cores here, where in a plant it runs on another machine. Prints one JSON line at the end:
 * - infer_only_fps: the model alone, back to back on prepared inputs (same runtime and threads as the agent);
 * - pipeline_fps: the whole pipeline on frames replayed from memory as a camera hands them over
 *   (synthetic `prerender`), so the renderer's cost is not counted; renderer_fps beside it;
 *   pipeline_vs_infer = pipeline_fps / infer_only_fps (1.0: the pipeline costs nothing beyond the model);
 * - fps, p50_ms, p99_ms: full speed with the renderer drawing every part;
 * - paced: one camera at 60 fps; two_cameras: two cameras at 30 fps each (latency percentiles, drops);
 * - rss_mb, and the runtime and int8 comparisons.
 */
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createOrtNodeEngine, createOrtWebEngine, measureEngine } from '@sightline/agent';
import { createEmbeddedBroker } from '@sightline/hub';
import {
  createPartStream,
  createPreprocessor,
  defaultModelDir,
  type LoadedModel,
  loadModel,
  preprocessFrame,
} from '@sightline/models';
import { buildMobileNetV2, FP32_TWIN, quantizeStatic } from '@sightline/models/tooling';
import { encode, HubState, topics } from '@sightline/protocol';
import mqtt from 'mqtt';
import { spawnAgent } from '../support/agent-process.ts';
import { tempDir } from '../support/hub.ts';
import { waitFor } from '../support/wait.ts';
import { type CpuSample, cpuSample } from './thread-cpu.ts';

const FRAMES = Number(process.env.SL_BENCH_FRAMES ?? 1500);
const PACED_FPS = 60;

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Median latency of a model file in both runtimes, same input. */
async function runtimes(bytes: Uint8Array, input: { name: string; shape: number[] }, output: string) {
  const opts = { model: bytes, inputName: input.name, outputName: output, threads: 1 };
  const node = await createOrtNodeEngine(opts);
  const web = await createOrtWebEngine(opts);
  const nodeMs = await measureEngine(node, input.shape, 200);
  const webMs = await measureEngine(web, input.shape, 100);
  await node.close();
  await web.close();
  return { nodeMs, webMs };
}

interface Phase {
  rows: { ts: number; latency_total: number }[];
  rss: number[];
  runtime: string;
  /** CPU samples of the agent process with the results received so far. */
  cpu: (CpuSample & { results: number })[];
  /** Frames captured but not inspected, and results made, from the agent's summary. */
  dropped: number;
  results: number;
}

/** One agent process on synthetic cameras (fps 0 = full speed) for `frames` frames each. */
async function runPhase(
  dir: string,
  hubUrl: string,
  agentId: string,
  fps: number,
  frames: number,
  opts: { cameras?: number; prerender?: number; received?: () => number } = {},
): Promise<Phase> {
  const hub = { mqttUrl: hubUrl };
  const agent = await spawnAgent(
    dir,
    {
      site: 'bench',
      line: 'line-1',
      agent: agentId,
      broker: { url: hub.mqttUrl },
      stateDir: join(dir, agentId),
      ...(process.env.SL_BENCH_RUNTIME ? { inference: { runtime: process.env.SL_BENCH_RUNTIME } } : {}),
      cameras: Array.from({ length: opts.cameras ?? 1 }, (_, i) => ({
        id: `cam${i}`,
        source: { kind: 'synthetic', seed: 1 + i, fps, prerender: opts.prerender ?? 0 },
      })),
    },
    ['--frames', String(frames)],
  );
  const rss: number[] = [];
  const cpu: Phase['cpu'] = [];
  const sampler = setInterval(async () => {
    const pid = agent.child.pid;
    const mb = pid ? await rssMb(pid) : Number.NaN;
    if (Number.isFinite(mb)) rss.push(mb);
    const c = pid ? await cpuSample(pid) : undefined;
    if (c) cpu.push({ ...c, results: opts.received?.() ?? 0 });
  }, 100);
  const done = await agent.exited;
  clearInterval(sampler);
  if (done.code !== 0) throw new Error(`agent failed (${done.code}): ${done.stderr.slice(-2000)}`);
  const runtime =
    /"runtime_selected".*?"runtime":"([^"]+)"/.exec(done.stderr)?.[1] ?? process.env.SL_BENCH_RUNTIME ?? '?';
  const summary = JSON.parse(done.stdout.trim().split('\n').at(-1) ?? '{}') as {
    dropped?: number;
    results?: number;
  };
  return {
    rows: [],
    rss,
    cpu,
    runtime,
    dropped: summary.dropped ?? Number.NaN,
    results: summary.results ?? 0,
  };
}

/**
 * CPU ms per frame of the agent's main thread (where inference runs) and of the whole process, over the
 * middle of a run (from 10 % to 90 % of its results), so start-up and shutdown are left out. Unlike
 * wall-clock rates, CPU time barely changes when other work shares the machine.
 */
function cpuPerFrame(p: Phase): { main: number; all: number } {
  const n = p.results;
  const first = p.cpu.find((c) => c.results >= 0.1 * n);
  const last = p.cpu.findLast((c) => c.results <= 0.9 * n);
  if (!first || !last || last.results <= first.results) return { main: Number.NaN, all: Number.NaN };
  const frames = last.results - first.results;
  return { main: (last.mainMs - first.mainMs) / frames, all: (last.allMs - first.allMs) / frames };
}

/** Frames per second of a phase's stored results, first capture to last. */
function fpsOf(rows: Phase['rows']): number {
  const ts = rows.map((r) => r.ts).sort((a, b) => a - b);
  return rows.length > 1 ? (rows.length - 1) / (((ts.at(-1) ?? 0) - (ts[0] ?? 0)) / 1000) : 0;
}

/** The model alone, back to back on prepared inputs: what the pipeline would reach if it cost nothing else. */
async function inferOnly(
  model: LoadedModel,
  runtime: string,
  runs = 600,
): Promise<{ fps: number; cpuMs: number }> {
  const { input, output } = model.manifest;
  const opts = { model: model.bytes, inputName: input.name, outputName: output.name, threads: 1 };
  const engine =
    runtime === 'onnxruntime-web' ? await createOrtWebEngine(opts) : await createOrtNodeEngine(opts);
  const prepare = createPreprocessor(input);
  const parts = createPartStream({ seed: 1, defectRate: 0.05, width: 256, height: 256 });
  const tensors = Array.from({ length: 50 }, () => prepare(parts.next().frame));
  for (const t of tensors.slice(0, 10)) await engine.run(t, input.shape);
  const cpuBefore = await cpuSample(process.pid);
  const start = performance.now();
  for (let i = 0; i < runs; i++) await engine.run(tensors[i % tensors.length] as Float32Array, input.shape);
  const fps = runs / ((performance.now() - start) / 1000);
  const cpuAfter = await cpuSample(process.pid);
  await engine.close();
  // One intra-op thread: ONNX Runtime runs in the calling (main) thread.
  return { fps, cpuMs: ((cpuAfter?.mainMs ?? Number.NaN) - (cpuBefore?.mainMs ?? Number.NaN)) / runs };
}

/** The synthetic renderer alone (256² parts, as the agent's default camera draws them). */
function rendererFps(frames = 300): number {
  const parts = createPartStream({ seed: 2, defectRate: 0.05, width: 256, height: 256 });
  for (let i = 0; i < 20; i++) parts.next();
  const start = performance.now();
  for (let i = 0; i < frames; i++) parts.next();
  return frames / ((performance.now() - start) / 1000);
}

const latencyOf = (rows: Phase['rows']) => rows.map((r) => r.latency_total).sort((a, b) => a - b);
/** Rows after the first second: start-up (JIT, first inferences) is not the line's steady state. */
const steady = (rows: Phase['rows']) => {
  const start = Math.min(...rows.map((r) => r.ts));
  return rows.filter((r) => r.ts >= start + 1000);
};

/** MobileNetV2 224² fp32 and its static int8 QDQ twin (calibrated on synthetic parts), timed in one runtime. */
async function int8Twins(runtime: string) {
  const fp32 = buildMobileNetV2({ size: 224, seed: 1 });
  const input = { name: 'image', shape: [1, 3, 224, 224] as [1, 3, number, number] };
  const parts = createPartStream({ seed: 7, defectRate: 0.2, width: 224, height: 224, channels: 3 });
  const calibration = Array.from({ length: 16 }, () =>
    preprocessFrame(parts.next().frame, {
      ...input,
      layout: 'NCHW',
      colour: 'rgb',
      resize: 'stretch',
      mean: [0.5, 0.5, 0.5],
      std: [0.25, 0.25, 0.25],
    }),
  );
  const { model: int8 } = await quantizeStatic({
    model: fp32,
    calibration,
    inputName: 'image',
    dims: input.shape,
  });
  const output = 'logits';
  const a = await runtimes(fp32, input, output);
  const b = await runtimes(int8, input, output);
  const web = runtime === 'onnxruntime-web';
  return {
    fp32Ms: web ? a.webMs : a.nodeMs,
    int8Ms: web ? b.webMs : b.nodeMs,
  };
}

async function main() {
  const tmp = await tempDir('sl-bench-');
  const broker = await createEmbeddedBroker({ port: 0 });
  const hub = await mqtt.connectAsync(broker.url, { protocolVersion: 4 });
  const rows = new Map<string, Phase['rows']>();
  hub.on('message', (topic, payload) => {
    const agent = topic.split('/')[4] ?? '';
    const batch = JSON.parse(payload.toString()) as { results: { ts: number; latency: { total: number } }[] };
    const list = rows.get(agent) ?? [];
    for (const r of batch.results) list.push({ ts: r.ts, latency_total: r.latency.total });
    rows.set(agent, list);
  });
  await hub.subscribeAsync(topics.uplinkFilter('results'), { qos: 1 });
  await hub.publishAsync(topics.hubState(), encode(HubState, { online: true, ts: Date.now() }), {
    qos: 1,
    retain: true,
  });
  const phase = async (id: string, fps: number, frames: number, opts?: Parameters<typeof runPhase>[5]) => {
    const p = await runPhase(tmp.dir, broker.url, id, fps, frames, {
      ...opts,
      received: () => rows.get(id)?.length ?? 0,
    });
    // The broker acknowledged every result before the agent exited; let the subscriber catch up.
    await waitFor(`${p.results} results of ${id}`, 10_000, () => (rows.get(id)?.length ?? 0) >= p.results);
    p.rows = rows.get(id) ?? [];
    return p;
  };
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  // The model alone just before and just after the replayed run, so a machine whose load drifts
  // (a shared one) weighs on both sides of pipeline_vs_infer alike.
  const model = await loadModel(defaultModelDir());
  const before = await inferOnly(model, process.env.SL_BENCH_RUNTIME ?? 'onnxruntime-node');
  const replay = await phase('replayed', 0, FRAMES, { prerender: 50 });
  const after = await inferOnly(model, replay.runtime);
  const inferBefore = before.fps;
  const inferAfter = after.fps;
  const replayCpu = cpuPerFrame(replay);
  const inferCpuMs = (before.cpuMs + after.cpuMs) / 2;
  const full = await phase('full-speed', 0, FRAMES);
  const paced = await phase('paced', PACED_FPS, PACED_FPS * 10);
  const two = await phase('two-cameras', 30, 300, { cameras: 2 });
  await hub.endAsync();
  await broker.close();
  const latencies = latencyOf(steady(full.rows));
  const pacedLatencies = latencyOf(steady(paced.rows));
  const twoLatencies = latencyOf(steady(two.rows));
  const warm = latencyOf(paced.rows);
  const runtime = full.runtime;

  const inferOnlyFps = (inferBefore + inferAfter) / 2;
  const pipelineFps = fpsOf(replay.rows);
  const { nodeMs, webMs } = await runtimes(model.bytes, model.manifest.input, model.manifest.output.name);
  const twins = await int8Twins(runtime);
  // The default model's own fp32 twin (the graph it was quantised from), same runtime the agent chose.
  const fp32 = new Uint8Array(await readFile(join(defaultModelDir(), FP32_TWIN)));
  const own = await runtimes(fp32, model.manifest.input, model.manifest.output.name);
  const web = runtime === 'onnxruntime-web';
  const ownFp32Ms = web ? own.webMs : own.nodeMs;
  const ownInt8Ms = web ? webMs : nodeMs;
  await tmp.remove();
  const out = {
    bench: 'agent',
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    model: `${model.manifest.id}@${model.manifest.version}`,
    runtime,
    frames: full.rows.length,
    // 1-minute load average at the start and the end: above the core count, other work shared the machine.
    load_avg: [loadAtStart, loadavg()[0] ?? Number.NaN],
    infer_only_fps: inferOnlyFps,
    infer_only_fps_before_after: [inferBefore, inferAfter],
    // Frames replayed from memory at full speed: the pipeline's own throughput, renderer excluded.
    pipeline_fps: pipelineFps,
    renderer_fps: rendererFps(),
    pipeline_vs_infer: pipelineFps / inferOnlyFps,
    // CPU time per frame, robust to a shared machine: the model alone, and the agent's main thread
    // (inference + everything else there) and whole process during the replayed run. With a core for the
    // main thread and one for the capture thread, pipeline_vs_infer tends to infer / main.
    cpu_ms_per_frame: { infer: inferCpuMs, main_thread: replayCpu.main, process: replayCpu.all },
    pipeline_vs_infer_cpu: inferCpuMs / replayCpu.main,
    // Full speed with the renderer drawing every part (in the capture thread, overlapping inference).
    fps: fpsOf(full.rows),
    // Latencies are capture -> verdict after the first second (start-up: JIT, first inferences).
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    // A camera at PACED_FPS (twice a 30 fps camera): capture -> verdict when frames do not queue.
    paced: {
      fps: PACED_FPS,
      frames: paced.rows.length,
      p50_ms: percentile(pacedLatencies, 0.5),
      p99_ms: percentile(pacedLatencies, 0.99),
      p99_ms_incl_startup: percentile(warm, 0.99),
      dropped: paced.dropped,
    },
    // Two cameras at 30 fps each sharing one model.
    two_cameras: {
      fps: 30,
      frames: two.rows.length,
      p50_ms: percentile(twoLatencies, 0.5),
      p99_ms: percentile(twoLatencies, 0.99),
      dropped: two.dropped,
    },
    // Steady state: the largest RSS over the second half of the full-speed run.
    rss_mb: Math.max(...full.rss.slice(Math.floor(full.rss.length / 2))),
    rss_two_cameras_mb: Math.max(...two.rss.slice(Math.floor(two.rss.length / 2))),
    rss_peak_mb: Math.max(...full.rss, ...paced.rss, ...two.rss, ...replay.rss),
    infer_ms: { node: nodeMs, web: webMs },
    wasm_vs_node: webMs / nodeMs,
    // The default int8 model against its fp32 twin, in the runtime the agent chose (1 thread each).
    int8_vs_fp32: ownFp32Ms / ownInt8Ms,
    int8_ms: { fp32: ownFp32Ms, int8: ownInt8Ms },
    // For scale: a whole MobileNetV2 224² and its int8 QDQ twin, same runtime.
    mobilenet224_int8_vs_fp32: twins.fp32Ms / twins.int8Ms,
    mobilenet224_ms: { fp32: twins.fp32Ms, int8: twins.int8Ms },
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
