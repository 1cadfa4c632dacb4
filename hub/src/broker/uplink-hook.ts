import type { AedesOptions } from 'aedes';

/** Resolves once the message is kept (committed or dead-lettered); rejects when it must not be acknowledged. */
export type UplinkHandler = (topic: string, payload: Uint8Array) => Promise<unknown>;

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>;

/**
 * aedes calls authorizePublish before it acknowledges and forwards a PUBLISH (lib/handlers/publish.js:
 * authorizePublish, then PUBACK, then publish), and it reads the next chunk of a client's socket only after every
 * packet of the current one is done; packets in one chunk run concurrently and so join one group commit. Holding
 * the callback until ingest has committed makes the PUBACK mean "stored" — what a QoS 1 sender is promised —
 * with no queue in the broker's memory for a crash to lose.
 */
export function createUplinkHook(onUplink: UplinkHandler): AuthorizePublish {
  return (_client, packet, callback) => {
    if (!packet.topic.startsWith('sl/v1/')) return callback(null);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    onUplink(packet.topic, payload).then(
      () => callback(null),
      // QoS 0 (stats) carries no acknowledgement to withhold: let it pass rather than drop the connection.
      (error: unknown) =>
        callback(packet.qos === 0 ? null : error instanceof Error ? error : new Error(String(error))),
    );
  };
}
