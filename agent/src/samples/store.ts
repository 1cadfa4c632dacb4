import { createHash } from 'node:crypto';
import { mkdir, readdir, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ImageFrame } from '@sightline/models';
import type { Verdict } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { JpegEncoder } from './jpeg.ts';
import {
  isDayDir,
  parseSampleName,
  type SampleCategory,
  type SampleInfo,
  sampleRef,
  sidecarOf,
} from './layout.ts';

export interface SampleContext {
  verdict: Verdict;
  score: number;
  threshold: number;
  camera: string;
  frameId: string;
  /** Capture time, epoch ms (names the file and picks the hour for the caps). */
  ts: number;
  model?: { id: string; version: string };
}

export interface SampleStoreOptions {
  dir: string;
  /** Samples per clock hour at most: one number for every category, or per category. */
  maxPerHour: number | Partial<Record<SampleCategory, number>>;
  maxMB: number;
  /** Share of OK frames saved at random, 0-1. */
  okShare: number;
  /** Scores this close to the threshold are "near" samples. */
  nearBand: number;
  log: Logger;
  encodeJpeg: JpegEncoder;
  /** Random source for the OK share (tests pass a fixed sequence). */
  random?: () => number;
  /** Samples being encoded or written at most; beyond this a sample is skipped and counted. */
  maxPending?: number;
}

/** A sample as saved: its sidecar, with the JPEG's hash. */
export type SavedSample = SampleInfo & { sha256: string };

type PerCategory = Record<SampleCategory, number>;
export interface SampleCounts {
  saved: PerCategory;
  /** Skipped because the category's hourly cap was reached. */
  capped: PerCategory;
  /** Deleted (oldest first) to stay within the disk quota. */
  evicted: number;
  /** Could not be encoded or written (see lastError), or skipped while maxPending were in progress. */
  failed: number;
  lastError?: string;
  /** Samples on disk and their size (JPEG + sidecar). */
  files: number;
  bytes: number;
}

export interface SampleStore {
  /** Saves the frame if the policy wants it; resolves to what was saved (`file` is its reference), never rejects. */
  consider(frame: ImageFrame, ctx: SampleContext): Promise<SavedSample | undefined>;
  counts(): SampleCounts;
  /** Resolves once the samples already on disk are counted (quota, this hour's caps); never rejects. */
  ready(): Promise<void>;
  /** Waits for samples being written. */
  close(): Promise<void>;
}

/** Which kind of sample a frame would be: every defect, near-threshold scores, or (maybe) an OK frame. */
export function sampleCategory(
  ctx: Pick<SampleContext, 'verdict' | 'score' | 'threshold'>,
  nearBand: number,
): SampleCategory {
  if (ctx.verdict === 'defect') return 'defect';
  if (ctx.verdict === 'uncertain' || Math.abs(ctx.score - ctx.threshold) <= nearBand) return 'near';
  return 'ok';
}

const HOUR_MS = 3_600_000;
const zero = (): PerCategory => ({ defect: 0, near: 0, ok: 0 });

interface Entry {
  ref: string;
  ts: number;
  bytes: number;
}

/** Sample frames on disk under per-hour caps and a disk quota (oldest deleted first). */
export function createSampleStore(opts: SampleStoreOptions): SampleStore {
  const { dir, log } = opts;
  const caps: PerCategory =
    typeof opts.maxPerHour === 'number'
      ? { defect: opts.maxPerHour, near: opts.maxPerHour, ok: opts.maxPerHour }
      : { ...{ defect: 0, near: 0, ok: 0 }, ...opts.maxPerHour };
  const maxBytes = opts.maxMB * 2 ** 20;
  const random = opts.random ?? Math.random;
  const maxPending = opts.maxPending ?? 8;
  const counts: SampleCounts = { saved: zero(), capped: zero(), evicted: 0, failed: 0, files: 0, bytes: 0 };
  /** Samples on disk, oldest first. */
  const index: Entry[] = [];
  /** Per hour: samples taken in each category. */
  const hours = new Map<number, PerCategory>();
  let pending = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const hourOf = (ts: number) => {
    const h = Math.floor(ts / HOUR_MS);
    let c = hours.get(h);
    if (!c) {
      c = zero();
      hours.set(h, c);
      for (const k of hours.keys()) if (k < h - 2) hours.delete(k);
    }
    return c;
  };

  const fail = (message: string) => {
    counts.failed += 1;
    if (message !== counts.lastError) {
      log.warn({ event: 'sample_failed', dir, err: message }, `cannot save sample frames: ${message}`);
    }
    counts.lastError = message;
  };

  // Existing samples count toward the quota and this hour's caps after a restart.
  const loaded = (async () => {
    await mkdir(dir, { recursive: true });
    const days = (await readdir(dir, { withFileTypes: true })).filter(
      (d) => d.isDirectory() && isDayDir(d.name),
    );
    for (const day of days) {
      for (const name of await readdir(join(dir, day.name))) {
        const parsed = parseSampleName(name);
        if (!parsed) continue;
        const ref = `${day.name}/${name}`;
        const [jpg = 0, json = 0] = await Promise.all(
          [ref, sidecarOf(ref)].map((f) =>
            stat(join(dir, f)).then(
              (s) => s.size,
              () => 0,
            ),
          ),
        );
        index.push({ ref, ts: parsed.ts, bytes: jpg + json });
        hourOf(parsed.ts)[parsed.category] += 1;
      }
    }
    index.sort((a, b) => a.ts - b.ts);
    counts.files = index.length;
    counts.bytes = index.reduce((n, e) => n + e.bytes, 0);
  })();

  const evict = async () => {
    for (let oldest = index[0]; counts.bytes > maxBytes && oldest; oldest = index[0]) {
      index.shift();
      counts.bytes -= oldest.bytes;
      counts.files -= 1;
      counts.evicted += 1;
      await Promise.all(
        [oldest.ref, sidecarOf(oldest.ref)].map((f) => unlink(join(dir, f)).catch(() => undefined)),
      );
      await rmdir(join(dir, dirname(oldest.ref))).catch(() => undefined); // only when the day is empty
    }
  };

  const save = async (
    frame: ImageFrame,
    ctx: SampleContext,
    category: SampleCategory,
  ): Promise<SavedSample | undefined> => {
    await loaded;
    const ref = sampleRef(ctx.ts, category, ctx.camera, ctx.frameId);
    const jpeg = await opts.encodeJpeg(frame);
    const info: SavedSample = {
      file: ref,
      ts: ctx.ts,
      camera: ctx.camera,
      frame: ctx.frameId,
      category,
      verdict: ctx.verdict,
      score: ctx.score,
      threshold: ctx.threshold,
      ...(ctx.model ? { model: ctx.model } : {}),
      width: frame.width,
      height: frame.height,
      channels: frame.channels,
      bytes: jpeg.byteLength,
      sha256: createHash('sha256').update(jpeg).digest('hex'),
    };
    const sidecar = `${JSON.stringify(info, null, 2)}\n`;
    await mkdir(join(dir, dirname(ref)), { recursive: true });
    await writeFile(join(dir, ref), jpeg);
    await writeFile(join(dir, sidecarOf(ref)), sidecar);
    const entry = { ref, ts: ctx.ts, bytes: jpeg.byteLength + Buffer.byteLength(sidecar) };
    const last = index.at(-1);
    index.push(entry);
    if (last && last.ts > entry.ts) index.sort((a, b) => a.ts - b.ts);
    counts.files += 1;
    counts.bytes += entry.bytes;
    counts.saved[category] += 1;
    await evict();
    return index.includes(entry) ? info : undefined;
  };

  return {
    async consider(frame, ctx) {
      const category = sampleCategory(ctx, opts.nearBand);
      if (category === 'ok' && !(random() < opts.okShare)) return undefined;
      if (caps[category] === 0) return undefined;
      // Count against the cap now, so concurrent cameras cannot overshoot it.
      const hour = hourOf(ctx.ts);
      await loaded.catch(() => undefined);
      if (hour[category] >= caps[category]) {
        counts.capped[category] += 1;
        return undefined;
      }
      if (pending >= maxPending) {
        fail(`${maxPending} samples still being written; the disk is slow or full`);
        return undefined;
      }
      hour[category] += 1;
      pending += 1;
      const run = queue.then(() => save(frame, ctx, category));
      queue = run.catch(() => undefined);
      try {
        return await run;
      } catch (err) {
        hour[category] -= 1;
        fail((err as Error).message);
        return undefined;
      } finally {
        pending -= 1;
      }
    },
    counts: () => ({ ...counts, saved: { ...counts.saved }, capped: { ...counts.capped } }),
    ready: () => loaded.catch(() => undefined),
    async close() {
      await queue;
    },
  };
}
