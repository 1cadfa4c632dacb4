import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Hub, startHub } from '@sightline/hub';
import { afterAll, beforeAll } from 'vitest';
import { apiJson } from './credentials.ts';
import { type Mosquitto, startMosquitto } from './mosquitto.ts';

export interface StoredRow {
  agent: string;
  seq: number;
  ts: number;
  camera: string | null;
  replayed: boolean;
  verdict: string;
  latency_total: number;
}

/** A temp directory removed by the returned cleanup. */
export async function tempDir(prefix = 'sl-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A real hub on a temp DuckDB file: embedded broker, or an external one by URL. */
export function startTestHub(dir: string, brokerUrl?: string): Promise<Hub> {
  return startHub({
    broker: brokerUrl ? { mode: 'external', url: brokerUrl } : { mode: 'embedded', port: 0 },
    http: { port: 0 },
    store: { path: join(dir, 'hub.duckdb') },
    log: { level: 'silent' },
  });
}

/** Every stored result of one agent, newest first, read page by page (the API's pages hold 1000 at most). */
export async function storedResults(hub: Hub, agent: string): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  let after: string | null = null;
  do {
    const path: string = `/api/results?agent=${agent}&limit=1000${after ? `&after=${after}` : ''}`;
    const page: { results: StoredRow[]; next: string | null } = await apiJson<{
      results: StoredRow[];
      next: string | null;
    }>(hub, path);
    rows.push(...page.results);
    after = page.next;
  } while (after);
  return rows;
}

export async function storedCount(hub: Hub): Promise<number> {
  const body = await apiJson<{ store: { results: number } }>(hub, '/api/health');
  return body.store.results;
}

export interface TestHubContext {
  hub: Hub;
  dir: string;
  mosquitto?: Mosquitto;
}

/**
 * A hub (and a temp dir, and Mosquitto when asked) for one test file: started before its tests,
 * stopped after. Read the fields inside tests, not at module level.
 */
export function useTestHub(opts: { mosquitto?: boolean } = {}): TestHubContext {
  const ctx = {} as TestHubContext;
  let remove: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    const tmp = await tempDir();
    ctx.dir = tmp.dir;
    remove = tmp.remove;
    if (opts.mosquitto) ctx.mosquitto = await startMosquitto();
    ctx.hub = await startTestHub(ctx.dir, ctx.mosquitto?.url);
  });
  afterAll(async () => {
    await ctx.hub?.close();
    await ctx.mosquitto?.stop();
    await remove();
  });
  return ctx;
}
