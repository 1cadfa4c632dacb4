import { describe, expect, it } from 'vitest';
import type { HubCounters } from '../counters.ts';
import { createDuckDbStore, type ResultStore } from '../store/index.ts';
import { apiWith } from '../testing/api-with.ts';
import { prometheusRoutes } from './index.ts';

function counters(store: ResultStore, messages: number): HubCounters {
  return {
    broker: { connected: true, mode: 'external', clients: null, policy: null },
    ingest: {
      messages,
      byChannel: { results: messages - 2, birth: 2 },
      results: { inserted: 40, duplicates: 3 },
      deadLetters: 3,
      storeFailures: 1,
    },
    acks: { messages: 9, failures: 1 },
    store: {
      ...store.status(),
      deadLetters: {
        rows: 3,
        bytes: 300,
        evicted: 0,
        byReason: { SL_PAYLOAD_INVALID: { 'a/b/c': 1, 'a/b/d': 1 }, SL_TOPIC_INVALID: { '(none)': 1 } },
      },
    },
    totals: { results: 38, duplicates: 3, deadLetters: 3 },
  };
}

/** Value of one series in a text exposition, or undefined when absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('exposes the hub counters as read at scrape time, and HTTP requests by route and status', async () => {
    const store = await createDuckDbStore({ path: ':memory:' });
    let current = counters(store, 10);
    const metrics = prometheusRoutes({ read: async () => current });
    const api = apiWith(store, [metrics], [metrics.middleware]);
    try {
      await api.request('/api/lines');
      await api.request('/api/lines?window=1h');
      await api.request('/api/lines?window=nonsense');
      await api.request('/api/nothing-here');

      const res = await api.request('/metrics');
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await res.text();
      expect(value(text, 'sightline_ingest_messages_total{channel="results"}')).toBe(8);
      expect(value(text, 'sightline_ingest_messages_total{channel="birth"}')).toBe(2);
      expect(value(text, 'sightline_results_inserted_total')).toBe(40);
      expect(value(text, 'sightline_results_stored')).toBe(38);
      expect(value(text, 'sightline_results_duplicate_total')).toBe(3);
      expect(value(text, 'sightline_results_conflict_total')).toBe(0);
      expect(value(text, 'sightline_acks_published_total')).toBe(9);
      expect(value(text, 'sightline_acks_failed_total')).toBe(1);
      expect(value(text, 'sightline_store_failures_total')).toBe(1);
      expect(value(text, 'sightline_store_writable')).toBe(1);
      expect(value(text, 'sightline_broker_connected')).toBe(1);
      expect(value(text, 'sightline_dead_letters_total{reason="SL_PAYLOAD_INVALID"}')).toBe(2);
      expect(value(text, 'sightline_dead_letters_total{reason="SL_TOPIC_INVALID"}')).toBe(1);
      expect(value(text, 'sightline_ingest_backlog_messages')).toBe(0);
      const http = (route: string, status: number) =>
        value(
          text,
          `sightline_http_requests_total{method="GET",route="${route}",status="${status}",ok="${status < 400}"}`,
        );
      expect(http('/api/lines', 200)).toBe(2);
      expect(http('/api/lines', 400)).toBe(1);
      expect(http('/api/*', 404)).toBe(1);
      expect(text).toContain('sightline_process_resident_memory_bytes');
      // Not provided, so not shown as a misleading 0.
      expect(text).not.toContain('sightline_broker_clients');
      expect(text).not.toContain('sightline_samples_stored_total');

      current = counters(store, 12);
      current.store = {
        ...current.store,
        state: 'failing',
        backlog: { ops: 7, results: 70 },
        commitLagMs: 40,
      };
      current.samples = {
        stored: 5,
        evicted: 1,
        files: 4,
        bytes: 1000,
        quotaBytes: 2048,
        partials: 2,
        partialBytes: 300,
        duplicates: 6,
        discarded: 0,
        failed: 1,
        expired: 2,
        dropped: 0,
      };
      const next = await (await api.request('/metrics')).text();
      expect(value(next, 'sightline_ingest_messages_total{channel="results"}')).toBe(10); // the total, not 8 + 10
      expect(value(next, 'sightline_ingest_backlog_messages')).toBe(7);
      expect(value(next, 'sightline_ingest_backlog_results')).toBe(70);
      expect(value(next, 'sightline_ingest_commit_lag_seconds')).toBe(0.04);
      expect(value(next, 'sightline_store_writable')).toBe(0);
      expect(value(next, 'sightline_samples_stored_total')).toBe(5);
      expect(value(next, 'sightline_samples_failed_total{reason="expired"}')).toBe(2);
      expect(value(next, 'sightline_samples_bytes')).toBe(1000);
      expect(value(next, 'sightline_sample_parts_ignored_total{reason="duplicate"}')).toBe(6);
      const doc = (await (await api.request('/api/openapi.json')).json()) as {
        paths: Record<string, unknown>;
      };
      expect(Object.keys(doc.paths)).toContain('/metrics');
    } finally {
      await store.close();
    }
  });
});
