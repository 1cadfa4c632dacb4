import { CoverageResponse, type LineCoverage, LinesResponse, RecipesResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  byLine,
  coverageOf,
  coverageRatio,
  deriveLineMetrics,
  deriveRecipeMetrics,
} from '../metrics/index.ts';
import type { RecipeCounts, ResultStore } from '../store/index.ts';
import { parseQuery, type RouteDoc } from './route-doc.ts';
import { windowParam } from './window.ts';

const LinesQuery = z.object({ window: windowParam(300) });
const CoverageQuery = z.object({ window: windowParam(3600) });

export const lineDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/lines',
    summary: 'Per-line metrics over a window ending now',
    description:
      'Counts over results with capture time in (now − window, now], shadow results apart: rate with its Wilson 95 % interval, throughput from run time, coverage from agent stats, latency. Whole minutes come from the rollups, the partial minutes at the edges from raw rows.',
    query: LinesQuery,
    response: LinesResponse,
  },
  {
    method: 'get',
    path: '/api/recipes',
    summary: 'Per-line metrics split by product (recipe) over a window ending now',
    description:
      "Each line's parts per recipe: rate with its Wilson 95 % interval, true rate where results carried truth, share of the line's parts. Whole minutes come from the per-recipe rollup, the partial minutes at the edges from raw rows.",
    query: LinesQuery,
    response: RecipesResponse,
  },
  {
    method: 'get',
    path: '/api/coverage',
    summary: 'Frames inspected / frames captured per line and agent (agent stats), over whole minutes',
    query: CoverageQuery,
    response: CoverageResponse,
  },
];

export function lineRoutes({ store, now }: { store: ResultStore; now: () => number }): Hono {
  const app = new Hono();
  app.get('/api/lines', async (c) => {
    const { window } = parseQuery(LinesQuery, c);
    const at = now();
    const counts = await store.lineCounts({ start: at - window * 1000, end: at });
    const body: LinesResponse = {
      window_s: window,
      now: at,
      lines: counts.map(deriveLineMetrics).sort(byLine),
    };
    return c.json(body);
  });

  app.get('/api/recipes', async (c) => {
    const { window } = parseQuery(LinesQuery, c);
    const at = now();
    const byLineKey = new Map<string, RecipeCounts[]>();
    for (const r of await store.recipeCounts({ start: at - window * 1000, end: at })) {
      const key = `${r.site}/${r.line}`;
      byLineKey.set(key, [...(byLineKey.get(key) ?? []), r]);
    }
    const body: RecipesResponse = {
      window_s: window,
      now: at,
      lines: [...byLineKey.values()]
        .map((rs) => ({ site: rs[0]?.site ?? '', line: rs[0]?.line ?? '', recipes: deriveRecipeMetrics(rs) }))
        .sort(byLine),
    };
    return c.json(body);
  });

  app.get('/api/coverage', async (c) => {
    const { window } = parseQuery(CoverageQuery, c);
    const at = now();
    const toMinute = Math.floor(at / 60_000) + 1;
    const agents = await store.agentCounts(toMinute - Math.ceil(window / 60), toMinute);
    const lines = new Map<string, LineCoverage>();
    for (const a of agents) {
      const key = `${a.site}/${a.line}`;
      const line = lines.get(key) ?? {
        site: a.site,
        line: a.line,
        frames_captured: 0,
        frames_inspected: 0,
        frames_dropped: 0,
        coverage: null,
        agents: [],
      };
      line.frames_captured += a.frames_captured;
      line.frames_inspected += a.frames_inspected;
      line.frames_dropped += a.frames_dropped;
      line.agents.push({ agent: a.agent, inspected: a.n, run_min: a.run_ms / 60_000, ...coverageOf(a) });
      lines.set(key, line);
    }
    const body: CoverageResponse = {
      window_s: window,
      now: at,
      lines: [...lines.values()].map((l) => ({
        ...l,
        coverage: coverageRatio(l.frames_inspected, l.frames_captured),
      })),
    };
    return c.json(body);
  });
  return app;
}
