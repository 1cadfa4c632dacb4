import { describe, expect, it } from 'vitest';
import type { CapturedFrame } from '../capture/index.ts';
import { createPartSelector } from './part-selector.ts';

const frame = (i: number, ms = 1000 / 30): CapturedFrame => ({
  id: `f${i}`,
  ts: i * ms,
  captureMs: 0,
  frame: { width: 1, height: 1, channels: 1, data: new Uint8Array(1) },
});

describe('part selector', () => {
  it('inspects the frame nearest trigger + capture delay, once the frames have reached that moment', () => {
    let recipe = 'a';
    const s = createPartSelector({ bind: () => recipe });
    expect(s.frame(frame(0))).toEqual([]);
    expect(s.trigger({ kind: 'gpio', ts: 10 }, 40)).toEqual([]); // due at 50 ms: frames 1 (33) and 2 (67)
    recipe = 'b';
    expect(s.frame(frame(1))).toEqual([]);
    const [part] = s.frame(frame(2));
    expect(part?.captured.id).toBe('f1'); // 33 is nearer 50 than 67 is
    expect(part?.bound).toBe('a'); // the recipe when it was triggered
    expect(s.pending()).toBe(0);
  });

  it('serves a trigger that arrives after its moment from the recent frames', () => {
    const s = createPartSelector({ bind: () => 'r' });
    for (let i = 0; i < 10; i++) s.frame(frame(i));
    const [late] = s.trigger({ kind: 'mqtt', ts: 130, part: 'P7' }, 0);
    expect(late?.captured.id).toBe('f4');
    expect(late?.trigger.part).toBe('P7');
  });

  it('calls a part missed when no frame is near its moment (frames dropped), or when it is older than the history', () => {
    const s = createPartSelector({ bind: () => 'r' });
    for (let i = 0; i < 5; i++) s.frame(frame(i));
    s.trigger({ kind: 'gpio', ts: 200 }, 0);
    // The camera skipped frames 6-8: the nearest frame to 200 ms is 100 ms away.
    expect(s.frame(frame(9))).toEqual([]);
    expect(s.takeMissed().map((m) => m.why)).toEqual(['no-frame-near']);
    expect(s.trigger({ kind: 'gpio', ts: -500 }, 0)).toEqual([]);
    expect(s.takeMissed()).toHaveLength(1);
  });

  it('expires triggers of a silent camera and misses the ones left at the end', () => {
    const s = createPartSelector({ bind: () => 'r', maxOffsetMs: 20 });
    s.frame(frame(0));
    s.trigger({ kind: 'gpio', ts: 100 }, 0);
    s.trigger({ kind: 'gpio', ts: 5000 }, 0);
    expect(s.expire(1099)).toEqual([]);
    expect(s.expire(1101).map((m) => m.trigger.ts)).toEqual([100]);
    expect(s.end().map((m) => [m.trigger.ts, m.why])).toEqual([[5000, 'stopped']]);
  });

  it('keeps parts in the order of their moments, whatever order the triggers came in', () => {
    const s = createPartSelector({ bind: () => 'r' });
    s.frame(frame(0));
    s.trigger({ kind: 'http', ts: 300 }, 0);
    s.trigger({ kind: 'http', ts: 100 }, 0);
    const out = [];
    for (let i = 1; i < 12; i++) out.push(...s.frame(frame(i)));
    expect(out.map((p) => p.captured.id)).toEqual(['f3', 'f9']);
  });
});
