// Test support: a real MQTT broker (aedes) in this process, reachable over TCP and over in-memory
// streams (the aedes way: its own tests run over duplex pairs), so session logic is tested without sockets.
import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { Birth } from '@sightline/protocol';
import { Aedes } from 'aedes';
import { type IClientOptions, MqttClient } from 'mqtt';

/** Two connected duplex streams: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const end = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk, _enc, done) {
        other().push(chunk);
        done();
      },
      final(done) {
        other().push(null);
        done();
      },
      destroy(err, done) {
        if (!other().destroyed) other().destroy();
        done(err);
      },
    });
  ends.push(
    end(() => ends[1] as Duplex),
    end(() => ends[0] as Duplex),
  );
  return [ends[0] as Duplex, ends[1] as Duplex];
}

export interface TestBroker {
  broker: Aedes;
  /** `mqtt://127.0.0.1:<port>` */
  url: string;
  /** A client (not yet connected: `manualConnect`) whose every connection is an in-memory stream into the broker. */
  memoryClient(opts?: IClientOptions): MqttClient;
  /** Cuts one client's connection (the broker keeps running), as a network blip would. */
  dropClient(clientId: string): void;
  close(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const streams = new Set<Duplex | Socket>();
  const track = (s: Duplex | Socket) => {
    streams.add(s);
    s.once('close', () => streams.delete(s));
  };
  const server = createServer((socket) => {
    track(socket);
    broker.handle(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    broker,
    url: `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`,
    memoryClient(opts = {}) {
      return new MqttClient(
        () => {
          const [client, server] = duplexPair();
          track(server);
          broker.handle(server);
          return client;
        },
        { protocolVersion: 4, reconnectPeriod: 50, manualConnect: true, ...opts },
      );
    },
    dropClient(clientId) {
      const clients = (broker as unknown as { clients: Record<string, { conn?: { destroy(): void } }> })
        .clients;
      const client = clients[clientId];
      client?.conn?.destroy();
    },
    async close() {
      for (const s of streams) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}

/** A valid birth message for a session in a test. */
export const testBirth = (session: string): Birth => ({
  session,
  ts: Date.now(),
  agentVersion: 'test',
  model: { id: 'm', version: '1', sha256: 'a'.repeat(64) },
  cameras: [],
  thresholds: { defect: 0.5 },
  capabilities: [],
});
