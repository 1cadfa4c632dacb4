import { prometheus } from '@hono/prometheus';
import type { Hono } from 'hono';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { HubCounters, HubCountersReader } from './counters.ts';

export type { HubCounters, HubCountersReader } from './counters.ts';

const PREFIX = 'sightline_';

/**
 * Prometheus text exposition at GET /metrics: the hub's counters (read from `read` on each scrape), HTTP
 * requests by route and status (@hono/prometheus), and Node process metrics (prom-client defaults).
 */
export function mountPrometheus({ read }: { read: HubCountersReader }) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  // Registered on first use: a figure the hub does not provide (backlog before hub-wide batching, samples
  // when disabled) is absent from the exposition rather than a misleading 0.
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new Counter({ name: PREFIX + name, help, labelNames, registers: [] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name: PREFIX + name, help, labelNames, registers: [] });
  const registered = new Set<Counter | Gauge>();
  const shown = <T extends Counter | Gauge>(metric: T): T => {
    if (!registered.has(metric)) registry.registerMetric(metric);
    registered.add(metric);
    return metric;
  };

  const m = {
    connected: gauge('broker_connected', '1 while the hub is connected to its MQTT broker'),
    messages: counter('ingest_messages_total', 'uplink messages handled (stored or dead-lettered)'),
    results: counter('results_stored_total', 'inspection results stored'),
    duplicates: counter('results_duplicate_total', 'redelivered results ignored'),
    storeFailures: counter('store_failures_total', 'messages left unacknowledged because the store failed'),
    deadLetters: counter('dead_letters_total', 'messages rejected and kept as dead letters', ['reason']),
    backlog: gauge('ingest_backlog_messages', 'messages received and not yet committed'),
    lag: gauge('ingest_commit_lag_seconds', 'how far commits trail receipt'),
    samplesStored: counter('samples_stored_total', 'sample rows stored'),
    samplesEvicted: counter('samples_evicted_total', 'sample images evicted to stay within the quota'),
    samplesFailed: counter('samples_failed_total', 'samples not stored, by reason', ['reason']),
    sampleParts: counter('sample_parts_ignored_total', 'sample parts not needed', ['reason']),
    sampleFiles: gauge('samples_files', 'sample images on disk'),
    sampleBytes: gauge('samples_bytes', 'bytes of sample images on disk'),
    sampleQuota: gauge('samples_quota_bytes', 'disk quota for sample images'),
    partials: gauge('samples_partial', 'samples being assembled'),
    partialBytes: gauge('samples_partial_bytes', 'bytes held by samples being assembled'),
  };

  /** Counters mirror totals kept elsewhere: reset, then add the current total. */
  function total(metric: Counter, value: number, labels?: Record<string, string>): void {
    if (labels) shown(metric).inc(labels, value);
    else shown(metric).inc(value);
  }
  const set = (metric: Gauge, value: number) => shown(metric).set(value);

  function apply(c: HubCounters): void {
    for (const metric of Object.values(m)) metric.reset();
    set(m.connected, c.broker.connected ? 1 : 0);
    total(m.messages, c.ingest.messages);
    total(m.results, c.ingest.results);
    total(m.duplicates, c.ingest.duplicates);
    total(m.storeFailures, c.ingest.storeFailures);
    for (const [reason, n] of Object.entries(c.ingest.deadLetters)) total(m.deadLetters, n, { reason });
    if (c.ingest.backlog !== undefined) set(m.backlog, c.ingest.backlog);
    if (c.ingest.commitLagMs !== undefined) set(m.lag, c.ingest.commitLagMs / 1000);
    const s = c.samples;
    if (!s) return;
    total(m.samplesStored, s.stored);
    total(m.samplesEvicted, s.evicted);
    for (const reason of ['failed', 'expired', 'dropped'] as const) {
      total(m.samplesFailed, s[reason], { reason: reason === 'failed' ? 'invalid' : reason });
    }
    total(m.sampleParts, s.duplicates, { reason: 'duplicate' });
    total(m.sampleParts, s.discarded, { reason: 'discarded' });
    set(m.sampleFiles, s.files);
    set(m.sampleBytes, s.bytes);
    set(m.sampleQuota, s.quotaBytes);
    set(m.partials, s.partials);
    set(m.partialBytes, s.partialBytes);
  }

  const http = prometheus({ registry, prefix: PREFIX });

  return (app: Hono): void => {
    app.use('*', http.registerMetrics);
    app.get('/metrics', async (c) => {
      apply(await read());
      return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
    });
  };
}
