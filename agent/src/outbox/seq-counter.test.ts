import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSeqCounter } from './seq-counter.ts';

let dir: string;
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('seq counter', () => {
  it('is dense within a run and monotonic across restarts', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-seq-'));
    const a = await createSeqCounter(dir);
    const first: number[] = [];
    for (let i = 0; i < 2500; i++) first.push(await a.next());
    expect(first[0]).toBe(0);
    expect(first.at(-1)).toBe(2499);
    // A restart (even after a crash) continues above every number ever issued.
    const b = await createSeqCounter(dir);
    const after = await b.next();
    expect(after).toBeGreaterThan(2499);
    expect(Number(await readFile(join(dir, 'seq'), 'utf8'))).toBeGreaterThan(after);
  });

  it('hands out unique numbers to concurrent callers', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sl-seq-'));
    const c = await createSeqCounter(dir);
    const seqs = await Promise.all(Array.from({ length: 3000 }, () => c.next()));
    expect(new Set(seqs).size).toBe(3000);
  });
});
