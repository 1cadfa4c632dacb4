import type { AedesOptions, Client, PublishPacket } from 'aedes';

/** Resolves once the message is kept (committed or dead-lettered); rejects when it must not be acknowledged. */
export type UplinkHandler = (topic: string, payload: Uint8Array) => Promise<unknown>;

type AuthorizePublish = NonNullable<AedesOptions['authorizePublish']>;
type Callback = (error?: Error | null) => void;

/** How much one connection, and all of them together, may have received and not yet had stored. */
export interface UplinkLimits {
  /** Messages of one connection waiting for their commit before the broker stops reading from it. */
  maxPendingPerClient: number;
  /** Bytes waiting for their commits across all connections before the broker stops reading more. */
  maxPendingBytes: number;
}

export const DEFAULT_UPLINK_LIMITS: UplinkLimits = {
  maxPendingPerClient: 1000,
  maxPendingBytes: 64 * 2 ** 20,
};

interface Held {
  messageId: number;
  bytes: number;
  stored: boolean;
}

interface Connection {
  /** QoS 1 messages in the order they arrived: PUBACKs go out in that order ([MQTT-4.6.0-2]). */
  held: Held[];
  /** aedes callbacks withheld while over the limits: aedes reads nothing more from the socket until they run. */
  paused: Callback[];
  /** A flush is due: it runs once the current commit's messages have all settled, so one write takes them. */
  flushing: boolean;
}

/**
 * The embedded broker's side of "acknowledged means stored", without stalling the connection. aedes acknowledges
 * a QoS 1 PUBLISH as soon as authorizePublish calls back, and reads a connection's next socket chunk only when
 * every packet of the current one has called back. Holding the callback until the commit (what this hook did
 * first) made each connection wait for a whole commit between chunks, and the hub's thread sat idle while
 * DuckDB committed. So an uplink QoS 1 message is taken over here: aedes sees it as QoS 0 (it sends no PUBACK and
 * forwards it at QoS 0; only the hub's own identity may subscribe to uplink topics), ingest stores it, and this
 * hook writes the PUBACK itself once it is committed, in arrival order. Reading goes on meanwhile, up to the
 * limits above (back-pressure: past them the callback waits, and aedes stops reading). A message the store
 * cannot keep is never acknowledged: its connection is closed and the sender sends it again.
 *
 * QoS 0 (stats) has nothing to withhold: its callback waits for the store as before, which also paces a client
 * that floods QoS 0.
 */
export function createUplinkHook(onUplink: UplinkHandler, limits = DEFAULT_UPLINK_LIMITS): AuthorizePublish {
  const connections = new WeakMap<Client, Connection>();
  let pendingBytes = 0;
  const waiting = new Set<Connection>();

  const overLimits = (c: Connection) =>
    c.held.length > limits.maxPendingPerClient || pendingBytes > limits.maxPendingBytes;

  function resume() {
    for (const c of waiting) {
      while (c.paused.length > 0 && !overLimits(c)) (c.paused.shift() as Callback)(null);
      if (c.paused.length === 0) waiting.delete(c);
    }
  }

  function flush(client: Client, c: Connection) {
    let ready = 0;
    while (c.held[ready]?.stored) ready++;
    if (ready === 0) return;
    // One write for every PUBACK a commit releases: a socket write per message costs more than its message.
    const acks = Buffer.allocUnsafe(4 * ready);
    for (const [i, h] of c.held.splice(0, ready).entries()) {
      pendingBytes -= h.bytes;
      writePuback(acks, 4 * i, h.messageId);
    }
    if (client.connected) client.conn.write(acks);
    resume();
  }

  function drop(c: Connection) {
    for (const h of c.held.splice(0)) pendingBytes -= h.bytes;
    // Callbacks still paused belong to a connection that is closing: let aedes finish them, unacknowledged.
    for (const cb of c.paused.splice(0)) cb(null);
    waiting.delete(c);
    resume();
  }

  function connectionOf(client: Client): Connection {
    let c = connections.get(client);
    if (!c) {
      const created: Connection = { held: [], paused: [], flushing: false };
      connections.set(client, created);
      client.conn.once('close', () => drop(created));
      c = created;
    }
    return c;
  }

  return (client, packet, callback) => {
    if (!packet.topic.startsWith('sl/v1/')) return callback(null);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    // A will aedes publishes for a client that is gone has no connection to acknowledge; QoS 0 has no PUBACK.
    if (!client || packet.qos !== 1 || packet.messageId === undefined) {
      onUplink(packet.topic, payload).then(
        () => callback(null),
        (error: unknown) =>
          callback(packet.qos === 0 ? null : error instanceof Error ? error : new Error(String(error))),
      );
      return;
    }
    const c = connectionOf(client);
    const held: Held = { messageId: packet.messageId, bytes: payload.byteLength, stored: false };
    c.held.push(held);
    pendingBytes += held.bytes;
    takeOver(packet);
    onUplink(packet.topic, payload).then(
      () => {
        held.stored = true;
        if (c.flushing) return;
        c.flushing = true;
        setImmediate(() => {
          c.flushing = false;
          flush(client, c);
        });
      },
      () => {
        // Not stored: nothing from here on may be acknowledged out of order. The sender resends on reconnect.
        drop(c);
        client.close();
      },
    );
    if (overLimits(c)) {
      c.paused.push(callback);
      waiting.add(c);
    } else callback(null);
  };
}

/** aedes writes no PUBACK for a QoS 0 publish: the hook writes it once the message is stored. */
function takeOver(packet: PublishPacket) {
  (packet as { qos: 0 | 1 | 2 }).qos = 0;
}

/** An MQTT 3.1.1 PUBACK (§3.4) at `at`: fixed header 0x40, remaining length 2, the packet identifier. */
function writePuback(into: Buffer, at: number, messageId: number) {
  into[at] = 0x40;
  into[at + 1] = 0x02;
  into.writeUInt16BE(messageId, at + 2);
}
