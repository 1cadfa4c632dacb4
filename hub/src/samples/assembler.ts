import { type AgentRef, agentKey, decode, SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';
import { chunkProblem, metaProblem, sameMeta } from './checks.ts';
import { partialKey, partialName } from './layout.ts';
import type { SampleOutcome, SampleRejectCode } from './outcome.ts';
import type { PartialFiles, RecoveredPartial } from './partial-files.ts';
import type { CompleteSample } from './sample-store.ts';

export interface AssemblerLimits {
  /** Samples being assembled at once; a new one beyond this drops the least recently active. */
  maxPartials: number;
  /** Bytes held in partial samples at once; likewise. */
  maxPartialBytes: number;
  /** A partial without a new part for this long is dropped (counted as expired). */
  timeoutMs: number;
}

export interface AssemblerCounts {
  /** Samples being assembled now, and their bytes held on disk. */
  partials: number;
  partialBytes: number;
  /** Redelivered parts, and parts of samples already stored. */
  duplicates: number;
  /** Parts of samples given up (failed, expired or dropped) that kept arriving. */
  discarded: number;
  /** Samples rejected as invalid (dead-lettered). */
  failed: number;
  /** Partials dropped after the timeout. */
  expired: number;
  /** Partials dropped to stay within maxPartials / maxPartialBytes. */
  dropped: number;
}

/** Where complete samples go (the content-addressed store). */
export interface SampleSink {
  put(sample: CompleteSample): Promise<SampleOutcome>;
  putReference(ref: AgentRef, meta: SampleMeta, receivedTs: number): Promise<SampleOutcome | null>;
  /** Whether this sender's sample of this image is stored already. */
  has(ref: AgentRef, sha256: string): Promise<boolean>;
}

interface Partial {
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

/** Metas a partial keeps at most (the same image sent for several results). */
const MAX_METAS = 16;
/** Samples remembered as settled, so their late or redelivered parts are not assembled again. */
const SETTLED_MAX = 10_000;
const META_MAX_BYTES = 16 * 1024;

/**
 * Puts samples together from their meta and chunks, in any order and with repeats. Each part is written to
 * the sample's partial folder before its outcome resolves (so the caller may acknowledge it); the last
 * part completes the sample straight into the store. Per sample, parts are handled one at a time.
 */
export function createAssembler(deps: {
  files: PartialFiles;
  sink: SampleSink;
  limits: AssemblerLimits;
  log: Logger;
  now?: () => number;
}) {
  const { files, sink, limits, log, now = Date.now } = deps;
  const partials = new Map<string, Partial>();
  const settled = new Map<string, { at: number; stored: boolean }>();
  const locks = new Map<string, Promise<unknown>>();
  const counts: AssemblerCounts = {
    partials: 0,
    partialBytes: 0,
    duplicates: 0,
    discarded: 0,
    failed: 0,
    expired: 0,
    dropped: 0,
  };

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

  /**
   * Drops the least recently active partials until `bytes` more fit, and (for a new partial, `growing`
   * undefined) one more partial.
   */
  function makeRoom(bytes: number, growing?: Partial): void {
    const over = () =>
      (!growing && partials.size >= limits.maxPartials) ||
      counts.partialBytes + bytes > limits.maxPartialBytes;
    while (over()) {
      let oldest: Partial | undefined;
      for (const p of partials.values()) {
        if (p !== growing && p.state === 'collecting' && (!oldest || p.touched < oldest.touched)) oldest = p;
      }
      if (!oldest) return;
      drop(oldest, 'dropped');
    }
  }

  /** Gives up the sample (caller holds its lock); later parts of it are discarded. */
  function fail(key: string, code: SampleRejectCode, error: string): SampleOutcome {
    const p = partials.get(key);
    if (p && forget(p)) removeLater(p);
    counts.failed++;
    settle(key, false);
    return { kind: 'rejected', code, error };
  }

  function open(ref: AgentRef, sha256: string, key: string): Partial {
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
  }

  async function commit(p: Partial, receivedTs: number, last?: { n: number; payload: Uint8Array }) {
    const meta = p.metas[0] as SampleMeta;
    p.state = 'committing';
    async function* chunks() {
      for (let n = 0; n < meta.chunks; n++) {
        yield n === last?.n ? last.payload : await files.readChunk(p.name, n);
      }
    }
    let outcome: SampleOutcome;
    try {
      outcome = await sink.put({ ref: p.ref, sha256: p.sha256, metas: p.metas, receivedTs, chunks });
    } catch (error) {
      p.state = 'collecting'; // parts stay on disk; the unacknowledged last part comes again
      throw error;
    }
    if (forget(p)) await removeFolder(p);
    settle(p.key, outcome.kind === 'stored');
    if (outcome.kind === 'rejected') counts.failed++;
    else log.debug({ agent: agentKey(p.ref), sha256: p.sha256, bytes: meta.bytes }, 'sample stored');
    return outcome;
  }

  const complete = (p: Partial) => {
    const meta = p.metas[0];
    return meta !== undefined && p.chunks.size === meta.chunks;
  };

  async function onMeta(ref: AgentRef, sha256: string, key: string, payload: Uint8Array, ts: number) {
    const sender = agentKey(ref);
    const decoded = decode(SampleMeta, payload, META_MAX_BYTES);
    if (!decoded.ok) {
      const { code, message } = decoded.error;
      return fail(key, code as SampleRejectCode, `sample ${sha256} meta from ${sender}: ${message}`);
    }
    const meta = decoded.value;
    const problem = metaProblem(meta, sha256);
    if (problem) return fail(key, 'SL_SAMPLE_INVALID', `sample ${sha256} from ${sender}: ${problem}`);

    let p = partials.get(key);
    if (!p && settled.get(key)?.stored === false) {
      counts.discarded++;
      return { kind: 'duplicate' } as const;
    }
    if (!p) {
      const shortcut = await sink.putReference(ref, meta, ts);
      if (shortcut) {
        if (shortcut.kind === 'duplicate') counts.duplicates++;
        if (shortcut.kind === 'rejected') counts.failed++;
        settle(key, shortcut.kind !== 'rejected');
        return shortcut;
      }
      makeRoom(0);
      p = open(ref, sha256, key);
    } else if (p.metas.some((m) => sameMeta(m, meta))) {
      counts.duplicates++;
      return { kind: 'duplicate' } as const;
    } else if (p.metas.length >= MAX_METAS) {
      return fail(key, 'SL_SAMPLE_INVALID', `sample ${sha256} from ${sender}: more than ${MAX_METAS} metas`);
    }
    for (const [n, size] of p.chunks) {
      const bad = chunkProblem(meta, n, size);
      if (bad) return fail(key, 'SL_SAMPLE_CHUNK_INVALID', `sample ${sha256} from ${sender}: ${bad}`);
    }
    if (p.metas[0] && p.metas[0].bytes !== meta.bytes) {
      return fail(key, 'SL_SAMPLE_INVALID', `sample ${sha256} from ${sender}: metas disagree on bytes`);
    }
    await files.writeMeta(p.name, p.metas.length, payload);
    p.metas.push(meta);
    p.touched = now();
    return complete(p) ? commit(p, ts) : ({ kind: 'held' } as const);
  }

  async function onChunk(
    ref: AgentRef,
    sha256: string,
    key: string,
    n: number,
    payload: Uint8Array,
    ts: number,
  ) {
    const sender = agentKey(ref);
    const size = payload.byteLength;
    let p = partials.get(key);
    const bounds = chunkProblem(p?.metas[0], n, size);
    if (bounds) return fail(key, 'SL_SAMPLE_CHUNK_INVALID', `sample ${sha256} from ${sender}: ${bounds}`);
    if (!p) {
      const before = settled.get(key);
      if (before || (await sink.has(ref, sha256))) {
        counts[before && !before.stored ? 'discarded' : 'duplicates']++;
        return { kind: 'duplicate' } as const;
      }
      makeRoom(size);
      p = open(ref, sha256, key);
    }
    if (p.chunks.has(n)) {
      counts.duplicates++;
      return { kind: 'duplicate' } as const;
    }
    const meta = p.metas[0];
    if (meta && p.chunks.size === meta.chunks - 1) return commit(p, ts, { n, payload });
    makeRoom(size, p);
    await files.writeChunk(p.name, n, payload);
    if (p.state === 'gone') return { kind: 'held' } as const; // dropped meanwhile; counted there
    p.chunks.set(n, size);
    p.bytes += size;
    counts.partialBytes += size;
    p.touched = now();
    return { kind: 'held' } as const;
  }

  /** Takes back what a previous run left half-assembled; completes any that are whole. */
  async function recover(found: RecoveredPartial[]): Promise<void> {
    for (const r of found) {
      const key = partialKey(r.ref, r.sha256);
      const p = open(r.ref, r.sha256, key);
      p.touched = r.touched;
      for (const [n, size] of r.chunks) {
        p.chunks.set(n, size);
        p.bytes += size;
      }
      counts.partialBytes += p.bytes;
      for (const payload of r.metas) {
        const decoded = decode(SampleMeta, payload, META_MAX_BYTES);
        if (decoded.ok) p.metas.push(decoded.value);
      }
      const meta = p.metas[0];
      const bad = meta ? [...p.chunks].some(([n, size]) => chunkProblem(meta, n, size)) : false;
      if (bad || p.metas.length < r.metas.length) {
        forget(p);
        await removeFolder(p);
      } else if (complete(p)) {
        await locked(key, () => commit(p, p.touched)).catch((err: unknown) =>
          log.error({ err, sha256: p.sha256 }, 'cannot store a recovered sample; it waits for its last part'),
        );
      }
    }
    log.info({ partials: partials.size, bytes: counts.partialBytes }, 'partial samples recovered');
  }

  return {
    recover,
    counts: (): Readonly<AssemblerCounts> => counts,

    /** One sample part. Resolves when it is durably dealt with; rejects on I/O failure (do not ack). */
    handle(ref: AgentRef, sha256: string, chunk: 'meta' | number, payload: Uint8Array, receivedTs: number) {
      const key = partialKey(ref, sha256);
      return locked(key, () =>
        chunk === 'meta'
          ? onMeta(ref, sha256, key, payload, receivedTs)
          : onChunk(ref, sha256, key, chunk, payload, receivedTs),
      );
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

export type Assembler = ReturnType<typeof createAssembler>;
