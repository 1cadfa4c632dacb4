import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBirth, makeResult } from '../store/fixtures.ts';
import { type QualityApi, startQualityApi } from '../testing/quality-api.ts';

const T0 = 1_700_002_800_000; // an hour boundary
const HOUR = 3_600_000;
const ref = { site: 's1', line: 'l1', agent: 'a1' };
let q: QualityApi;
beforeEach(async () => {
  q = await startQualityApi(T0);
});
afterEach(() => q.close());

const hour = (seq: number, start: number, defects: number, mode: 'pilot' | 'live') =>
  Array.from({ length: 120 }, (_, i) =>
    makeResult(seq + i, { ts: start + i * 1000, verdict: i < defects ? 'defect' : 'ok', mode }),
  );
const send = (method: string, path: string, body?: unknown) =>
  q.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', 'x-sightline-user': '<i>qc</i>' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe('period report and CSV', () => {
  it('prints each line with its p-chart (flagged points), figures with inputs, and escapes text', async () => {
    await q.store.recordBirth(ref, makeBirth('b1', T0), T0);
    await send('PUT', '/api/lines/s1/l1/mode', { mode: 'pilot' });
    await q.store.insertResults(ref, 'b1', hour(0, T0, 2, 'pilot'), T0);
    q.clock.now = T0 + HOUR;
    expect((await send('POST', '/api/lines/s1/l1/baseline', { from: T0, to: T0 + HOUR })).status).toBe(200);
    await send('POST', '/api/lines/s1/l1/go-live');
    await q.store.insertResults(ref, 'b1', hour(1000, T0 + HOUR, 30, 'live'), T0);
    q.clock.now = T0 + 2 * HOUR;

    const res = await q.app.request(`/api/report?site=s1&line=l1&from=${T0}&to=${T0 + 2 * HOUR}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('s1 / l1');
    expect(html).toContain('<svg class="chart"');
    expect(html.match(/fill="#c00"/g)?.length).toBe(1); // the live hour: 30/120 against p̄ = 2/120
    expect(html).toContain('escapes prevented');
    expect(html).toContain('n·(e_base − e_cur)');
    expect(html).toContain('frozen by &lt;i&gt;qc&lt;/i&gt;');
    expect(html).not.toContain('<i>qc</i>');

    const lines = await (await q.app.request('/api/lines?window=3h&format=csv')).text();
    expect(lines.split('\r\n')[0]).toContain('site,line,agents,inspected,defects');
    expect(lines).toContain('s1,l1,1,240,32');
    const series = await (
      await q.app.request(`/api/series?site=s1&line=l1&bucket=hour&from=${T0}&to=${T0 + 2 * HOUR}&format=csv`)
    ).text();
    expect(series.trim().split('\r\n')).toHaveLength(3);
    const agents = await (await q.app.request('/api/agents?format=csv')).text();
    expect(agents).toContain('s1,l1,a1,');
    const modes = await (await q.app.request('/api/modes?format=csv')).text();
    expect(modes).toContain('s1,l1,live,');
  });

  it('describes every route in OpenAPI with the role it needs', async () => {
    const doc = (await (await q.app.request('/api/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-sightline-role': string; requestBody?: unknown }>>;
    };
    expect(doc.paths['/api/lines/{site}/{line}/mode']?.put?.['x-sightline-role']).toBe('qc-lead');
    expect(doc.paths['/api/lines/{site}/{line}/mode']?.put?.requestBody).toBeDefined();
    expect(doc.paths['/api/lines/{site}/{line}/roi']?.get?.['x-sightline-role']).toBe('viewer');
    const roles = Object.values(doc.paths).flatMap((p) =>
      Object.values(p).map((op) => op['x-sightline-role']),
    );
    // 'public': health, the OpenAPI description and sign-in need no token.
    expect(roles.every((r) => ['public', 'viewer', 'qc-lead', 'engineer', 'admin'].includes(r))).toBe(true);
  });
});
