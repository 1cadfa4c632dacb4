import type { StageLatency } from '../pipeline/inspection.ts';

/** Latency samples of one stage, kept in a ring buffer. */
function createRing(capacity: number) {
  const values = new Float64Array(capacity);
  let filled = 0;
  let cursor = 0;
  const at = (sorted: Float64Array, q: number) =>
    sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    add(v: number) {
      values[cursor] = v;
      cursor = (cursor + 1) % capacity;
      filled = Math.min(filled + 1, capacity);
    },
    percentiles() {
      const sorted = values.slice(0, filled).sort();
      return { p50: at(sorted, 0.5), p95: at(sorted, 0.95), p99: at(sorted, 0.99) };
    },
  };
}

/** Rolling figures for the stats message: rates over the last interval, latency percentiles per stage. */
export type StatsWindow = ReturnType<typeof createStatsWindow>;

export function createStatsWindow(capacity = 2048) {
  const stages = {
    capture: createRing(capacity),
    preprocess: createRing(capacity),
    infer: createRing(capacity),
    total: createRing(capacity),
    act: createRing(capacity),
  };
  let actions = 0;
  let processed = 0;
  let lastCaptured = 0;
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();

  return {
    result(latency: StageLatency) {
      processed += 1;
      stages.capture.add(latency.capture);
      stages.preprocess.add(latency.preprocess);
      stages.infer.add(latency.infer);
      stages.total.add(latency.total);
    },
    action(ms: number) {
      actions += 1;
      stages.act.add(ms);
    },
    /** Figures since the previous call; `captured` is the running total of frames captured. */
    sample(captured: number) {
      const now = performance.now();
      const seconds = Math.max((now - lastAt) / 1000, 1e-3);
      const cpu = process.cpuUsage(lastCpu);
      const out = {
        fps: { in: (captured - lastCaptured) / seconds, processed: processed / seconds },
        latency: stages.total.percentiles(),
        stages: {
          capture: stages.capture.percentiles(),
          preprocess: stages.preprocess.percentiles(),
          infer: stages.infer.percentiles(),
          ...(actions > 0 ? { act: stages.act.percentiles() } : {}),
        },
        cpu: (cpu.user + cpu.system) / 1e6 / seconds,
        memory_mb: process.memoryUsage().rss / 2 ** 20,
      };
      processed = 0;
      lastCaptured = captured;
      lastCpu = process.cpuUsage();
      lastAt = now;
      return out;
    },
  };
}
