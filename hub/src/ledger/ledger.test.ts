import { afterEach, describe, expect, it } from 'vitest';
import { createDuckDbStore, type DuckDbStore } from '../store/index.ts';
import { type Ledger, openLedger } from './index.ts';

const line = { site: 's1', line: 'l1' };
let store: DuckDbStore;
let ledger: Ledger;

async function open() {
  store = await createDuckDbStore({ path: ':memory:' });
  ledger = await openLedger(() => store.connect());
}
afterEach(async () => {
  ledger?.close();
  await store?.close();
});

const result = (ts: number, verdict: 'ok' | 'defect') => ({
  ts,
  verdict,
  score: verdict === 'defect' ? 0.9 : 0.1,
  threshold: 0.5,
  mode: 'live' as const,
  model: { id: 'm', version: '1' },
  image: null,
});

describe('ledger', () => {
  it('keeps line modes with their history and the first go-live', async () => {
    await open();
    expect((await ledger.modes.get(line)).mode).toBe('live');
    await ledger.modes.set(line, { mode: 'pilot', who: 'ann', note: 'install', ts: 1000 });
    const live = await ledger.modes.set(line, { mode: 'live', who: 'bob', note: null, ts: 2000 });
    expect(live).toMatchObject({ mode: 'live', since: 2000, set_by: 'bob', go_live_ts: 2000 });
    await ledger.modes.set(line, { mode: 'pilot', who: 'bob', note: 'maintenance', ts: 3000 });
    // A second go-live keeps the first: CAPEX counts once.
    expect(
      (await ledger.modes.set(line, { mode: 'live', who: 'bob', note: null, ts: 4000 })).go_live_ts,
    ).toBe(2000);
    const history = await ledger.modes.history(line);
    expect(history.map((h) => [h.from, h.to, h.go_live])).toEqual([
      ['pilot', 'live', true],
      ['live', 'pilot', false],
      ['pilot', 'live', true],
      [null, 'pilot', false],
    ]);
  });

  it('keeps ROI input changes with who, when, old and new', async () => {
    await open();
    await ledger.inputs.patch(line, { c_esc: 100, capex: 5000 }, { who: 'ann', ts: 10, note: 'quote' });
    const after = await ledger.inputs.patch(
      line,
      { c_esc: 120, capex: 5000 },
      { who: 'bob', ts: 20, note: null },
    );
    expect(after).toMatchObject({ c_esc: 120, capex: 5000, opex_y: null });
    const history = await ledger.inputs.history(line);
    expect(history.map((h) => [h.who, h.field, h.old, h.new])).toEqual([
      ['bob', 'c_esc', 100, 120],
      ['ann', 'c_esc', null, 100],
      ['ann', 'capex', null, 5000],
    ]);
  });

  it('keeps one current label per result, its history, and counts by kind over capture time', async () => {
    await open();
    const key = { ...line, agent: 'a1', seq: 7 };
    await ledger.labels.set(
      key,
      { kind: 'false_reject', note: null, who: 'ann', ts: 100 },
      result(50, 'defect'),
    );
    await ledger.labels.set(
      key,
      { kind: 'confirmed_defect', note: 'scratch', who: 'bob', ts: 200 },
      result(50, 'defect'),
    );
    await ledger.labels.set(
      { ...key, seq: 8 },
      { kind: 'missed_defect', note: null, who: 'ann', ts: 300 },
      result(60, 'ok'),
    );
    expect(await ledger.labels.counts(line, 0, 100)).toEqual({
      confirmed_defect: 1,
      false_reject: 0,
      missed_defect: 1,
      confirmed_ok: 0,
    });
    expect(await ledger.labels.counts(line, 55, 100)).toMatchObject({
      confirmed_defect: 0,
      missed_defect: 1,
    });
    expect((await ledger.labels.history(key)).map((h) => h.kind)).toEqual([
      'confirmed_defect',
      'false_reject',
    ]);
    expect(
      await ledger.labels.set(key, { kind: null, note: null, who: 'bob', ts: 400 }, result(50, 'defect')),
    ).toBeNull();
    expect((await ledger.labels.list({ limit: 10 })).map((l) => l.seq)).toEqual([8]);
  });
});
