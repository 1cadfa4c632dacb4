import { CoverageResponse, type LineCoverage, LinesResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { z } from 'zod';
import { byLine, coverageOf, coverageRatio, deriveLineMetrics } from '../metrics/index.ts';
import type { ResultStore } from '../store/index.ts';
import { respond } from './csv.ts';
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
    csv: true,
  },
  {
    method: 'get',
    path: '/api/coverage',
    summary: 'Frames inspected / frames captured per line and agent (agent stats), over whole minutes',
    query: CoverageQuery,
    response: CoverageResponse,
    csv: true,
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
    return respond(c, body, body.lines);
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
    return respond(
      c,
      body,
      body.lines.flatMap(({ agents, ...line }) =>
        agents.map((a) => ({ site: line.site, line: line.line, ...a })),
      ),
    );
  });
  return app;
}
