import type { CameraInfo, Stats } from '@sightline/protocol';
import { type DropCounts, totalDrops } from '../pipeline/drops.ts';
import type { StatsWindow } from './stats-window.ts';
import { readTemperatureC } from './temperature.ts';

/** The running totals a stats message reports besides the window's rates and percentiles. */
export interface StatsSnapshot {
  captured: number;
  drops: DropCounts;
  runtime: string;
  outbox: { depth: number; dropped: number };
  cameras: CameraInfo[];
  parts?: { triggered: number; inspected: number; missed: number; late: number };
  recipe?: string;
}

/** Builds one stats message (without the session id, which the session adds). */
export async function statsMessage(
  window: StatsWindow,
  snapshot: StatsSnapshot,
  startedAt: number,
  temperature: () => Promise<number | undefined> = readTemperatureC,
): Promise<Omit<Stats, 'session'>> {
  const celsius = await temperature();
  return {
    ...(celsius === undefined ? {} : { temperature_c: celsius }),
    ts: Date.now(),
    uptime_s: (Date.now() - startedAt) / 1000,
    dropped: totalDrops(snapshot.drops),
    drops: snapshot.drops,
    runtime: snapshot.runtime,
    outbox: snapshot.outbox,
    cameras: snapshot.cameras,
    ...(snapshot.parts ? { parts: snapshot.parts } : {}),
    ...(snapshot.recipe ? { recipe: snapshot.recipe } : {}),
    ...window.sample(snapshot.captured),
  };
}

/** Publishes a stats message every `intervalMs`. */
export function startStatsReporter(opts: {
  intervalMs: number;
  window: StatsWindow;
  snapshot: () => StatsSnapshot;
  publish: (stats: Omit<Stats, 'session'>) => void;
}): { stop(): void } {
  const startedAt = Date.now();
  const timer = setInterval(async () => {
    opts.publish(await statsMessage(opts.window, opts.snapshot(), startedAt));
  }, opts.intervalMs);
  return { stop: () => clearInterval(timer) };
}
