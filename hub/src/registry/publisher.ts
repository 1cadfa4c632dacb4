import { chunkBundle } from '@sightline/models';
import { BundleMeta, encode, topics } from '@sightline/protocol';
import type { Logger } from 'pino';
import type { Downlink } from '../broker/downlink.ts';
import type { Registry } from './registry.ts';

/**
 * Puts bundles on the broker for agents: each chunk once, retained, then the meta message (retained) that
 * lists every chunk's SHA-256. The broker fans each publish out to every agent subscribed to that chunk,
 * and hands it to an agent that subscribes later (a late or returning agent) without the hub sending it
 * again. `retire` clears the retained copies once no agent wants the bundle.
 */
export function createBundlePublisher(o: {
  downlink: Downlink;
  registry: Registry;
  chunkBytes: number;
  log: Logger;
}) {
  const published = new Map<string, Promise<BundleMeta>>();
  const key = (id: string, version: string) => `${id}/${version}`;
  return {
    /** Publishes the bundle (once per hub process; again after `retire`). */
    ensure(id: string, version: string): Promise<BundleMeta> {
      let p = published.get(key(id, version));
      if (!p) {
        p = (async () => {
          const bytes = await o.registry.bundle(id, version);
          const { meta, chunks } = chunkBundle(bytes, { id, version }, o.chunkBytes);
          for (const [n, chunk] of chunks.entries()) {
            await o.downlink.publish(topics.bundleChunk(id, version, n), Buffer.from(chunk), {
              qos: 1,
              retain: true,
            });
          }
          await o.downlink.publish(topics.bundleMeta(id, version), encode(BundleMeta, meta), {
            qos: 1,
            retain: true,
          });
          o.log.info(
            { id, version, chunks: chunks.length, bytes: meta.bytes },
            `bundle ${id} ${version} on the broker`,
          );
          return meta;
        })();
        published.set(key(id, version), p);
        p.catch(() => published.delete(key(id, version)));
      }
      return p;
    },
    /** Publishes one chunk again (an agent reported it damaged). */
    async republishChunk(id: string, version: string, n: number) {
      const bytes = await o.registry.bundle(id, version);
      const { chunks } = chunkBundle(bytes, { id, version }, o.chunkBytes);
      const chunk = chunks[n];
      if (chunk)
        await o.downlink.publish(topics.bundleChunk(id, version, n), Buffer.from(chunk), {
          qos: 1,
          retain: true,
        });
    },
    /** Removes the retained copies ([MQTT-3.3.1-10]: an empty retained message clears the topic). */
    async retire(id: string, version: string) {
      if (!published.delete(key(id, version))) return;
      const entry = o.registry.get(id, version);
      if (!entry) return;
      await o.downlink.publish(topics.bundleMeta(id, version), Buffer.alloc(0), { qos: 1, retain: true });
      for (let n = 0; n < Math.ceil(entry.bytes / o.chunkBytes); n++) {
        await o.downlink.publish(topics.bundleChunk(id, version, n), Buffer.alloc(0), {
          qos: 1,
          retain: true,
        });
      }
      o.log.info({ id, version }, `bundle ${id} ${version} taken off the broker`);
    },
    isPublished: (id: string, version: string) => published.has(key(id, version)),
  };
}

export type BundlePublisher = ReturnType<typeof createBundlePublisher>;
