import { fill, type Route, routesOf } from '../support/openapi.ts';
import type { Stack } from '../support/stack.ts';
import { NASTY_NUMBERS, NASTY_STRINGS, type Random, seeded } from './random.ts';

export interface HttpFuzzReport {
  sent: number;
  /** Answers by status class, e.g. { "2xx": 310, "4xx": 690 }. */
  byStatus: Record<string, number>;
  /** 5xx answers other than 503 (a query over its time limit) and 429: an unhandled error is a bug. */
  serverErrors: string[];
}

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

const value = (r: Random): string =>
  r.pick([
    () => r.pick(NASTY_STRINGS),
    () => r.pick(NASTY_NUMBERS),
    () => String(r.int(-1e9, 1e12)),
    () => new Date(r.int(-1e13, 1e13)).toISOString(),
    () => r.bytes(r.int(1, 64)).toString('latin1'),
    () => 'a'.repeat(r.int(1, 20_000)),
    () => r.pick(['5m', '24h', '31d', '32d', '0m', '-5m', 'minute', 'hour', 'shift', 'day', '15m', '7x']),
  ])();

function body(r: Random): { body?: string | Uint8Array; type?: string } {
  switch (r.int(0, 5)) {
    case 0:
      return {};
    case 1:
      return {
        body: JSON.stringify({
          [r.pick(NASTY_STRINGS)]: value(r),
          code: value(r),
          threshold: r.pick([1e300, -1, 'x', null]),
        }),
        type: 'application/json',
      };
    case 2:
      return { body: '{"a":'.repeat(r.int(1, 5000)), type: 'application/json' };
    case 3:
      return {
        body: r.bytes(r.int(1, 4096)),
        type: r.pick(['application/octet-stream', 'application/json', 'text/plain']),
      };
    case 4:
      return { body: 'x'.repeat(r.int(1, 3) * 1024 * 1024), type: 'application/json' };
    default:
      return {
        body: `a=${encodeURIComponent(value(r).toWellFormed())}`,
        type: 'application/x-www-form-urlencoded',
      };
  }
}

/** One generated request: a documented route (mostly) or junk, hostile parameters, headers and body. */
function request(r: Random, routes: readonly Route[], stack: Stack) {
  const route = r.next() < 0.85 ? r.pick(routes) : undefined;
  let path = route
    ? fill(route, () => value(r))
    : r.pick([
        '/api/',
        '/api/x',
        `/api/${encodeURIComponent(value(r).toWellFormed())}`,
        `/${'a/'.repeat(r.int(1, 500))}`,
        '/assets/%ff',
        '/%c0%ae%c0%ae/',
      ]);
  const params = new URLSearchParams();
  for (const q of route?.query ?? []) if (r.next() < 0.6) params.append(q.name, value(r));
  if (r.next() < 0.3) params.append(value(r).slice(0, 100), value(r));
  if (r.next() < 0.1 && route?.query[0]) params.append(route.query[0].name, value(r)); // the same parameter twice
  const query = params.toString();
  if (query) path += `?${query}`;
  const headers: Record<string, string> = {};
  const auth = r.int(0, 9);
  if (auth < 6) headers.authorization = `Bearer ${stack.tokens.admin}`;
  else if (auth === 6) headers.authorization = `Bearer ${stack.tokens.viewer}`;
  else if (auth === 7)
    headers.authorization = r.pick([
      'Bearer',
      'Bearer ',
      'Basic YTpi',
      `Bearer ${'x'.repeat(5000)}`,
      'Bearer slt_zz',
    ]);
  if (r.next() < 0.2)
    headers.origin = r.pick(['https://evil.example', 'null', 'http://localhost', stack.httpUrl]);
  if (r.next() < 0.1) headers.cookie = `sl_token=${r.pick([stack.tokens.admin, 'junk', ''])}`;
  const method = route && r.next() < 0.7 ? route.method : r.pick(METHODS);
  const b = method === 'GET' || method === 'HEAD' ? {} : body(r);
  if (b.type) headers['content-type'] = b.type;
  return { method, path, headers, body: b.body };
}

async function answers(url: string): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    if (res) {
      await res.body?.cancel().catch(() => undefined);
      return true;
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  return false;
}

/** `count` generated HTTP requests at the hub; reports answers by status and every unexpected server error. */
export async function fuzzHttp(
  stack: Stack,
  opts: { count: number; seed: number; parallel?: number },
): Promise<HttpFuzzReport> {
  const r = seeded(opts.seed);
  const routes = (await routesOf(stack.httpUrl)).filter((x) => !x.stream);
  const report: HttpFuzzReport = { sent: 0, byStatus: {}, serverErrors: [] };
  const requests = Array.from({ length: opts.count }, () => request(r, routes, stack));
  const one = async (q: (typeof requests)[number]) => {
    for (;;) {
      let res: Response;
      try {
        res = await fetch(`${stack.httpUrl}${q.path}`, {
          method: q.method,
          headers: q.headers,
          ...(q.body === undefined ? {} : { body: q.body }),
          signal: AbortSignal.timeout(60_000),
        });
      } catch (error) {
        // The hub closes a connection whose body it refused (413); that is an answer, not a failure.
        // Any answer (even 401 without a token) shows the hub still serves; only no answer at all is a crash. A
        // pooled connection the hub just closed fails once on reuse, so the probe tries a few times.
        const alive = await answers(`${stack.httpUrl}/api/health`);
        if (!alive) {
          const cause = (error as Error & { cause?: Error }).cause?.message ?? '';
          report.serverErrors.push(
            `${q.method} ${q.path.slice(0, 200)}: ${(error as Error).message} ${cause}; the hub does not answer`,
          );
        }
        report.sent++;
        report.byStatus.closed = (report.byStatus.closed ?? 0) + 1;
        return;
      }
      await res.body?.cancel().catch(() => undefined);
      if (res.status === 429) {
        await new Promise((done) => setTimeout(done, 1000 * Number(res.headers.get('retry-after') ?? 1)));
        continue;
      }
      report.sent++;
      const cls = `${Math.floor(res.status / 100)}xx`;
      report.byStatus[cls] = (report.byStatus[cls] ?? 0) + 1;
      if (res.status >= 500 && res.status !== 503)
        report.serverErrors.push(`${q.method} ${q.path.slice(0, 200)} → ${res.status}`);
      return;
    }
  };
  const parallel = opts.parallel ?? 8;
  for (let at = 0; at < requests.length; at += parallel)
    await Promise.all(requests.slice(at, at + parallel).map(one));
  return report;
}
