import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Hono, MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { RouteDoc } from './api/index.ts';
import type { HubConfig } from './config/index.ts';
import type { HubCounters } from './counters.ts';
import { HubError } from './errors.ts';
import { createExporter, exportDocs, exportRoutes } from './export/index.ts';
import type { SampleSink } from './ingest/index.ts';
import { prometheusRoutes } from './prometheus/index.ts';
import {
  createDuckDbSampleIndex,
  createSampleIngest,
  type SampleIndex,
  type SampleIngest,
  sampleDocs,
  sampleRoutes,
} from './samples/index.ts';
import type { DuckDbStore } from './store/index.ts';

/** The hub's sample images: the table, the assembler and store, and their folder. */
export interface HubSamples {
  ingest: SampleIngest;
  index: SampleIndex;
  /** What ingest hands sample parts to. */
  sink: SampleSink;
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
    sink: ingest.handle,
    dir,
    async close() {
      await ingest.close();
      await index.close();
      if (temporary) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Routes beside the core API, for `createApi({ extra, middleware })`: /metrics, samples, export. */
export function edgeRoutes(deps: {
  config: HubConfig;
  store: DuckDbStore;
  samples?: HubSamples;
  log: Logger;
  counters: () => Promise<HubCounters>;
}): { extra: Array<{ app: Hono; docs: readonly RouteDoc[] }>; middleware: MiddlewareHandler[] } {
  const { config, store, samples, log } = deps;
  const exporter = createExporter({
    connect: store.connect,
    limits: {
      maxRows: config.export.maxRows,
      timeoutMs: config.export.timeoutS * 1000,
      maxConcurrent: config.export.maxConcurrent,
    },
    log: log.child({ component: 'export' }),
  });
  const metrics = prometheusRoutes({ read: deps.counters });
  return {
    extra: [
      { app: metrics.app, docs: metrics.docs },
      ...(samples
        ? [{ app: sampleRoutes({ samples: samples.ingest, index: samples.index }), docs: sampleDocs }]
        : []),
      { app: exportRoutes({ exporter }), docs: exportDocs },
    ],
    middleware: [metrics.middleware],
  };
}
