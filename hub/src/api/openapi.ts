import { Hono } from 'hono';
import { z } from 'zod';
import type { RouteDoc } from './route-doc.ts';

/** OpenAPI 3.1 (whose schemas are JSON Schema 2020-12, what zod emits) of every documented route. */
export function openApiDocument(docs: readonly RouteDoc[], version: string): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const d of docs) {
    const parametersOf = (where: 'path' | 'query', shape: z.ZodObject | undefined) =>
      Object.entries(shape?.shape ?? {}).map(([name, schema]) => {
        const s = schema as z.ZodType;
        const json = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as { description?: string };
        return {
          name,
          in: where,
          required: where === 'path' || !s.safeParse(undefined).success,
          description: json.description ?? s.description,
          schema: json,
        };
      });
    const parameters = [...parametersOf('path', d.params), ...parametersOf('query', d.query)];
    if (d.csv) {
      parameters.push({
        name: 'format',
        in: 'query',
        required: false,
        description: 'csv: the same table as text/csv (one row per item, nested fields flattened with ".")',
        schema: { type: 'string', enum: ['json', 'csv'] } as never,
      });
    }
    const ok =
      d.response instanceof z.ZodType
        ? {
            description: 'OK',
            content: { 'application/json': { schema: z.toJSONSchema(d.response, { io: 'output' }) } },
          }
        : { description: d.response.description, content: { [d.response.contentType]: {} } };
    const requestBody = d.body
      ? {
          required: true,
          content:
            d.body instanceof z.ZodType
              ? { 'application/json': { schema: z.toJSONSchema(d.body, { io: 'input' }) } }
              : { [d.body.contentType]: { schema: { type: 'string', format: 'binary' } } },
          ...(d.body instanceof z.ZodType ? {} : { description: d.body.description }),
        }
      : undefined;
    paths[d.path] ??= {};
    (paths[d.path] as Record<string, object>)[d.method] = {
      summary: d.summary,
      ...(d.description ? { description: d.description } : {}),
      'x-sightline-role': d.role ?? 'viewer',
      parameters,
      ...(requestBody ? { requestBody } : {}),
      responses: {
        200: ok,
        400: { description: 'a bad parameter: `{ error: { code: "SL_QUERY_INVALID", message } }` naming it' },
        ...(d.method === 'get'
          ? {}
          : { 409: { description: 'not possible in the current state; the message says why' } }),
        503: { description: 'the query ran past its time limit (SL_QUERY_TIMEOUT); retry or ask for less' },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sightline hub API',
      version,
      description: 'Generated from the zod schemas the hub validates and answers with.',
    },
    paths,
  };
}

export const openApiDoc: RouteDoc = {
  method: 'get',
  path: '/api/openapi.json',
  summary: 'This description',
  role: 'public',
  response: { contentType: 'application/json', description: 'OpenAPI 3.1 document' },
};

export function openApiRoutes(docs: readonly RouteDoc[], version: string): Hono {
  const app = new Hono();
  const document = openApiDocument([...docs, openApiDoc], version);
  app.get('/api/openapi.json', (c) => c.json(document));
  return app;
}
