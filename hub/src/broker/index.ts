import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesOptions } from 'aedes';
import { HubError } from '../errors.ts';
import type { BrokerPolicy } from './auth.ts';
import { createUplinkHook, type UplinkHandler, type UplinkLimits } from './uplink-hook.ts';

/** PEM certificate chain and key: the broker then speaks MQTT over TLS (`mqtts://`) only. */
export interface TlsFiles {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface EmbeddedBrokerOptions {
  /** Interface to listen on; loopback by default so nothing is exposed by accident. */
  host?: string;
  /** TCP port; 0 picks a free one (the real port is reported). */
  port: number;
  /** Who may connect and what each client may publish and subscribe (auth.ts); anyone, anything when absent. */
  policy?: BrokerPolicy;
  /** Serve MQTT over TLS with this certificate and key. */
  tls?: TlsFiles;
  /**
   * Takes every message published under `sl/v1/`: the broker acknowledges a QoS 1 message (PUBACK) only once
   * this resolves, and refuses it (drops the connection, no PUBACK) when it rejects. Absent: a plain broker.
   */
  onUplink?: UplinkHandler;
  /** How much may wait for the store before the broker stops reading (uplink-hook.ts); defaults suit a hub. */
  uplinkLimits?: UplinkLimits;
  /** Socket read buffer: a larger one lets aedes take more of a client's pipelined messages per read. */
  socketBufferBytes?: number;
}

export interface EmbeddedBroker {
  /** `mqtt://host:port` (`mqtts://` with TLS) with the real port. */
  url: string;
  port: number;
  /**
   * MQTT protocol level the broker speaks. aedes 1.x implements MQTT 3.1.1 only (level 4): it refuses
   * CONNECT packets with level 5, so clients of the embedded broker must use protocolVersion 4.
   */
  protocolVersion: 4;
  /** Publishes from inside the hub (hub state, downlink); no client connection needed. */
  publish(topic: string, payload: string | Buffer, options: { qos: 0 | 1; retain: boolean }): Promise<void>;
  /** Connected clients. */
  readonly clients: number;
  close(): Promise<void>;
}

/** Starts an in-process MQTT broker (aedes, in-memory persistence) on a TCP port. */
export async function createEmbeddedBroker({
  host = '127.0.0.1',
  port,
  policy,
  tls,
  onUplink,
  uplinkLimits,
  socketBufferBytes = 1024 * 1024,
}: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker({
    ...(policy
      ? {
          preConnect: policy.preConnect,
          authenticate: policy.authenticate,
          authorizeSubscribe: policy.authorizeSubscribe,
        }
      : {}),
    ...authorizePublish(policy, onUplink && createUplinkHook(onUplink, uplinkLimits)),
  });
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    broker.handle(socket);
  };
  const server: Server = tls
    ? createTlsServer({ cert: tls.cert, key: tls.key, highWaterMark: socketBufferBytes }, onSocket)
    : createServer({ highWaterMark: socketBufferBytes }, onSocket);
  // A client that drops the TLS handshake (or speaks plain MQTT to it) is its own problem, not the broker's.
  server.on('tlsClientError', () => undefined);
  try {
    server.listen(port, host);
    await once(server, 'listening');
  } catch (cause) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new HubError(
      'SL_BROKER_LISTEN_FAILED',
      `embedded MQTT broker cannot listen on ${host}:${port}: ${reason}; choose another port (SL_HUB_MQTT_PORT) or stop the process using it`,
      { cause },
    );
  }
  const real = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `${tls ? 'mqtts' : 'mqtt'}://${urlHost}:${real}`,
    port: real,
    protocolVersion: 4,
    publish(topic, payload, { qos, retain }) {
      return new Promise((resolve, reject) =>
        broker.publish(
          {
            cmd: 'publish',
            topic,
            payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
            qos,
            retain,
            dup: false,
          },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
    },
    get clients() {
      return broker.connectedClients;
    },
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        // Clients that did not disconnect would keep server.close() waiting.
        for (const socket of sockets) socket.destroy();
        await serverClosed;
      })();
      return closing;
    },
  };
}

/** The policy checks and paces a PUBLISH first; then the uplink hook holds its PUBACK until ingest committed it. */
function authorizePublish(
  policy: BrokerPolicy | undefined,
  uplink: NonNullable<AedesOptions['authorizePublish']> | undefined,
): Partial<AedesOptions> {
  if (!policy) return uplink ? { authorizePublish: uplink } : {};
  return {
    authorizePublish(client, packet, callback) {
      // No client: a will aedes publishes on behalf of a broker instance that is gone, not a connection's message.
      if (!client) return uplink ? uplink(client, packet, callback) : callback(null);
      const bytes =
        typeof packet.payload === 'string' ? Buffer.byteLength(packet.payload) : packet.payload.length;
      policy.admitPublish(client, packet.topic, bytes, (error) => {
        if (error) return callback(error);
        if (uplink) uplink(client, packet, callback);
        else callback(null);
      });
    },
  };
}
