import { type AgentRef, agentKey, type SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';
import { partialKey, partialName } from './layout.ts';
import type { PartialFiles } from './partial-files.ts';

export interface AssemblerLimits {
  /** Samples being assembled at once; a new one beyond this drops the least recently active. */
  maxPartials: number;
  /** Bytes held in partial samples at once; likewise. */
  maxPartialBytes: number;
  /** A partial without a new part for this long is dropped (counted as expired). */
  timeoutMs: number;
}

/** One sample being assembled, its parts on disk. */
export interface Partial {
  key: string;
  name: string;
  ref: AgentRef;
  sha256: string;
  metas: SampleMeta[];
  /** Chunk index → bytes, each chunk on disk. */
  chunks: Map<number, number>;
  bytes: number;
  touched: number;
  state: 'collecting' | 'committing' | 'gone';
}

export interface PartialCounts {
  /** Samples being assembled now, and their bytes held on disk. */
  partials: number;
  partialBytes: number;
  /** Partials dropped after the timeout. */
  expired: number;
  /** Partials dropped to stay within maxPartials / maxPartialBytes. */
  dropped: number;
}

/** Samples remembered as settled, so their late or redelivered parts are not assembled again. */
const SETTLED_MAX = 10_000;

/**
 * The partial samples in memory (their parts are on disk): a per-sample lock so parts of one sample are
 * handled one at a time, the limits (least recently active dropped first), expiry, and a bounded memory
 * of samples settled lately.
 */
export function createPartialSet(deps: {
  files: PartialFiles;
  limits: AssemblerLimits;
  log: Logger;
  now: () => number;
}) {
  const { files, limits, log, now } = deps;
  const partials = new Map<string, Partial>();
  const settled = new Map<string, { at: number; stored: boolean }>();
  const locks = new Map<string, Promise<unknown>>();
  const counts: PartialCounts = { partials: 0, partialBytes: 0, expired: 0, dropped: 0 };

  function locked<T>(key: string, task: () => Promise<T>): Promise<T> {
    const run = (locks.get(key) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => locks.get(key) === tail && locks.delete(key));
    return run;
  }

  function settle(key: string, stored: boolean): void {
    settled.delete(key);
    settled.set(key, { at: now(), stored });
    if (settled.size > SETTLED_MAX) settled.delete(settled.keys().next().value as string);
  }

  /** Forgets a partial at once (its folder goes separately); false when it was gone already. */
  function forget(p: Partial): boolean {
    if (p.state === 'gone') return false;
    p.state = 'gone';
    partials.delete(p.key);
    counts.partials = partials.size;
    counts.partialBytes -= p.bytes;
    return true;
  }

  async function removeFolder(p: Partial): Promise<void> {
    await files
      .remove(p.name)
      .catch((err: unknown) => log.error({ err, sha256: p.sha256 }, 'cannot remove partial'));
  }

  /** For callers not holding p's lock: the folder goes after any part of p being written now. */
  function removeLater(p: Partial): void {
    void locked(p.key, () => removeFolder(p));
  }

  function drop(p: Partial, why: 'expired' | 'dropped'): void {
    if (!forget(p)) return;
    counts[why]++;
    settle(p.key, false);
    const held = { chunks: p.chunks.size, of: p.metas[0]?.chunks ?? null };
    log.warn({ agent: agentKey(p.ref), sha256: p.sha256, ...held, why }, 'partial sample given up');
    removeLater(p);
  }

  return {
    counts: (): Readonly<PartialCounts> => counts,
    locked,
    get: (key: string) => partials.get(key),
    settled: (key: string) => settled.get(key),
    settle,
    forget,
    removeFolder,
    removeLater,

    open(ref: AgentRef, sha256: string): Partial {
      const key = partialKey(ref, sha256);
      const p: Partial = {
        key,
        name: partialName(ref, sha256),
        ref,
        sha256,
        metas: [],
        chunks: new Map(),
        bytes: 0,
        touched: now(),
        state: 'collecting',
      };
      partials.set(key, p);
      counts.partials = partials.size;
      return p;
    },

    /** Records a chunk written to p's folder. */
    held(p: Partial, n: number, size: number): void {
      p.chunks.set(n, size);
      p.bytes += size;
      if (p.state !== 'gone') counts.partialBytes += size;
      p.touched = now();
    },

    /**
     * Drops the least recently active partials until `bytes` more fit, and (for a new partial, `growing`
     * undefined) one more partial.
     */
    makeRoom(bytes: number, growing?: Partial): void {
      const over = () =>
        (!growing && partials.size >= limits.maxPartials) ||
        counts.partialBytes + bytes > limits.maxPartialBytes;
      while (over()) {
        let oldest: Partial | undefined;
        for (const p of partials.values()) {
          if (p !== growing && p.state === 'collecting' && (!oldest || p.touched < oldest.touched))
            oldest = p;
        }
        if (!oldest) return;
        drop(oldest, 'dropped');
      }
    },

    /** Drops partials idle longer than the timeout, and forgets old settled samples. */
    expire(): void {
      const cutoff = now() - limits.timeoutMs;
      for (const p of [...partials.values()]) {
        if (p.state === 'collecting' && p.touched < cutoff) drop(p, 'expired');
      }
      for (const [key, s] of settled) {
        if (s.at >= cutoff) break;
        settled.delete(key);
      }
    },

    /** Waits for every part being handled. */
    async idle(): Promise<void> {
      while (locks.size > 0) await Promise.allSettled([...locks.values()]);
    },
  };
}

export type PartialSet = ReturnType<typeof createPartialSet>;
