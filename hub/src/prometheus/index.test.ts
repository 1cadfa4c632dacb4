import { describe, expect, it } from 'vitest';
import { createApi } from '../api/index.ts';
import { createDuckDbStore } from '../store/index.ts';
import type { HubCounters } from './counters.ts';
import { mountPrometheus } from './index.ts';

function counters(messages: number, extra: Partial<HubCounters['ingest']> = {}): HubCounters {
  return {
    broker: { connected: true },
    ingest: {
      messages,
      results: 40,
      duplicates: 3,
      storeFailures: 1,
      deadLetters: { SL_PAYLOAD_INVALID: 2, SL_TOPIC_INVALID: 1 },
      ...extra,
    },
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
    let current = counters(10);
    const api = createApi({
      store,
      status: { brokerConnected: () => true, startedAt: 0 },
      mount: [mountPrometheus({ read: () => current })],
    });
    try {
      await api.request('/api/lines');
      await api.request('/api/lines?window=1h');
      await api.request('/api/lines?window=nonsense');
      await api.request('/api/nothing-here');

      const res = await api.request('/metrics');
      expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
      const text = await res.text();
      expect(value(text, 'sightline_ingest_messages_total')).toBe(10);
      expect(value(text, 'sightline_results_stored_total')).toBe(40);
      expect(value(text, 'sightline_results_duplicate_total')).toBe(3);
      expect(value(text, 'sightline_store_failures_total')).toBe(1);
      expect(value(text, 'sightline_broker_connected')).toBe(1);
      expect(value(text, 'sightline_dead_letters_total{reason="SL_PAYLOAD_INVALID"}')).toBe(2);
      expect(value(text, 'sightline_dead_letters_total{reason="SL_TOPIC_INVALID"}')).toBe(1);
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
      expect(text).not.toContain('sightline_ingest_backlog_messages');
      expect(text).not.toContain('sightline_samples_stored_total');

      current = counters(12, { backlog: 7, commitLagMs: 40 });
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
      expect(value(next, 'sightline_ingest_messages_total')).toBe(12); // the total, not 10 + 12
      expect(value(next, 'sightline_ingest_backlog_messages')).toBe(7);
      expect(value(next, 'sightline_ingest_commit_lag_seconds')).toBe(0.04);
      expect(value(next, 'sightline_samples_stored_total')).toBe(5);
      expect(value(next, 'sightline_samples_failed_total{reason="expired"}')).toBe(2);
      expect(value(next, 'sightline_samples_bytes')).toBe(1000);
      expect(value(next, 'sightline_sample_parts_ignored_total{reason="duplicate"}')).toBe(6);
    } finally {
      await store.close();
    }
  });
});
