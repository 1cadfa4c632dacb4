import type { InspectionResultInput } from '@sightline/protocol';
import { describe, expect, it } from 'vitest';
import type { StoredResult } from './hub-db.ts';
import { tally } from './tally.ts';

const made = (seq: number, score = 0.1): InspectionResultInput => ({
  seq,
  ts: 1000 + seq,
  frame: `f-${seq}`,
  camera: 'cam0',
  model: { id: 'm', version: '1' },
  verdict: 'ok',
  score,
  threshold: 0.5,
  latency: { capture: 1, preprocess: 1, infer: 1, total: 3 },
});
const row = (agent: string, r: InspectionResultInput): StoredResult => ({
  agent,
  seq: r.seq,
  ts: r.ts,
  frame: r.frame,
  camera: r.camera ?? null,
  verdict: r.verdict,
  score: r.score,
});

describe('tally', () => {
  it('counts lost, duplicated, altered and unexplained results by (agent, seq)', () => {
    const a = new Map([0, 1, 2, 3, 4].map((s) => [s, made(s)]));
    const b = new Map([0, 1].map((s) => [s, made(s)]));
    const stored = [
      row('a', made(0)),
      row('a', made(1)),
      row('a', made(1)), // stored twice
      row('a', made(2, 0.9)), // same seq, other content
      row('b', made(0)),
      row('b', made(7)), // never created
    ];
    const t = tally(
      [
        { agent: 'a', created: a, acked: 4 },
        { agent: 'b', created: b, acked: 0 },
      ],
      stored,
    );
    expect(t).toMatchObject({
      created: 7,
      stored: 4,
      lost: 3, // a#3 (acknowledged), a#4, b#1
      lostAcknowledged: 1,
      duplicated: 2,
      unexplained: 1,
    });
    expect(t.examples).toContain('lost a#3 (acknowledged)');
    expect(t.examples).toContain('stored but never created: b#7');
  });

  it('is all zeros when every created result is stored once', () => {
    const a = new Map([0, 1].map((s) => [s, made(s)]));
    const t = tally([{ agent: 'a', created: a, acked: 2 }], [row('a', made(1)), row('a', made(0))]);
    expect(t).toMatchObject({ created: 2, stored: 2, lost: 0, duplicated: 0, unexplained: 0 });
  });
});
