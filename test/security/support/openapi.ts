/** The routes the hub documents (GET /api/openapi.json), as the security suite walks them. */
export interface Route {
  method: string;
  path: string;
  role: string;
  query: { name: string; type: string | undefined; enum?: string[] }[];
  pathParams: string[];
  stream: boolean;
  /** The body is a file upload (not JSON), checked against a limit of the route's own. */
  upload: boolean;
}

export async function routesOf(httpUrl: string): Promise<Route[]> {
  const doc = (await (await fetch(`${httpUrl}/api/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          'x-sightline-role'?: string;
          parameters?: { name: string; in: string; schema?: { type?: string; enum?: string[] } }[];
          requestBody?: { content?: Record<string, unknown> };
          responses: { 200?: { content?: Record<string, unknown> } };
        }
      >
    >;
  };
  const routes: Route[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? [];
      routes.push({
        method: method.toUpperCase(),
        path,
        role: op['x-sightline-role'] ?? 'viewer',
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({
            name: p.name,
            type: p.schema?.type,
            ...(p.schema?.enum ? { enum: p.schema.enum } : {}),
          })),
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        stream: Object.keys(op.responses[200]?.content ?? {}).includes('text/event-stream'),
        upload: Object.keys(op.requestBody?.content ?? {}).some((t) => t !== 'application/json'),
      });
    }
  }
  return routes;
}

/** A concrete URL path for a route: each `{param}` filled in (encoded). */
export const fill = (route: Route, value: (name: string) => string) =>
  route.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(value(name).toWellFormed()));

export const ROLE_ORDER = ['viewer', 'qc-lead', 'engineer', 'admin'] as const;
