import type { MqttClient } from 'mqtt';

type Packet = { cmd: string; messageId?: number };
type SendPacket = (packet: Packet, cb?: (err?: Error) => void, ...rest: unknown[]) => void;

/**
 * Lets one MQTT.js connection keep many QoS 1 messages in flight and still acknowledge each only after its
 * commit. MQTT.js reads the next packet only when `handleMessage` calls back, and sends the PUBACK right then; so
 * `handleMessage` calls back at once and the PUBACK that triggers is held here until `commit(id)`, then sent in
 * the order the messages arrived ([MQTT-4.6.0-2]). The hook is MQTT.js' `_sendPacket` (not public API; the
 * catalog pins mqtt ^5.16 and mqtt-source.test.ts fails if a release changes it). On a lost connection held
 * PUBACKs are dropped: the broker delivers those messages again, and the store counts them as duplicates.
 */
export function holdPubacks(client: MqttClient) {
  const internals = client as unknown as { _sendPacket: SendPacket };
  const send = internals._sendPacket.bind(client);
  type Entry = { id: number; committed: boolean; puback?: Packet };
  let queue: Entry[] = [];
  const waiting = new Map<number, Entry>();

  const flush = () => {
    while (queue[0]?.committed && queue[0].puback) {
      const entry = queue.shift() as Entry;
      waiting.delete(entry.id);
      if (client.connected) send(entry.puback as Packet);
    }
  };

  internals._sendPacket = (packet, cb, ...rest) => {
    const entry =
      packet.cmd === 'puback' && packet.messageId !== undefined ? waiting.get(packet.messageId) : undefined;
    if (!entry) return send(packet, cb, ...rest);
    entry.puback = packet as Packet;
    cb?.(); // MQTT.js goes on to the next packet; the PUBACK itself waits for the commit
    flush();
  };
  client.on('close', () => {
    queue = [];
    waiting.clear();
  });

  return {
    /** Registers a QoS 1 message before `handleMessage` calls back; returns what to call once it is committed. */
    hold(messageId: number): () => void {
      const entry: Entry = { id: messageId, committed: false };
      queue.push(entry);
      waiting.set(messageId, entry);
      return () => {
        entry.committed = true;
        flush();
      };
    },
    get held() {
      return queue.length;
    },
  };
}
