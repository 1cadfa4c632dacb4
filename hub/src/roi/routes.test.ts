import type { Baseline, LineModeState, RoiInputsState, RoiReport, SeriesResponse } from '@sightline/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeBirth, makeResult } from '../store/fixtures.ts';
import { type QualityApi, startQualityApi } from '../testing/quality-api.ts';
import { waitFor } from '../testing/wait-for.ts';

const T0 = 1_700_000_040_000; // a minute boundary
const HOUR = 3_600_000;
const ref = { site: 's1', line: 'l1', agent: 'a1' };
const base = '/api/lines/s1/l1';
let q: QualityApi;

beforeEach(async () => {
  q = await startQualityApi(T0);
});
afterEach(() => q.close());

const call = async <T>(method: string, path: string, body?: unknown, who = 'ann') => {
  const res = await q.app.request(path, {
    method,
    headers: { 'content-type': 'application/json', 'x-sightline-user': who },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
};

/** `count` results of one mode from `seq`, one a second from `ts`; the first `defects` are rejects. */
const results = (seq: number, ts: number, count: number, defects: number, mode: 'pilot' | 'live') =>
  Array.from({ length: count }, (_, i) =>
    makeResult(seq + i, { ts: ts + i * 1000, verdict: i < defects ? 'defect' : 'ok', mode }),
  );

describe('pilot → baseline → go-live → ROI through the API', () => {
  it('commands agents, freezes the baseline, switches live and computes every figure with its inputs', async () => {
    // The QC lead puts the line in pilot before its agent is seen; the agent is told when it is born.
    const pilot = await call<LineModeState>('PUT', `${base}/mode`, { mode: 'pilot', note: 'install' });
    expect(pilot.body).toMatchObject({ mode: 'pilot', set_by: 'ann', go_live_ts: null, agents: [] });
    await q.store.recordBirth(ref, makeBirth('b1', T0), T0);
    await waitFor('set-mode pilot sent at birth', () => q.sent.length === 1);
    expect(q.sent[0]).toEqual({ topic: 'sl/v1/s1/l1/a1/cmd/set-mode', payload: { mode: 'pilot' } });
    await q.store.recordBirth(ref, { ...makeBirth('b2', T0), mode: 'pilot' }, T0);

    // Pilot hour: 200 parts, 10 rejects; a few live results from before the command are left out of p_base.
    await q.store.insertResults(
      ref,
      'b2',
      [...results(0, T0, 200, 10, 'pilot'), ...results(200, T0 + 200_000, 5, 5, 'live')],
      T0,
    );
    q.clock.now = T0 + HOUR;
    const frozen = await call<{ baseline: Baseline }>('POST', `${base}/baseline`, {
      from: T0,
      to: T0 + HOUR,
      note: 'week 1',
    });
    expect(frozen.status).toBe(200);
    expect(frozen.body.baseline).toMatchObject({
      n: 200,
      x: 10,
      n_all: 205,
      live_excluded: 5,
      reject_rate: 0.05,
      p_base: 0.05,
      p_base_corrected: false,
      p_bar: 0.05,
      frozen_by: 'ann',
    });
    // Throughput counts every part: 205 over the span of the parts (204 s · 205/204).
    expect(frozen.body.baseline.s_base).toBeCloseTo(205 / (205 / 60), 6);
    const inputs = await call<RoiInputsState>('GET', `${base}/roi/inputs`);
    expect(inputs.body.inputs.p_base).toBe(0.05);
    expect(inputs.body.history.map((h) => h.field).sort()).toEqual(['p_base', 's_base']);

    // The p-chart's reference is now the frozen baseline.
    const series = await call<SeriesResponse>(
      'GET',
      `/api/series?site=s1&line=l1&bucket=hour&from=${T0}&to=${T0 + 2 * HOUR}`,
    );
    expect(series.body.reference).toMatchObject({ source: 'baseline', p_bar: 0.05, n: 200, x: 10 });

    // Go live: recorded with its time, the agent commanded.
    const live = await call<LineModeState>('POST', `${base}/go-live`, undefined, 'bob');
    expect(live.body).toMatchObject({ mode: 'live', go_live_ts: T0 + HOUR, set_by: 'bob' });
    expect(live.body.history[0]).toMatchObject({ from: 'pilot', to: 'live', go_live: true, who: 'bob' });
    expect(q.sent.at(-1)).toEqual({ topic: 'sl/v1/s1/l1/a1/cmd/set-mode', payload: { mode: 'live' } });
    expect((await call('POST', `${base}/go-live`)).status).toBe(409);

    // Live hour: 400 parts, 8 rejects; audit: 3 confirmed, 1 false reject, 1 missed → π = ρ = 3/4.
    const liveStart = T0 + HOUR + 60_000;
    await q.store.insertResults(ref, 'b3', results(1000, liveStart, 400, 8, 'live'), liveStart);
    for (const [seq, kind] of [
      [1000, 'confirmed_defect'],
      [1001, 'confirmed_defect'],
      [1002, 'confirmed_defect'],
      [1003, 'false_reject'],
      [1300, 'missed_defect'],
    ] as const) {
      const res = await call('PUT', `/api/labels/s1/l1/a1/${seq}`, { kind }, 'cora');
      expect(res.status).toBe(200);
    }
    const wrong = await call<{ error: { message: string } }>('PUT', '/api/labels/s1/l1/a1/1301', {
      kind: 'false_reject',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toContain('passed');

    await call('PUT', `${base}/roi/inputs`, { e_base: 0.01, c_esc: 100, c_fr: 2, capex: 1000, opex_y: 8760 });
    q.clock.now = T0 + 2 * HOUR;
    const roi = await call<RoiReport>('GET', `${base}/roi`);
    const r = roi.body;
    expect(r).toMatchObject({ mode: 'live', from: T0 + HOUR, to: T0 + 2 * HOUR, go_live_ts: T0 + HOUR });
    expect(r.counts).toMatchObject({ n: 400, x: 8, n_all: 400, pilot_excluded: 0 });
    expect(r.pi.value).toBe(0.75);
    expect(r.rho.value).toBe(0.75);
    const f = r.figures;
    expect(f.reject_rate.value).toBe(0.02);
    // D = π·x/ρ = 8, p = 8/400; reduction against p_base 0.05.
    expect(f.defect_rate.value).toBeCloseTo(0.02, 12);
    expect(f.reduction.value).toBeCloseTo(0.6, 12);
    // e_cur = π·x·(1−ρ)/(ρ·n) = 0.75·8·0.25/(0.75·400) = 0.005; prevented = 400·(0.01 − 0.005) = 2.
    expect(f.escape_rate.value).toBeCloseTo(0.005, 12);
    expect(f.escapes_prevented.value).toBeCloseTo(2, 9);
    expect(f.savings_escapes.value).toBeCloseTo(200, 9);
    expect(f.cost_false_rejects.value).toBeCloseTo(4, 9); // 0.25·8·$2
    expect(f.savings.value).toBeCloseTo(196, 9);
    expect(f.cost.value).toBeCloseTo(1, 9); // $8760/yr for one hour
    expect(f.z_test.inputs).toMatchObject({ x_base: 10, n_base: 200, x: 8, n: 400 });
    expect(f.p_value.value).toBeGreaterThan(0);
    expect(r.cumulative).toMatchObject({ from: T0 + HOUR });
    expect(r.cumulative.capex.value).toBe(1000);
    expect(r.cumulative.roi_pct.value).toBeCloseTo(((196 - 1 - 1000) / 1001) * 100, 9);

    // The fleet tile and the CSV export say the same.
    const fleet = await call<{ lines: Array<{ savings: { value: number }; mode: string }> }>(
      'GET',
      '/api/roi?window=1h',
    );
    expect(fleet.body.lines[0]).toMatchObject({ mode: 'live', savings: { value: expect.closeTo(196, 9) } });
    const csv = await (await q.app.request(`${base}/roi?format=csv`)).text();
    expect(csv.split('\r\n')[0]).toBe(
      'site,line,from,to,scope,figure,value,unit,formula,inputs,interval,flags,missing,note',
    );
    expect(csv).toContain('escapes_prevented,');
  });

  it('refuses a baseline without pilot results, in the future, or across the go-live', async () => {
    await q.store.insertResults(ref, 'b1', results(0, T0, 50, 2, 'live'), T0);
    q.clock.now = T0 + HOUR;
    const none = await call<{ error: { code: string; message: string } }>('POST', `${base}/baseline`, {
      from: T0,
      to: T0 + HOUR,
    });
    expect(none.status).toBe(409);
    expect(none.body.error.message).toContain('no pilot results');
    const future = await call('POST', `${base}/baseline`, { from: T0, to: T0 + 2 * HOUR });
    expect(future.status).toBe(409);
    const bad = await call<{ error: { message: string } }>('POST', `${base}/baseline`, {
      from: 'yesterday',
      to: T0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.from');
  });
});
