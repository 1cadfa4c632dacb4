import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Rollout, RolloutEvent } from '@sightline/protocol';
import { z } from 'zod';
import { writeFileDurable } from './durable.ts';

const MAX_EVENTS_IN_MEMORY = 20_000;

/**
 * Rollouts and their events on disk: `rollouts.json` (replaced whole after each change) and `events.jsonl`
 * (appended: every transition with its reason, threshold changes, agents timed out). Events are kept in
 * memory up to 20 000 for the API; the file keeps them all.
 */
export async function openJournal(dir: string) {
  const rolloutsFile = join(dir, 'rollouts.json');
  const eventsFile = join(dir, 'events.jsonl');
  const text = await readFile(rolloutsFile, 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : z.array(Rollout).safeParse(JSON.parse(text));
  const rollouts: Rollout[] = parsed?.success ? parsed.data : [];
  const events: RolloutEvent[] = [];
  for (const line of ((await readFile(eventsFile, 'utf8').catch(() => '')) as string).split('\n')) {
    if (!line) continue;
    const e = RolloutEvent.safeParse(JSON.parse(line));
    if (e.success) events.push(e.data);
  }
  events.splice(0, Math.max(0, events.length - MAX_EVENTS_IN_MEMORY));
  return {
    rollouts,
    save: () => writeFileDurable(rolloutsFile, `${JSON.stringify(rollouts)}\n`),
    async record(batch: readonly RolloutEvent[]) {
      if (batch.length === 0) return;
      await appendFile(eventsFile, batch.map((e) => `${JSON.stringify(e)}\n`).join(''));
      events.push(...batch);
      events.splice(0, Math.max(0, events.length - MAX_EVENTS_IN_MEMORY));
    },
    /** Newest first. */
    events(filter: { rollout?: string; limit: number }) {
      const out: RolloutEvent[] = [];
      for (let i = events.length - 1; i >= 0 && out.length < filter.limit; i--) {
        const e = events[i] as RolloutEvent;
        if (!filter.rollout || e.rollout === filter.rollout) out.push(e);
      }
      return out;
    },
  };
}

export type Journal = Awaited<ReturnType<typeof openJournal>>;
