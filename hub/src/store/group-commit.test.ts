import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.ts';
import type { OpOutcome, WriteOp } from './write-ops.ts';

const letter = (code: string): WriteOp => ({
  kind: 'dead-letter',
  letter: { ts: 1, topic: 't', sender: null, code, error: 'e', payload: 'p' },
});

describe('createGroupCommit', () => {
  it('puts everything submitted while a commit runs into the next one', async () => {
    const batches: string[][] = [];
    const writer = createGroupCommit({
      async commit(ops) {
        batches.push(ops.map((o) => (o.kind === 'dead-letter' ? o.letter.code : '?')));
        await new Promise((r) => setTimeout(r, 5));
        return ops.map(() => undefined);
      },
    });
    const first = writer.submit(letter('a'));
    await new Promise((r) => setImmediate(r)); // 'a' is committing now
    const rest = ['b', 'c', 'd'].map((c) => writer.submit(letter(c)));
    expect(writer.status().backlog.ops).toBe(3);
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(writer.status()).toMatchObject({
      commits: 2,
      state: 'ready',
      backlog: { ops: 0 },
      commitLagMs: 0,
    });
  });

  it('refuses only the op that fails alone, and commits the others', async () => {
    const committed: string[] = [];
    const writer = createGroupCommit({
      async commit(ops) {
        if (ops.some((o) => o.kind === 'dead-letter' && o.letter.code === 'bad')) {
          throw new Error('Conversion Error: malformed JSON');
        }
        for (const o of ops) if (o.kind === 'dead-letter') committed.push(o.letter.code);
        return ops.map((): OpOutcome => undefined);
      },
    });
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((c) => writer.submit(letter(c))));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'SL_STORE_REJECTED' });
    expect(committed).toEqual(['a', 'c']);
    await writer.drain();
    expect(writer.status()).toMatchObject({ rejected: 1, state: 'ready' });
  });

  it('refuses everything while the disk fails, and recovers after the back-off', async () => {
    let full = true;
    let clock = 1000;
    const writer = createGroupCommit({
      async commit(ops) {
        if (full) throw new Error('IO Error: No space left on device');
        return ops.map(() => undefined);
      },
      retryMs: { first: 100, max: 1000 },
      now: () => clock,
    });
    await expect(writer.submit(letter('a'))).rejects.toMatchObject({ code: 'SL_STORE_UNAVAILABLE' });
    expect(writer.status()).toMatchObject({ state: 'failing', failures: 1, retryAt: 1100 });
    // Within the back-off: refused at once, no attempt made.
    await expect(writer.submit(letter('b'))).rejects.toMatchObject({ code: 'SL_STORE_UNAVAILABLE' });
    expect(writer.status().failures).toBe(1);
    full = false;
    clock = 1200;
    await expect(writer.submit(letter('c'))).resolves.toBeUndefined();
    expect(writer.status()).toMatchObject({ state: 'ready', commits: 1 });
  });
});
