import { prometheus } from '@hono/prometheus';
import { Hono, type MiddlewareHandler } from 'hono';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { RouteDoc } from '../api/route-doc.ts';
import type { HubCounters } from '../counters.ts';

const PREFIX = 'sightline_';

export const prometheusDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus text exposition: ingest, store, samples, HTTP requests and the Node process',
    description:
      'Read from the hub counters at scrape time, without a database query: results inserted, duplicates, conflicts, dead letters by reason, backlog, commit lag, store state; see the hub README for every series.',
    response: { contentType: 'text/plain; version=0.0.4', description: 'Prometheus text format' },
  },
];

/**
 * Prometheus text exposition at GET /metrics: the hub's counters (read on each scrape from `read`, which makes no
 * query), HTTP requests by route and status (@hono/prometheus, through `middleware`, which must run before every
 * route), and Node process metrics (prom-client defaults).
 */
export function prometheusRoutes({ read }: { read: () => Promise<HubCounters> }): {
  app: Hono;
  docs: RouteDoc[];
  middleware: MiddlewareHandler;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: PREFIX });
  // Registered on first use: a figure the hub does not provide (samples when disabled, clients with an external
  // broker) is absent from the exposition rather than a misleading 0.
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
    connected: gauge('broker_connected', '1 while the hub can receive from its MQTT broker'),
    clients: gauge('broker_clients', 'clients connected to the embedded broker'),
    messages: counter('ingest_messages_total', 'uplink messages kept (stored or dead-lettered), by channel', [
      'channel',
    ]),
    inserted: counter('results_inserted_total', 'inspection results stored for the first time since start'),
    duplicates: counter('results_duplicate_total', 'redelivered results ignored since start'),
    acks: counter('acks_published_total', 'end-to-end ack messages published to agents after commits'),
    ackFailures: counter('acks_failed_total', 'ack messages that could not be published (agents resend)'),
    conflicts: counter(
      'results_conflict_total',
      'redelivered (agent, seq) whose content differs from the stored result: dead-lettered SL_DUPLICATE_CONFLICT',
    ),
    unverified: counter(
      'results_duplicate_unverified_total',
      'redelivered results that could not be compared with the stored one (row past retention, check overloaded)',
    ),
    stored: gauge('results_stored', 'results in the store (less what retention removed)'),
    storeFailures: counter(
      'store_failures_total',
      'messages left unacknowledged because the store could not write',
    ),
    deadLetters: counter('dead_letters_total', 'messages rejected and kept as dead letters, by reason', [
      'reason',
    ]),
    deadLetterRows: gauge('dead_letters_kept', 'dead letters kept now (capped by rows and bytes)'),
    backlogOps: gauge('ingest_backlog_messages', 'writes received and not yet committed'),
    backlogResults: gauge('ingest_backlog_results', 'results received and not yet committed'),
    lag: gauge('ingest_commit_lag_seconds', 'age of the oldest write not yet committed'),
    commits: counter('store_commits_total', 'group commits since start'),
    commitSeconds: gauge('store_last_commit_seconds', 'duration of the last group commit'),
    writable: gauge(
      'store_writable',
      '0 while the store cannot write (disk full, I/O errors): nothing is acknowledged',
    ),
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
  const total = (metric: Counter, value: number, labels?: Record<string, string>) => {
    if (labels) shown(metric).inc(labels, value);
    else shown(metric).inc(value);
  };
  const set = (metric: Gauge, value: number) => shown(metric).set(value);

  function apply(c: HubCounters): void {
    for (const metric of Object.values(m)) metric.reset();
    set(m.connected, c.broker.connected ? 1 : 0);
    if (c.broker.clients !== null) set(m.clients, c.broker.clients);
    for (const [channel, n] of Object.entries(c.ingest.byChannel)) total(m.messages, n, { channel });
    total(m.inserted, c.ingest.results.inserted);
    total(m.duplicates, c.ingest.results.duplicates);
    set(m.stored, c.totals.results);
    total(m.conflicts, c.store.conflicts.found);
    total(m.unverified, c.store.conflicts.unverified);
    total(m.acks, c.acks.messages);
    total(m.ackFailures, c.acks.failures);
    total(m.storeFailures, c.ingest.storeFailures);
    for (const [reason, bySender] of Object.entries(c.store.deadLetters.byReason)) {
      total(
        m.deadLetters,
        Object.values(bySender).reduce((a, b) => a + b, 0),
        { reason },
      );
    }
    set(m.deadLetterRows, c.store.deadLetters.rows);
    set(m.backlogOps, c.store.backlog.ops);
    set(m.backlogResults, c.store.backlog.results);
    set(m.lag, c.store.commitLagMs / 1000);
    total(m.commits, c.store.commits);
    set(m.commitSeconds, c.store.lastCommitMs / 1000);
    set(m.writable, c.store.state === 'failing' ? 0 : 1);
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
  const app = new Hono();
  app.get('/metrics', async (c) => {
    apply(await read());
    return c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType });
  });
  return { app, docs: prometheusDocs, middleware: http.registerMetrics };
}
