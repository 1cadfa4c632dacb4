import { z } from 'zod';
import { digits, host, pemFile, port, TlsConfig } from './fields.ts';

export const BrokerConfig = z
  .strictObject({
    mode: z
      .enum(['embedded', 'external'], { error: 'expected "embedded" or "external"' })
      .optional()
      .describe(
        'embedded: run an MQTT broker inside the hub; external: connect to broker.url. Default: external when broker.url is set, else embedded',
      )
      .meta({ examples: ['embedded'] }),
    host: host('interface the embedded broker listens on; 0.0.0.0 to accept agents from other machines'),
    port: port(1883, 'TCP port of the embedded broker'),
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp):\/\/./, 'expected an mqtt://, mqtts://, ws:// or wss:// URL')
      .optional()
      .describe('URL of an external MQTT broker (MQTT 5 is used); setting it selects external mode')
      .meta({ examples: ['mqtt://broker.plant.local:1883'] }),
    protocolVersion: z
      .union([z.literal(4), z.literal(5)], { error: 'expected 5 (MQTT 5) or 4 (MQTT 3.1.1)' })
      .default(5)
      .describe(
        'MQTT protocol used with an external broker; the embedded broker always speaks 4 (MQTT 3.1.1)',
      )
      .meta({ examples: [5] }),
    clientId: z
      .string()
      .min(1)
      .max(64)
      .default('sightline-hub')
      .describe(
        'MQTT client id of the hub; fixed so the broker keeps its session and queued QoS 1 results while the hub is down',
      )
      .meta({ examples: ['sightline-hub'] }),
    connections: z
      .preprocess(digits, z.int().min(1).max(64))
      .default(8)
      .describe(
        "MQTT connections to an external broker, sharing the uplink through a shared subscription ($share/…); MQTT.js handles one message at a time per connection, and every connection's in-flight message joins one group commit",
      )
      .meta({ examples: [8] }),
    allowAnonymous: z
      .boolean()
      .default(false)
      .describe(
        'embedded broker: let clients without credentials connect (they may publish uplink for any agent, never downlink). For a lab only: logged as a warning at start and on every such connection',
      )
      .meta({ examples: [false] }),
    tls: TlsConfig.describe(
      'embedded broker: serve MQTT over TLS (mqtts://) with this certificate and key; agents verify it against their broker.ca',
    ),
    ca: pemFile(
      'external broker: CA certificate(s) to verify an mqtts:// or wss:// broker with (default: the system CAs)',
    ).optional(),
    password: z
      .string()
      .min(1)
      .optional()
      .describe(
        "external broker: the hub's password (its username is broker.clientId, and clientId-N for its other connections); default: the one in the credentials file, which `sightline-hub broker mosquitto` exports",
      ),
    limits: z
      .strictObject({
        messagesPerSecond: z
          .preprocess(digits, z.number().min(0))
          .default(100)
          .describe('messages per second one connection may publish on average; 0: no limit')
          .meta({ examples: [100] }),
        bytesPerSecond: z
          .preprocess(digits, z.number().min(0))
          .default(4 * 1024 * 1024)
          .describe('payload bytes per second one connection may publish on average; 0: no limit')
          .meta({ examples: [4194304] }),
        burstSeconds: z
          .preprocess(digits, z.number().min(0))
          .default(2)
          .describe('seconds of traffic at the full rate a connection may send at once before it is slowed')
          .meta({ examples: [2] }),
        cutOffSeconds: z
          .preprocess(digits, z.number().positive())
          .default(30)
          .describe('a connection whose messages would wait longer than this is cut off')
          .meta({ examples: [30] }),
      })
      .prefault({})
      .describe(
        'embedded broker: per-connection publish rate; a connection above it is slowed (its socket is read later), one far above it is cut off. An agent usually sends 5-20 messages a second',
      ),
  })
  .transform((b, ctx) => {
    const mode = b.mode ?? (b.url ? 'external' : 'embedded');
    if (mode === 'external' && !b.url) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'required when broker.mode is "external"' });
    }
    return { ...b, mode };
  });
