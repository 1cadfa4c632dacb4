/** Rolling figures for the stats message: rates over the last interval, latency percentiles. */
export function createStatsWindow(capacity = 2048) {
  const totals = new Float64Array(capacity);
  let filled = 0;
  let cursor = 0;
  let framesIn = 0;
  let processed = 0;
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();

  const percentile = (sorted: Float64Array, q: number) =>
    sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);

  return {
    frame() {
      framesIn += 1;
    },
    result(totalMs: number) {
      processed += 1;
      totals[cursor] = totalMs;
      cursor = (cursor + 1) % capacity;
      filled = Math.min(filled + 1, capacity);
    },
    /** Figures since the previous call. */
    sample() {
      const now = performance.now();
      const seconds = Math.max((now - lastAt) / 1000, 1e-3);
      const cpu = process.cpuUsage(lastCpu);
      const sorted = totals.slice(0, filled).sort();
      const out = {
        fps: { in: framesIn / seconds, processed: processed / seconds },
        latency: {
          p50: percentile(sorted, 0.5),
          p95: percentile(sorted, 0.95),
          p99: percentile(sorted, 0.99),
        },
        cpu: (cpu.user + cpu.system) / 1e6 / seconds,
        memory_mb: process.memoryUsage().rss / 2 ** 20,
      };
      framesIn = 0;
      processed = 0;
      lastCpu = process.cpuUsage();
      lastAt = now;
      return out;
    },
  };
}
