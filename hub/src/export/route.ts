import type { Hono } from 'hono';
import { parseQuery } from '../api/zod-query.ts';
import { HubError } from '../errors.ts';
import type { Exporter } from './exporter.ts';
import { ExportParams } from './params.ts';

/** GET /api/export?table=&site=&line=&agent=&from=&to=&format=csv|parquet, streamed as a download. */
export function mountExportRoute({ exporter }: { exporter: Exporter }) {
  return (app: Hono): void => {
    app.get('/api/export', async (c) => {
      const params = parseQuery(ExportParams, c.req.query());
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
  };
}
