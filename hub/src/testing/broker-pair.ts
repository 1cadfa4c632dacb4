import { Duplex } from 'node:stream';
import type { Aedes } from 'aedes';
import { type IClientOptions, MqttClient } from 'mqtt';

/** Two connected in-memory streams: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const make = (): Duplex & { peer?: Duplex } =>
    new Duplex({
      read() {},
      write(chunk, _enc, done) {
        (this as Duplex & { peer?: Duplex }).peer?.push(chunk);
        done();
      },
      final(done) {
        (this as Duplex & { peer?: Duplex }).peer?.push(null);
        done();
      },
      destroy(err, done) {
        (this as Duplex & { peer?: Duplex }).peer?.destroy();
        done(err);
      },
    });
  const a = make();
  const b = make();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/** An MQTT.js client connected to an in-process aedes over in-memory streams (a new pair per (re)connect). */
export function inProcessClient(broker: Aedes, options: IClientOptions): MqttClient {
  return new MqttClient(
    () => {
      const [client, server] = duplexPair();
      broker.handle(server);
      return client as never;
    },
    { protocolVersion: 4, reconnectPeriod: 50, ...options },
  );
}
