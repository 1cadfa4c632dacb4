import { Hono } from 'hono';
import { parseQuery, type RouteDoc } from '../api/route-doc.ts';
import { HubError } from '../errors.ts';
import type { Exporter } from './exporter.ts';
import { ExportParams } from './params.ts';

export const exportDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/export',
    summary: 'A table as a CSV or Parquet download (DuckDB COPY), filtered by sender and time',
    description:
      'Headers: `Sightline-Rows` (rows in the file), `Sightline-Truncated: true` when export.maxRows cut it (narrow with from/to). 429 SL_EXPORT_BUSY when export.maxConcurrent exports run; 503 SL_EXPORT_TIMEOUT past export.timeoutS.',
    query: ExportParams,
    response: { contentType: 'text/csv', description: 'the rows, as CSV (text/csv) or Parquet' },
  },
];

/** GET /api/export?table=&site=&line=&agent=&from=&to=&format=csv|parquet, streamed as a download. */
export function exportRoutes({ exporter }: { exporter: Exporter }): Hono {
  const app = new Hono();
  app.get('/api/export', async (c) => {
    const params = parseQuery(ExportParams, c);
    try {
      const file = await exporter.run(params);
      const headers: Record<string, string> = {
        'Content-Type': file.contentType,
        'Content-Length': String(file.bytes),
        'Content-Disposition': `attachment; filename="${file.filename}"`,
        'Sightline-Rows': String(file.rows),
      };
      if (file.truncated) headers['Sightline-Truncated'] = 'true';
      return new Response(file.body, { headers });
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      const body = { error: { code: error.code, message: error.message } };
      if (error.code === 'SL_EXPORT_BUSY') return c.json(body, 429, { 'Retry-After': '5' });
      if (error.code === 'SL_EXPORT_TIMEOUT') return c.json(body, 503);
      throw error;
    }
  });
  return app;
}
