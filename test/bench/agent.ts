/**
 * pnpm bench:agent — the agent pipeline at full speed on the synthetic source with the default model,
 * in its own process (as deployed), publishing to a real hub. Prints one JSON line at the end.
 */
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createOrtNodeEngine, createOrtWebEngine, measureEngine } from '@sightline/agent';
import { createPartStream, defaultModelDir, loadModel, preprocessFrame } from '@sightline/models';
import { buildMobileNetV2, FP32_TWIN, quantizeStatic } from '@sightline/models/tooling';
import { spawnAgent } from '../support/agent-process.ts';
import { startTestHub, storedResults, tempDir } from '../support/hub.ts';

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
}

/** One agent process on a synthetic camera (fps 0 = full speed) for `frames` frames. */
async function runPhase(
  dir: string,
  hubUrl: string,
  agentId: string,
  fps: number,
  frames: number,
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
      cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed: 1, fps } }],
    },
    ['--frames', String(frames)],
  );
  const rss: number[] = [];
  const sampler = setInterval(async () => {
    const mb = agent.child.pid ? await rssMb(agent.child.pid) : Number.NaN;
    if (Number.isFinite(mb)) rss.push(mb);
  }, 200);
  const done = await agent.exited;
  clearInterval(sampler);
  if (done.code !== 0) throw new Error(`agent failed (${done.code}): ${done.stderr.slice(-2000)}`);
  const runtime = /"runtime_selected".*?"runtime":"([^"]+)"/.exec(done.stderr)?.[1] ?? 'configured';
  return { rows: [], rss, runtime };
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
  const hub = await startTestHub(tmp.dir);
  const full = await runPhase(tmp.dir, hub.mqttUrl, 'full-speed', 0, FRAMES);
  full.rows = await storedResults(hub, 'full-speed');
  const paced = await runPhase(tmp.dir, hub.mqttUrl, 'paced', PACED_FPS, PACED_FPS * 10);
  paced.rows = await storedResults(hub, 'paced');
  await hub.close();
  const ts = full.rows.map((r) => r.ts).sort((a, b) => a - b);
  const seconds = ((ts.at(-1) ?? 0) - (ts[0] ?? 0)) / 1000;
  const latencies = latencyOf(steady(full.rows));
  const pacedLatencies = latencyOf(steady(paced.rows));
  const warm = latencyOf(paced.rows);
  const runtime = full.runtime;

  const model = await loadModel(defaultModelDir());
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
    // Full speed: frames are rendered and inspected back to back (each waits for the one before).
    fps: full.rows.length > 1 ? (full.rows.length - 1) / seconds : 0,
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
    },
    // Steady state: the largest RSS over the second half of the full-speed run.
    rss_mb: Math.max(...full.rss.slice(Math.floor(full.rss.length / 2))),
    rss_peak_mb: Math.max(...full.rss, ...paced.rss),
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
