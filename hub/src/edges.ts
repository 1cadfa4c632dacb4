import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import type { HubConfig } from './config/index.ts';
import { HubError } from './errors.ts';
import { createExporter, mountExportRoute } from './export/index.ts';
import type { Ingest } from './ingest/index.ts';
import { type HubCounters, mountPrometheus } from './prometheus/index.ts';
import {
  createDuckDbSampleIndex,
  createSampleIngest,
  mountSampleRoutes,
  type SampleIndex,
  type SampleIngest,
} from './samples/index.ts';
import type { DuckDbStore } from './store/index.ts';

/** The hub's sample images: the table, the assembler and store, and their folder. */
export interface HubSamples {
  ingest: SampleIngest;
  index: SampleIndex;
  dir: string;
  close(): Promise<void>;
}

/** Opens samples as configured, or undefined when `samples.enabled` is false. */
export async function openSamples(
  config: HubConfig,
  store: DuckDbStore,
  log: Logger,
): Promise<HubSamples | undefined> {
  if (!config.samples.enabled) return undefined;
  const s = config.samples;
  // An in-memory hub keeps nothing: its images go to a temp folder removed on close.
  const temporary = !s.dir && config.store.path === ':memory:';
  const dir =
    s.dir ??
    (temporary ? await mkdtemp(join(tmpdir(), 'sl-samples-')) : join(dirname(config.store.path), 'samples'));
  const index = await createDuckDbSampleIndex({ connect: store.connect });
  let ingest: SampleIngest;
  try {
    ingest = await createSampleIngest({
      store: index,
      dir,
      quotaMB: s.quotaMB,
      log,
      limits: {
        maxPartials: s.maxPartials,
        maxPartialBytes: s.maxPartialMB * 1024 * 1024,
        timeoutMs: s.partialTimeoutS * 1000,
      },
    });
  } catch (cause) {
    await index.close();
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new HubError(
      'SL_SAMPLES_OPEN_FAILED',
      `cannot open the sample folder ${dir}: ${reason}; set samples.dir (SL_HUB_SAMPLES_DIR) to a writable folder, or samples.enabled: false`,
      { cause },
    );
  }
  return {
    ingest,
    index,
    dir,
    async close() {
      await ingest.close();
      await index.close();
      if (temporary) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Today's counters for /metrics, from the ingest client, the store and samples. */
export async function hubCounters(
  ingest: Ingest,
  store: DuckDbStore,
  samples?: HubSamples,
): Promise<HubCounters> {
  const stored = await store.counters();
  return {
    broker: { connected: ingest.connected },
    ingest: {
      messages: ingest.counts.messages,
      results: stored.results,
      duplicates: stored.duplicates,
      storeFailures: ingest.counts.storeFailures,
      deadLetters: ingest.deadLettersByCode,
    },
    ...(samples ? { samples: samples.ingest.counts() } : {}),
  };
}

/** Routes beside the core API: /metrics (first, so it times every request), samples, export. */
export function edgeRoutes(deps: {
  config: HubConfig;
  store: DuckDbStore;
  samples?: HubSamples;
  log: Logger;
  read: () => Promise<HubCounters>;
}): Array<(app: Hono) => void> {
  const { config, store, samples, log, read } = deps;
  const exporter = createExporter({
    connect: store.connect,
    limits: {
      maxRows: config.export.maxRows,
      timeoutMs: config.export.timeoutS * 1000,
      maxConcurrent: config.export.maxConcurrent,
    },
    log: log.child({ component: 'export' }),
  });
  return [
    mountPrometheus({ read }),
    ...(samples ? [mountSampleRoutes({ samples: samples.ingest, index: samples.index })] : []),
    mountExportRoute({ exporter }),
  ];
}
