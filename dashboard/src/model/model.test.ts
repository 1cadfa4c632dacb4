import { describe, expect, it } from 'vitest';
import type { AgentSnapshot } from '../api/types.ts';
import { createHubClock } from './hub-clock.ts';
import { deriveLineState } from './line-state.ts';
import { bucketFor, resolveRange, shiftStart } from './range.ts';
import { parseRoute, routePath } from './route.ts';
import { linearScale, niceMax, niceTicks } from './scale.ts';

describe('routes', () => {
  it('parses every page and writes it back', () => {
    const paths = [
      '/',
      '/lines/plant-1/line-1',
      '/lines/line-1',
      '/agents',
      '/gallery',
      '/roi',
      '/alarms',
      '/models',
    ];
    for (const p of paths) expect(routePath(parseRoute(p))).toBe(p);
    expect(parseRoute('/lines/plant%201/l%2F2')).toEqual({ page: 'line', site: 'plant 1', line: 'l/2' });
    expect(parseRoute('/nope/x')).toEqual({ page: 'not-found', path: '/nope/x' });
    expect(parseRoute('/agents/')).toEqual({ page: 'agents' });
    expect(parseRoute('/models')).toEqual({ page: 'models' });
  });
});

describe('hub clock', () => {
  it('runs on the browser clock from the last observation, so a frozen hub does not stop time', () => {
    let browser = 1_000_000;
    const clock = createHubClock(() => browser);
    // The hub is 5 s ahead; the answer took 200 ms.
    clock.observe(1_005_100, 1_000_000, 1_000_200);
    browser = 1_000_200;
    expect(clock.now()).toBe(1_005_200);
    browser += 45_000; // no answer for 45 s: the estimate keeps moving
    expect(clock.now()).toBe(1_050_200);
  });
});

const agent = (over: Partial<AgentSnapshot> & { online?: boolean; seen: number }): AgentSnapshot => ({
  site: 's',
  line: 'l',
  agent: over.agent ?? 'a',
  birth: null,
  state: over.online === undefined ? null : { online: over.online, session: 'x', ts: over.seen },
  stats: null,
  model_status: null,
  last_seen_ts: over.seen,
});

describe('line state', () => {
  const now = 10_000_000;
  it('is running while agents are online and results arrive', () => {
    const s = deriveLineState({
      agents: [agent({ online: true, seen: now - 1000 })],
      lastTs: now - 500,
      hubNow: now,
      live: true,
    });
    expect(s).toMatchObject({ state: 'running', online: 1, agents: 1, reason: 'results arriving' });
  });
  it('is offline when every agent says so, whatever the last figures were', () => {
    const s = deriveLineState({
      agents: [agent({ online: false, seen: now - 3000 })],
      lastTs: now - 4000,
      hubNow: now,
      live: true,
    });
    expect(s).toMatchObject({ state: 'offline', reason: 'agent offline', since: now - 3000 });
  });
  it('is offline when an agent online by its retained state has gone silent', () => {
    const s = deriveLineState({
      agents: [agent({ online: true, seen: now - 95_000 })],
      lastTs: now - 95_000,
      hubNow: now,
      live: true,
    });
    expect(s).toMatchObject({ state: 'offline', reason: 'no word from the agents for 95 s' });
  });
  it('is stale when agents run but no part arrived lately, and says how long', () => {
    const s = deriveLineState({
      agents: [agent({ online: true, seen: now - 2000 })],
      lastTs: now - 150_000,
      hubNow: now,
      live: true,
    });
    expect(s).toMatchObject({ state: 'stale', reason: 'no results for 3 min' });
  });
  it('is stale whenever the dashboard is not live', () => {
    const s = deriveLineState({
      agents: [agent({ online: true, seen: now })],
      lastTs: now,
      hubNow: now,
      live: false,
      notLiveReason: 'hub not answering',
    });
    expect(s).toMatchObject({ state: 'stale', reason: 'hub not answering' });
  });
  it('counts agents offline on a running line', () => {
    const s = deriveLineState({
      agents: [
        agent({ agent: 'a', online: true, seen: now }),
        agent({ agent: 'b', online: false, seen: now - 9000 }),
      ],
      lastTs: now,
      hubNow: now,
      live: true,
    });
    expect(s).toMatchObject({ state: 'running', reason: '1 of 2 agents offline', online: 1 });
  });
});

describe('ranges', () => {
  const clock = { utcOffsetMinutes: 60, shiftStartMinute: 360, shiftMinutes: 480 };
  it('starts shifts at the local shift start', () => {
    // 2026-01-10 12:30 UTC = 13:30 local (UTC+1): the 06:00–14:00 local shift began 05:00 UTC.
    expect(new Date(shiftStart(Date.UTC(2026, 0, 10, 12, 30), clock)).toISOString()).toBe(
      '2026-01-10T05:00:00.000Z',
    );
    expect(new Date(shiftStart(Date.UTC(2026, 0, 10, 4, 59), clock)).toISOString()).toBe(
      '2026-01-09T21:00:00.000Z',
    );
  });
  it('picks a bucket giving at most 200 points', () => {
    expect(bucketFor(3_600_000)).toEqual({ bucket: 'minute', bucketMinutes: 1 });
    expect(bucketFor(8 * 3_600_000)).toEqual({ bucket: '5m', bucketMinutes: 5 });
    expect(bucketFor(24 * 3_600_000)).toEqual({ bucket: '15m', bucketMinutes: 15 });
    expect(bucketFor(7 * 86_400_000)).toEqual({ bucket: 'hour', bucketMinutes: 60 });
  });
  it('resolves the previous shift and whole minutes', () => {
    const now = Date.UTC(2026, 0, 10, 12, 30, 20);
    const r = resolveRange('prev-shift', now, clock);
    expect([new Date(r.from).toISOString(), new Date(r.to).toISOString()]).toEqual([
      '2026-01-09T21:00:00.000Z',
      '2026-01-10T05:00:00.000Z',
    ]);
    const h = resolveRange('1h', now, clock);
    expect(h.to - h.from).toBe(61 * 60_000);
    expect(resolveRange('custom', now, clock, { from: now - 1000, to: now - 2000 }).bucket).toBe('5m');
  });
});

describe('scales', () => {
  it('maps linearly and finds round ticks', () => {
    const s = linearScale([0, 10], [100, 0]);
    expect(s(5)).toBe(50);
    expect(niceTicks(0, 0.023, 4)).toEqual([0, 0.01, 0.02, 0.03]);
    expect(niceMax(0.023)).toBe(0.03);
    expect(niceTicks(0, 870, 4)).toEqual([0, 250, 500, 750, 1000]);
  });
});
