import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { InferenceEngine } from './engine.ts';
import { createOrtNodeEngine } from './ort-node-engine.ts';
import { createOrtWebEngine, type OrtWebEngineOptions } from './ort-web-engine.ts';

export type RuntimeChoice = 'auto' | 'onnxruntime-node' | 'onnxruntime-web';
type Runtime = Exclude<RuntimeChoice, 'auto'>;

export interface EngineSelection {
  engine: InferenceEngine;
  /** Median latency per candidate measured at start-up, ms (auto only). */
  measured: Partial<Record<Runtime, number>>;
}

/** Median of `runs` inferences on a constant input, after one warm-up. */
export async function measureEngine(
  engine: InferenceEngine,
  dims: readonly number[],
  runs = 15,
): Promise<number> {
  const input = new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5);
  await engine.run(input, dims);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await engine.run(input, dims);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.POSITIVE_INFINITY;
}

/** Measures a runtime in a child process that then exits, taking its memory with it. */
function measureApart(
  runtime: Runtime,
  opts: OrtWebEngineOptions & { dims: readonly number[] },
  runs = 15,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./measure-worker.mjs', import.meta.url)), [], {
      serialization: 'advanced',
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('message', (msg: { ok: boolean; p50?: number; error?: string }) => {
      clearTimeout(timer);
      child.kill();
      if (msg.ok && msg.p50 !== undefined) resolve(msg.p50);
      else reject(new Error(`${runtime}: ${msg.error ?? 'measurement failed'}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${runtime}: measurement process exited (${code}) ${stderr.slice(-500)}`));
    });
    child.send({
      runtime,
      model: opts.model,
      inputName: opts.inputName,
      dims: [...opts.dims],
      runs,
      threads: opts.threads ?? 1,
    });
  });
}

const create: Record<Runtime, (o: OrtWebEngineOptions) => Promise<InferenceEngine>> = {
  'onnxruntime-node': createOrtNodeEngine,
  'onnxruntime-web': createOrtWebEngine,
};

/**
 * Picks the runtime: a fixed one when configured; otherwise each runtime is measured on the model
 * itself (in a throw-away process) and the fastest is loaded — onnxruntime-node where it installs.
 */
export async function selectEngine(
  opts: OrtWebEngineOptions & { runtime: RuntimeChoice; dims: readonly number[]; log: Logger },
): Promise<EngineSelection> {
  if (opts.runtime !== 'auto') return { engine: await create[opts.runtime](opts), measured: {} };
  const measured: Partial<Record<Runtime, number>> = {};
  for (const runtime of ['onnxruntime-node', 'onnxruntime-web'] as const) {
    try {
      measured[runtime] = await measureApart(runtime, opts);
    } catch (err) {
      opts.log.warn(
        { event: 'runtime_unavailable', runtime, err: (err as Error).message },
        'inference runtime unavailable',
      );
    }
  }
  const ranked = (Object.entries(measured) as [Runtime, number][]).sort((a, b) => a[1] - b[1]);
  // Nothing measured: try wasm in-process, whose error names the model problem.
  const best: Runtime = ranked[0]?.[0] ?? 'onnxruntime-web';
  const engine = await create[best](opts);
  opts.log.info({ event: 'runtime_selected', runtime: best, p50_ms: measured }, `inference on ${best}`);
  return { engine, measured };
}
