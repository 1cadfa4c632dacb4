import { type AgentRef, agentKey, decode, SampleMeta } from '@sightline/protocol';
import type { Logger } from 'pino';
import { chunkProblem, metaProblem, sameMeta } from './checks.ts';
import { partialKey } from './layout.ts';
import type { SampleOutcome, SampleRejectCode } from './outcome.ts';
import type { PartialFiles, RecoveredPartial } from './partial-files.ts';
import { type AssemblerLimits, createPartialSet, type Partial, type PartialCounts } from './partial-set.ts';
import type { CompleteSample } from './sample-store.ts';

export type { AssemblerLimits } from './partial-set.ts';

export interface AssemblerCounts extends PartialCounts {
  /** Redelivered parts, and parts of samples already stored. */
  duplicates: number;
  /** Parts of samples given up (failed, expired or dropped) that kept arriving. */
  discarded: number;
  /** Samples rejected as invalid (dead-lettered). */
  failed: number;
}

/** Where complete samples go (the content-addressed store). */
export interface SampleSink {
  put(sample: CompleteSample): Promise<SampleOutcome>;
  putReference(ref: AgentRef, meta: SampleMeta, receivedTs: number): Promise<SampleOutcome | null>;
  /** Whether this sender's sample of this image is stored already. */
  has(ref: AgentRef, sha256: string): Promise<boolean>;
}

/** Metas a partial keeps at most (the same image sent for several results). */
const MAX_METAS = 16;
const META_MAX_BYTES = 16 * 1024;
const DUPLICATE = { kind: 'duplicate' } as const;
const HELD = { kind: 'held' } as const;

const complete = (p: Partial) => p.metas[0] !== undefined && p.chunks.size === p.metas[0].chunks;

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
  const { files, sink, log, now = Date.now } = deps;
  const set = createPartialSet({ files, limits: deps.limits, log, now });
  const counts = { duplicates: 0, discarded: 0, failed: 0 };

  /** Gives up the sample (caller holds its lock); later parts of it are discarded. */
  function fail(key: string, code: SampleRejectCode, error: string): SampleOutcome {
    const p = set.get(key);
    if (p && set.forget(p)) set.removeLater(p);
    counts.failed++;
    set.settle(key, false);
    return { kind: 'rejected', code, error };
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
      p.state = 'collecting'; // parts stay on disk; the unacknowledged part comes again and completes it
      throw error;
    }
    if (set.forget(p)) await set.removeFolder(p);
    set.settle(p.key, outcome.kind === 'stored');
    if (outcome.kind === 'rejected') counts.failed++;
    else log.debug({ agent: agentKey(p.ref), sha256: p.sha256, bytes: meta.bytes }, 'sample stored');
    return outcome;
  }

  /** A repeated part: nothing new, unless an earlier commit failed and this is its retry. */
  function repeated(p: Partial, ts: number) {
    if (complete(p)) return commit(p, ts);
    counts.duplicates++;
    return DUPLICATE;
  }

  async function onMeta(ref: AgentRef, sha256: string, key: string, payload: Uint8Array, ts: number) {
    const from = `sample ${sha256} from ${agentKey(ref)}`;
    const decoded = decode(SampleMeta, payload, META_MAX_BYTES);
    if (!decoded.ok) {
      const { code, message } = decoded.error;
      return fail(key, code as SampleRejectCode, `${from}: meta: ${message}`);
    }
    const meta = decoded.value;
    const problem = metaProblem(meta, sha256);
    if (problem) return fail(key, 'SL_SAMPLE_INVALID', `${from}: ${problem}`);

    let p = set.get(key);
    if (!p && set.settled(key)?.stored === false) {
      counts.discarded++;
      return DUPLICATE;
    }
    if (!p) {
      // The image may be stored already (another sender, another seq): then the meta alone is enough.
      const shortcut = await sink.putReference(ref, meta, ts);
      if (shortcut) {
        if (shortcut.kind === 'duplicate') counts.duplicates++;
        if (shortcut.kind === 'rejected') counts.failed++;
        set.settle(key, shortcut.kind !== 'rejected');
        return shortcut;
      }
      set.makeRoom(0);
      p = set.open(ref, sha256);
    } else if (p.metas.some((m) => sameMeta(m, meta))) {
      return repeated(p, ts);
    } else if (p.metas.length >= MAX_METAS) {
      return fail(key, 'SL_SAMPLE_INVALID', `${from}: more than ${MAX_METAS} metas`);
    }
    for (const [n, size] of p.chunks) {
      const bad = chunkProblem(meta, n, size);
      if (bad) return fail(key, 'SL_SAMPLE_CHUNK_INVALID', `${from}: ${bad}`);
    }
    if (p.metas[0] && p.metas[0].bytes !== meta.bytes) {
      return fail(key, 'SL_SAMPLE_INVALID', `${from}: metas disagree on bytes`);
    }
    await files.writeMeta(p.name, p.metas.length, payload);
    p.metas.push(meta);
    p.touched = now();
    return complete(p) ? commit(p, ts) : HELD;
  }

  async function onChunk(
    ref: AgentRef,
    sha256: string,
    key: string,
    n: number,
    payload: Uint8Array,
    ts: number,
  ) {
    const size = payload.byteLength;
    let p = set.get(key);
    const bounds = chunkProblem(p?.metas[0], n, size);
    if (bounds)
      return fail(key, 'SL_SAMPLE_CHUNK_INVALID', `sample ${sha256} from ${agentKey(ref)}: ${bounds}`);
    if (!p) {
      const before = set.settled(key);
      if (before || (await sink.has(ref, sha256))) {
        counts[before && !before.stored ? 'discarded' : 'duplicates']++;
        return DUPLICATE;
      }
      set.makeRoom(size);
      p = set.open(ref, sha256);
    }
    if (p.chunks.has(n)) return repeated(p, ts);
    const meta = p.metas[0];
    if (meta && p.chunks.size === meta.chunks - 1) return commit(p, ts, { n, payload });
    set.makeRoom(size, p);
    await files.writeChunk(p.name, n, payload);
    set.held(p, n, size); // if p was dropped meanwhile, it was counted there and its folder goes
    return HELD;
  }

  /** Takes back what a previous run left half-assembled; completes any that are whole. */
  async function recover(found: RecoveredPartial[]): Promise<void> {
    for (const r of found) {
      const p = set.open(r.ref, r.sha256);
      for (const [n, size] of r.chunks) set.held(p, n, size);
      p.touched = r.touched;
      for (const payload of r.metas) {
        const decoded = decode(SampleMeta, payload, META_MAX_BYTES);
        if (decoded.ok) p.metas.push(decoded.value);
      }
      const meta = p.metas[0];
      const bad = meta ? [...p.chunks].some(([n, size]) => chunkProblem(meta, n, size)) : false;
      if (bad || p.metas.length < r.metas.length) {
        set.forget(p);
        await set.removeFolder(p);
      } else if (complete(p)) {
        await set
          .locked(p.key, () => commit(p, p.touched))
          .catch((err: unknown) =>
            log.error(
              { err, sha256: p.sha256 },
              'cannot store a recovered sample; it waits for a redelivery',
            ),
          );
      }
    }
    const { partials, partialBytes } = set.counts();
    log.info({ partials, bytes: partialBytes }, 'partial samples recovered');
  }

  return {
    recover,
    counts: (): AssemblerCounts => ({ ...set.counts(), ...counts }),

    /** One sample part. Resolves when it is durably dealt with; rejects on I/O failure (do not ack). */
    handle(ref: AgentRef, sha256: string, chunk: 'meta' | number, payload: Uint8Array, receivedTs: number) {
      const key = partialKey(ref, sha256);
      return set.locked(key, () =>
        chunk === 'meta'
          ? onMeta(ref, sha256, key, payload, receivedTs)
          : onChunk(ref, sha256, key, chunk, payload, receivedTs),
      );
    },

    expire: set.expire,
    idle: set.idle,
  };
}

export type Assembler = ReturnType<typeof createAssembler>;
