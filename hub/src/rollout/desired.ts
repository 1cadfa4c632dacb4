import { readFile } from 'node:fs/promises';
import { type AgentRef, encode, ModelDesired, topics } from '@sightline/protocol';
import { z } from 'zod';
import type { Downlink } from '../broker/downlink.ts';
import { writeFileDurable } from './durable.ts';

const Saved = z.record(z.string(), ModelDesired);

const refOf = (key: string): AgentRef => {
  const [site = '', line = '', agent = ''] = key.split('/');
  return { site, line, agent };
};

/**
 * Each agent's desired model state: kept in a file (replaced whole) and published retained on the agent's
 * `model/desired`, so an agent that was away gets it when it returns. All of it is published again when the
 * hub starts (an embedded broker keeps retained messages in memory only).
 */
export async function openDesiredStates(o: { file: string; downlink: Downlink }) {
  const text = await readFile(o.file, 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : Saved.safeParse(JSON.parse(text));
  const states = new Map<string, ModelDesired>(parsed?.success ? Object.entries(parsed.data) : []);
  const save = () => writeFileDurable(o.file, `${JSON.stringify(Object.fromEntries(states), null, 1)}\n`);
  const publish = (key: string, d: ModelDesired) =>
    o.downlink.publish(topics.modelDesired(refOf(key)), encode(ModelDesired, d), { qos: 1, retain: true });
  return {
    get: (key: string) => states.get(key),
    entries: () => [...states.entries()],
    /** Sets several agents' desired state: saved first (one write), then published. */
    async set(changes: ReadonlyArray<{ key: string; desired: ModelDesired }>) {
      if (changes.length === 0) return;
      for (const c of changes) states.set(c.key, c.desired);
      await save();
      await Promise.all(changes.map((c) => publish(c.key, c.desired)));
    },
    /** True while some agent's desired state names this bundle (its retained chunks must stay). */
    referenced: (bundleSha: string) => [...states.values()].some((d) => d.bundle?.sha256 === bundleSha),
    async republishAll() {
      await Promise.all([...states.entries()].map(([k, d]) => publish(k, d)));
    },
  };
}

export type DesiredStates = Awaited<ReturnType<typeof openDesiredStates>>;
