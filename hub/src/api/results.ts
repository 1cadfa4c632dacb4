import { ResultsResponse } from '@sightline/protocol';
import { Hono } from 'hono';
import { z } from 'zod';
import { QueryError } from '../errors.ts';
import type { ResultStore, ResultsCursor } from '../store/index.ts';
import { intParam, parseQuery, type RouteDoc } from './route-doc.ts';

/** Largest page: bulk reads go through the export, not this list. */
export const MAX_RESULTS_PAGE = 1000;

const ResultsQuery = z.object({
  site: z.string().optional(),
  line: z.string().optional(),
  agent: z.string().optional(),
  verdict: z.enum(['ok', 'defect', 'uncertain']).optional(),
  part: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('exactly this part id: every result of the part (traceability)'),
  recipe: z.string().min(1).max(64).optional().describe('only this product (recipe)'),
  limit: intParam(100, 1, MAX_RESULTS_PAGE, `page size, 1-${MAX_RESULTS_PAGE}`),
  after: z.string().optional().describe('`next` of the previous page'),
});

export const resultDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/results',
    summary: 'Stored results, newest first (capture time), a page at a time',
    description: `Keyset paging: pass the page's \`next\` as \`after\` for the following page. At most ${MAX_RESULTS_PAGE} per page.`,
    query: ResultsQuery,
    response: ResultsResponse,
  },
];

export const encodeCursor = (c: ResultsCursor) =>
  Buffer.from(`${c.ts}.${c.agentId}.${c.seq}`).toString('base64url');

function decodeCursor(text: string): ResultsCursor {
  const parts = Buffer.from(text, 'base64url').toString().split('.').map(Number);
  const [ts, agentId, seq] = parts;
  if (parts.length !== 3 || parts.some((n) => !Number.isSafeInteger(n))) {
    throw new QueryError(`after "${text}" is not a cursor; pass the \`next\` value of the previous page`);
  }
  return { ts: ts as number, agentId: agentId as number, seq: seq as number };
}

export function resultRoutes({ store }: { store: ResultStore }): Hono {
  const app = new Hono();
  app.get('/api/results', async (c) => {
    const { after, ...q } = parseQuery(ResultsQuery, c);
    const page = await store.results({ ...q, after: after === undefined ? undefined : decodeCursor(after) });
    const body: ResultsResponse = { results: page.results, next: page.next && encodeCursor(page.next) };
    return c.json(body);
  });
  return app;
}
