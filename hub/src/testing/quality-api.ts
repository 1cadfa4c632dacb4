import type { Hono } from 'hono';
import { pino } from 'pino';
import { createApi } from '../api/index.ts';
import type { RouteDoc } from '../api/route-doc.ts';
import type { Downlink } from '../broker/downlink.ts';
import { labelDocs } from '../labels/docs.ts';
import { labelRoutes } from '../labels/routes.ts';
import { createLabelService } from '../labels/service.ts';
import { type Ledger, openLedger } from '../ledger/index.ts';
import { createModeController, type ModeController } from '../modes/controller.ts';
import { modeDocs } from '../modes/docs.ts';
import { modeRoutes } from '../modes/routes.ts';
import { reportDocs } from '../reports/docs.ts';
import { reportRoutes } from '../reports/routes.ts';
import { roiDocs } from '../roi/docs.ts';
import { roiRoutes } from '../roi/routes.ts';
import { createRoiService } from '../roi/service.ts';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';

export interface QualityApi {
  app: Hono;
  store: DuckDbStore;
  ledger: Ledger;
  modes: ModeController;
  /** What the hub published to agents. */
  sent: Array<{ topic: string; payload: unknown }>;
  clock: { now: number };
  close(): Promise<void>;
}

/**
 * The API with the quality routes on an in-memory store, a downlink that records what it would publish, and a
 * clock the test moves. `extra` adds more route modules built from the same parts.
 */
export async function startQualityApi(
  t0: number,
  extra: (
    parts: Omit<QualityApi, 'app' | 'close'>,
  ) => Array<{ app: Hono; docs: readonly RouteDoc[] }> = () => [],
): Promise<QualityApi> {
  const store = await createDuckDbStore({ path: ':memory:' });
  const ledger = await openLedger(() => store.connect());
  const clock = { now: t0 };
  const now = () => clock.now;
  const sent: QualityApi['sent'] = [];
  const downlink: Downlink = {
    async publish(topic, payload) {
      sent.push({ topic, payload: JSON.parse(payload.toString()) });
    },
  };
  const log = pino({ level: 'silent' });
  const modes = createModeController({ ledger, store, downlink, log, now });
  const parts = { store, ledger, modes, sent, clock };
  const roi = createRoiService({ store, ledger, now });
  const app = createApi({
    store,
    log,
    now,
    status: {
      brokerConnected: () => true,
      startedAt: t0,
      store: () => store.status(),
      ingest: () => ({
        messages: 0,
        byChannel: {},
        results: { inserted: 0, duplicates: 0 },
        deadLetters: 0,
        storeFailures: 0,
      }),
      counters: () => store.counters(),
    },
    frozenReference: (line) => ledger.baselines.current(line),
    extra: [
      { app: modeRoutes({ modes }), docs: modeDocs },
      { app: roiRoutes({ roi }), docs: roiDocs },
      { app: reportRoutes({ store, ledger, roi, now }), docs: reportDocs },
      {
        app: labelRoutes({ labels: createLabelService({ store, ledger, now }), ledger, now }),
        docs: labelDocs,
      },
      ...extra(parts),
    ],
  });
  return {
    app,
    ...parts,
    async close() {
      modes.close();
      ledger.close();
      await store.close();
    },
  };
}
