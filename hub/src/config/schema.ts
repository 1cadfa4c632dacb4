import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RegistryConfig, RolloutConfig } from '../rollout/config.ts';

/** Env and flag values arrive as strings; turn plain digit strings into numbers, leave the rest to fail. */
const digits = (v: unknown) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v);

const PORT_RULE = 'expected integer 0-65535';
const port = (fallback: number, what: string) =>
  z
    .preprocess(
      digits,
      z.int({ error: PORT_RULE }).min(0, { error: PORT_RULE }).max(65535, { error: PORT_RULE }),
    )
    .default(fallback)
    .describe(`${what}; 0 picks a free port`)
    .meta({ examples: [fallback] });

const host = (what: string) =>
  z
    .string({ error: 'expected a host name or IP address' })
    .min(1)
    .default('127.0.0.1')
    .describe(what)
    .meta({ examples: ['127.0.0.1', '0.0.0.0'] });

const pemFile = (what: string) =>
  z
    .string()
    .min(1)
    .describe(what)
    .meta({ examples: ['/etc/sightline/tls/hub.crt'] });

/** A certificate chain and its private key, both PEM files. */
const TlsConfig = z
  .strictObject({
    cert: pemFile('PEM certificate (chain) the server presents'),
    key: pemFile('PEM private key of that certificate (keep it readable by the hub only)'),
  })
  .optional();

/** The built dashboard next to this package in the workspace: <repo>/dashboard/dist. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

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

const bounded = (what: string, fallback: number, min: number, max: number) => {
  const rule = `expected integer ${min}-${max}`;
  return z
    .preprocess(digits, z.int({ error: rule }).min(min, { error: rule }).max(max, { error: rule }))
    .default(fallback)
    .describe(what)
    .meta({ examples: [fallback] });
};
const positive = (what: string, fallback: number, max: number) => bounded(what, fallback, 1, max);

export const SamplesConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('accept sample images on sl/v1/+/+/+/samples/#; false leaves them to the broker')
    .meta({ examples: [true] }),
  dir: z
    .string()
    .min(1)
    .optional()
    .describe(
      'folder of the images (<dir>/ab/<sha256>.jpg) and of samples being assembled; default: "samples" beside store.path, or a temp folder removed on shutdown when store.path is ":memory:"',
    )
    .meta({ examples: ['/var/lib/sightline/samples'] }),
  quotaMB: positive(
    'disk space for images in MiB; beyond it the oldest unlabelled images are evicted first',
    2048,
    16_777_216,
  ),
  maxPartials: positive(
    'samples being assembled at once; a new one beyond this drops the least recently active (counted)',
    64,
    100_000,
  ),
  maxPartialMB: bounded(
    'MiB held by samples being assembled at once (a sample is at most 8 MiB)',
    256,
    8,
    65_536,
  ),
  partialTimeoutS: positive(
    'a sample without a new part for this many seconds is given up (counted as expired)',
    600,
    86_400,
  ),
});

export const ExportConfig = z.strictObject({
  maxRows: positive(
    'rows in one export at most; a larger range is cut (header Sightline-Truncated) and should be narrowed with from/to',
    1_000_000,
    1_000_000_000,
  ),
  timeoutS: positive(
    'seconds an export query may run before it is stopped (503 SL_EXPORT_TIMEOUT)',
    120,
    86_400,
  ),
  maxConcurrent: positive('exports running at once; more are answered 429 SL_EXPORT_BUSY', 2, 64),
});

export const HubConfig = z.strictObject({
  broker: BrokerConfig.prefault({}).describe(
    'where agents publish: embedded broker (default) or an external one',
  ),
  http: z
    .strictObject({
      host: host('interface the HTTP API and dashboard listen on'),
      port: port(8080, 'TCP port of the HTTP API and dashboard'),
      tls: TlsConfig.describe('serve HTTPS with this certificate and key'),
      publicUrl: z
        .string()
        .regex(/^https?:\/\/./, 'expected an http:// or https:// URL')
        .optional()
        .describe(
          'the URL people open the dashboard at, for sign-in links (`sightline-hub tokens link`); default: from http.host and http.port',
        )
        .meta({ examples: ['https://hub.plant.local:8443'] }),
      cors: z
        .strictObject({
          origins: z
            .array(
              z
                .string()
                .regex(/^https?:\/\/[^/]+$/, 'expected an origin like https://mes.plant.local (no path)'),
            )
            .default([])
            .describe(
              'other web origins allowed to call the API from a browser; the dashboard itself needs none. Never a wildcard',
            ),
        })
        .prefault({})
        .describe('cross-origin browser access (CORS): only the origins listed'),
      maxBodyBytes: z
        .preprocess(digits, z.int().min(1024))
        .default(1024 * 1024)
        .describe('larger request bodies are refused with 413 (model uploads have their own limit)')
        .meta({ examples: [1048576] }),
      rateLimit: z
        .strictObject({
          requestsPerSecond: z
            .preprocess(digits, z.number().min(0))
            .default(20)
            .describe(
              'requests per second one token (or one address without a token) may make on average; 0: no limit',
            ),
          burst: z
            .preprocess(digits, z.int().min(1))
            .default(200)
            .describe(
              'requests one token may make at once before the limit applies (answered 429 with Retry-After)',
            ),
        })
        .prefault({})
        .describe('per-token request rate (per address for requests without a token)'),
      anonymous: z
        .enum(['refuse', 'viewer'])
        .default('refuse')
        .describe(
          'requests without a token: refuse (401), or let them read as a viewer (a wall display on a closed network; logged as a warning at start)',
        )
        .meta({ examples: ['refuse'] }),
    })
    .prefault({}),
  auth: z
    .strictObject({
      file: z
        .string()
        .min(1)
        .optional()
        .describe(
          'credentials file (agents\' broker secrets and API tokens, hashed; mode 0600): default auth.json beside store.path, or kept in memory when the store is ":memory:"',
        )
        .meta({ examples: ['/var/lib/sightline/auth.json'] }),
    })
    .prefault({})
    .describe('who may connect: agents (`sightline-hub agents`) and people (`sightline-hub tokens`)'),
  store: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .default('./data/sightline.duckdb')
        .describe('DuckDB database file (created with its directory), or ":memory:"')
        .meta({ examples: ['./data/sightline.duckdb'] }),
      retentionDays: z
        .preprocess(digits, z.number().positive())
        .default(90)
        .describe('raw results and stats older than this are deleted (hourly); per-minute rollups are kept')
        .meta({ examples: [90] }),
      readers: z
        .preprocess(digits, z.int().min(1).max(16))
        .default(2)
        .describe('read connections for API queries; reads never wait for ingest, only for each other')
        .meta({ examples: [2] }),
      queryTimeoutMs: z
        .preprocess(digits, z.int().min(100))
        .default(10_000)
        .describe('time limit of one API query; past it the query is interrupted and answered 503')
        .meta({ examples: [10_000] }),
      memoryLimit: z
        .string()
        .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|KiB|MiB|GiB)$/i, 'expected a size like 512MB or 2GB')
        .optional()
        .describe("DuckDB's memory limit; default DuckDB's own (80 % of RAM)")
        .meta({ examples: ['1GB'] }),
      deadLetters: z
        .strictObject({
          maxRows: z
            .preprocess(digits, z.int().min(10))
            .default(10_000)
            .describe('dead letters kept at most'),
          maxBytes: z
            .preprocess(digits, z.int().min(4096))
            .default(64 * 1024 * 1024)
            .describe(
              'bytes of dead letters kept at most (payload excerpts and errors); the oldest go first',
            ),
        })
        .prefault({})
        .describe('caps on the dead letters kept; the oldest are removed first'),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      clockSkewLimitS: z
        .preprocess(digits, z.number().positive())
        .default(600)
        .describe(
          "a result whose capture time is further ahead of the hub's clock than this (or behind, when the agent's clock lags) is kept with the receive time and flagged",
        )
        .meta({ examples: [600] }),
      maxPayloadBytes: z
        .preprocess(digits, z.int().min(1024))
        .default(1024 * 1024)
        .describe('larger messages are dead-lettered (SL_PAYLOAD_TOO_LARGE)')
        .meta({ examples: [1048576] }),
    })
    .prefault({}),
  metrics: z
    .strictObject({
      utcOffsetMinutes: z
        .preprocess(
          (v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v),
          z.int().min(-720).max(840),
        )
        .default(0)
        .describe("the plant's local time as minutes east of UTC: days and shifts start at local time")
        .meta({ examples: [60] }),
      shiftStart: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM, e.g. 06:00')
        .default('06:00')
        .describe('local start of the first shift of a day')
        .meta({ examples: ['06:00'] }),
      shiftHours: z
        .preprocess(digits, z.int().min(1).max(24))
        .default(8)
        .describe('length of a shift')
        .meta({ examples: [8] }),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      evaluateEveryS: z
        .preprocess(digits, z.int().min(1).max(3600))
        .default(5)
        .describe(
          'how often alarm rules are checked on a timer (agent silence, coverage, control charts); agent state, births and events are checked as they arrive',
        )
        .meta({ examples: [5] }),
    })
    .prefault({}),
  samples: SamplesConfig.prefault({}).describe(
    'sample images agents send over MQTT: where they are kept and how much disk they may use',
  ),
  export: ExportConfig.prefault({}).describe('limits of GET /api/export'),
  registry: RegistryConfig.describe('the model registry: signed bundles uploaded by engineers'),
  rollout: RolloutConfig.describe('staged model rollouts to agents over MQTT'),
  dashboard: z
    .strictObject({
      dir: z
        .string()
        .min(1)
        .default(DEFAULT_DASHBOARD_DIR)
        .describe(
          'built dashboard to serve at / (run `pnpm build` to create it); default: <repo>/dashboard/dist',
        )
        .meta({ examples: ['./dashboard/dist'] }),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default('info')
        .describe('pino log level')
        .meta({ examples: ['info'] }),
    })
    .prefault({}),
});

export type HubConfig = z.infer<typeof HubConfig>;
export type HubConfigInput = z.input<typeof HubConfig>;
