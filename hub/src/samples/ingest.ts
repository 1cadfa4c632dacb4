import { mkdir } from 'node:fs/promises';
import type { AgentRef, SampleChunk } from '@sightline/protocol';
import type { Logger } from 'pino';
import { type AssemblerCounts, type AssemblerLimits, createAssembler } from './assembler.ts';
import type { SampleOutcome } from './outcome.ts';
import { createPartialFiles } from './partial-files.ts';
import type { SampleIndex } from './sample-index.ts';
import { createSampleStore, type SampleStoreCounts } from './sample-store.ts';

export type SampleCounts = AssemblerCounts & SampleStoreCounts;

export interface SampleIngestOptions {
  /** The samples table. */
  store: SampleIndex;
  /** Folder of the images (`<dir>/ab/abcdef….jpg`) and of partial samples (`<dir>/.partial/`). */
  dir: string;
  quotaMB: number;
  log: Logger;
  limits?: Partial<AssemblerLimits>;
  now?: () => number;
}

export interface SampleIngest {
  /**
   * One sample message (topic kind 'sample'). Resolves once it is durably held (part written to its
   * partial, or the whole image committed) or is a duplicate: then acknowledge it. A `rejected` outcome
   * is to be dead-lettered with its code and error, then acknowledged. Rejects on I/O failure (disk full):
   * leave the message unacknowledged so the broker redelivers it.
   */
  handle(
    ref: AgentRef,
    sha256: string,
    chunk: SampleChunk,
    payload: Uint8Array,
    receivedTs: number,
  ): Promise<SampleOutcome>;
  counts(): SampleCounts;
  /** Where the image of a stored sample is, for serving it; null when not stored. */
  file(sha256: string): Promise<{ path: string; content_type: string; bytes: number } | null>;
  /** Stops expiry and waits for parts being handled. The index is the caller's to close. */
  close(): Promise<void>;
}

export const SAMPLE_LIMIT_DEFAULTS: AssemblerLimits = {
  maxPartials: 64,
  maxPartialBytes: 256 * 1024 * 1024,
  timeoutMs: 10 * 60_000,
};

/** Samples from agents: assembled from MQTT chunks, stored once per sha256 within a disk quota. */
export async function createSampleIngest({
  store: index,
  dir,
  quotaMB,
  log,
  limits,
  now = Date.now,
}: SampleIngestOptions): Promise<SampleIngest> {
  await mkdir(dir, { recursive: true });
  const images = await createSampleStore({ dir, quotaBytes: quotaMB * 1024 * 1024, index, log });
  const partialFiles = createPartialFiles(dir);
  const full = { ...SAMPLE_LIMIT_DEFAULTS, ...limits };
  const assembler = createAssembler({
    files: partialFiles,
    sink: {
      put: images.put,
      putReference: images.putReference,
      has: (ref, sha256) => index.has(ref, sha256),
    },
    limits: full,
    log,
    now,
  });
  await assembler.recover(await partialFiles.open());
  const timer = setInterval(() => assembler.expire(), Math.min(full.timeoutMs / 4, 30_000));
  timer.unref();
  log.info({ dir, quotaMB, ...images.counts() }, 'sample store open');

  let closing: Promise<void> | undefined;
  return {
    handle: assembler.handle,
    counts: () => ({ ...assembler.counts(), ...images.counts() }),
    async file(sha256) {
      const found = await index.file(sha256);
      return found && { ...found, path: images.path(sha256, found.content_type) };
    },
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await assembler.idle();
      })();
      return closing;
    },
  };
}
