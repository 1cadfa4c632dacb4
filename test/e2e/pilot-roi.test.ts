import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseAgentConfig, startAgent } from '@sightline/agent';
import { type Hub, startHub } from '@sightline/hub';
import type {
  AlarmsResponse,
  Baseline,
  LineModeState,
  LinesResponse,
  ResultsResponse,
  RoiReport,
} from '@sightline/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentBroker } from '../support/credentials.ts';
import { tempDir } from '../support/hub.ts';
import { quietLog } from '../support/quiet-log.ts';
import { waitFor } from '../support/wait.ts';

const YEAR_MS = 365 * 86_400_000;
const PILOT_FRAMES = 120;
const LIVE_FRAMES = 120;
const line = { site: 'test', line: 'line-p' };
const base = '/api/lines/test/line-p';

let hub: Hub;
let dir: string;
let remove: () => Promise<void>;
let actions: Server;
/** The QC lead's token: the histories name her by it. */
let token: string;
const posted: Array<{ verdict: string; frame: string }> = [];

beforeAll(async () => {
  ({ dir, remove } = await tempDir('sl-roi-'));
  hub = await startHub({
    broker: { mode: 'embedded', port: 0 },
    http: { port: 0 },
    store: { path: join(dir, 'hub.duckdb') },
    log: { level: 'silent' },
  });
  token = (await hub.credentials.addToken({ role: 'qc-lead', name: 'qc-lead-ann' })).secret;
  // The reject gate: an HTTP action target that keeps what it was told.
  actions = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      posted.push(JSON.parse(body) as { verdict: string; frame: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => actions.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  await hub?.close();
  actions?.close();
  actions?.closeAllConnections();
  await remove?.();
});

const api = async <T>(path: string, init?: { method: string; body?: unknown }): Promise<T> => {
  const res = await fetch(`${hub.httpUrl}${path}`, {
    method: init?.method ?? 'GET',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(init?.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
};

/** One run of the line's agent (the same identity and state dir each time), returned once its `frames` parts are inspected. */
async function runAgent(seed: number, frames: number) {
  const agent = await startAgent({
    config: parseAgentConfig({
      ...line,
      agent: 'agent-p',
      broker: await agentBroker(hub, { ...line, agent: 'agent-p' }),
      stateDir: join(dir, 'agent'),
      mode: 'pilot', // installed in pilot: it never acts before the hub's word
      publish: { batchSize: 25, batchMs: 20 },
      cameras: [{ id: 'cam0', source: { kind: 'synthetic', seed, defectRate: 0.2, fps: 0 } }],
      actions: [
        {
          kind: 'http',
          url: `http://127.0.0.1:${(actions.address() as AddressInfo).port}/reject`,
          maxInFlight: 64,
          timeoutMs: 30_000,
        },
      ],
    }),
    log: quietLog(),
    frameLimit: frames,
  });
  await agent.sourcesDone;
  return agent;
}

const inspected = async () =>
  (await api<LinesResponse>('/api/lines?window=1d')).lines.find((l) => l.line === line.line);

describe('pilot → baseline → go-live → ROI, over TCP with a real agent', () => {
  it('observes without acting in pilot, freezes the baseline, acts after go-live and prices the difference', async () => {
    const t0 = Date.now() - 1000;
    const pilot = await api<LineModeState>(`${base}/mode`, {
      method: 'PUT',
      body: { mode: 'pilot', note: 'measure the baseline' },
    });
    expect(pilot.mode).toBe('pilot');

    // Pilot: the agent decides and reports every part but fires no action.
    const a1 = await runAgent(11, PILOT_FRAMES);
    await waitFor(
      'pilot results stored',
      30_000,
      async () => (await inspected())?.inspected === PILOT_FRAMES,
    );
    const lines1 = await inspected();
    expect(lines1?.pilot).toEqual({ inspected: PILOT_FRAMES, defects: lines1?.defects });

    const frozen = await api<{ baseline: Baseline }>(`${base}/baseline`, {
      method: 'POST',
      body: { from: t0, to: Date.now() },
    });
    const phase1 = a1.summary();
    expect(frozen.baseline).toMatchObject({
      n: PILOT_FRAMES,
      x: phase1.defects,
      live_excluded: 0,
      frozen_by: 'qc-lead-ann',
    });
    expect(frozen.baseline.p_base).toBeCloseTo(phase1.defects / PILOT_FRAMES, 12);
    expect(frozen.baseline.p_bar).toBeCloseTo(phase1.defects / PILOT_FRAMES, 12);

    // Go-live: the running agent is told, keeps it, and says so in a new birth.
    const live = await api<LineModeState>(`${base}/go-live`, {
      method: 'POST',
      body: { note: 'signed off' },
    });
    expect(live.mode).toBe('live');
    expect(live.go_live_ts).not.toBeNull();
    await waitFor('the agent to report live', 15_000, async () => {
      const s = await api<LineModeState>(`${base}/mode`);
      return s.agents[0]?.reported === 'live' && s.agents[0].converged;
    });
    const stream = (
      await fetch(`${hub.httpUrl}/api/stream`, { headers: { authorization: `Bearer ${token}` } })
    ).body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    await a1.stop(20_000);
    // Stopping it sent its state offline: the offline alarm is up at once, and on the live stream.
    let events = '';
    while (!events.includes('event: alarm')) events += new TextDecoder().decode((await stream.read()).value);
    await stream.cancel();
    expect(events).toContain('"kind":"agent_offline"');
    const alarms = await api<AlarmsResponse>('/api/alarms?line=line-p');
    expect(alarms.alarms.find((x) => x.kind === 'agent_offline')).toMatchObject({
      agent: 'agent-p',
      state: 'active',
    });
    expect(posted).toEqual([]);

    // Live: the agent restarts with `mode: pilot` in its config but keeps the hub's live, and acts on each reject.
    const a2 = await runAgent(22, LIVE_FRAMES);
    const phase2 = await a2.stop(20_000);
    await waitFor(
      'live results stored',
      30_000,
      async () => (await inspected())?.inspected === PILOT_FRAMES + LIVE_FRAMES,
    );
    expect(posted).toHaveLength(phase2.defects);
    expect(posted.every((p) => p.verdict === 'defect')).toBe(true);

    // Audit a few live decisions: 3 confirmed, 1 false reject, 1 missed → π = ρ = 3/4.
    const rejects = (
      await api<ResultsResponse>('/api/results?agent=agent-p&verdict=defect&limit=1000')
    ).results.filter((r) => r.mode === 'live');
    const passes = (
      await api<ResultsResponse>('/api/results?agent=agent-p&verdict=ok&limit=1000')
    ).results.filter((r) => r.mode === 'live');
    expect(rejects).toHaveLength(phase2.defects);
    const label = (r: { seq: number; ts: number }, kind: string) =>
      api(`/api/labels/test/line-p/agent-p/${r.seq}`, { method: 'PUT', body: { kind, ts: r.ts } });
    for (const r of rejects.slice(0, 3)) await label(r, 'confirmed_defect');
    await label(rejects[3] as (typeof rejects)[number], 'false_reject');
    await label(passes[0] as (typeof passes)[number], 'missed_defect');

    await api(`${base}/roi/inputs`, {
      method: 'PUT',
      body: { e_base: 0.05, c_esc: 100, c_fr: 5, capex: 1000, opex_y: 36_500, note: 'finance sheet v2' },
    });
    const roi = await api<RoiReport>(`${base}/roi`);
    const n = LIVE_FRAMES;
    const x = phase2.defects;
    expect(roi.from).toBe(live.go_live_ts);
    expect(roi.counts).toMatchObject({ n, x, n_all: n, pilot_excluded: 0 });
    expect(roi.audit).toEqual({ confirmed_defect: 3, false_reject: 1, missed_defect: 1, confirmed_ok: 0 });
    expect(roi.pi.value).toBe(0.75);
    expect(roi.rho.value).toBe(0.75);
    const f = roi.figures;
    const eCur = (0.75 * x * 0.25) / (0.75 * n);
    expect(f.reject_rate.value).toBeCloseTo(x / n, 12);
    expect(f.escape_rate.value).toBeCloseTo(eCur, 12);
    expect(f.escapes_prevented.inputs.signed).toBeCloseTo(n * (0.05 - eCur), 9);
    const savings = n * (0.05 - eCur) * 100 - 0.25 * x * 5;
    expect(f.savings.value).toBeCloseTo(savings, 6);
    const cost = (36_500 * (roi.to - roi.from)) / YEAR_MS;
    expect(f.cost.value).toBeCloseTo(cost, 9);
    expect(f.z_test.inputs).toMatchObject({ x_base: phase1.defects, n_base: PILOT_FRAMES, x, n });
    expect(roi.cumulative.capex.value).toBe(1000);
    expect(roi.cumulative.roi_pct.value).toBeCloseTo(((savings - cost - 1000) / (1000 + cost)) * 100, 6);
    expect(roi.baseline?.n).toBe(PILOT_FRAMES);
  }, 120_000);
});
