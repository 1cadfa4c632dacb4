import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { RegistryConfig, RolloutConfig } from '../rollout/config.ts';
import { BrokerConfig } from './broker.ts';
import { digits, host, port, TlsConfig } from './fields.ts';
import { ExportConfig, SamplesConfig } from './storage.ts';

export { BrokerConfig } from './broker.ts';
export { ExportConfig, SamplesConfig } from './storage.ts';

/** The built dashboard next to this package in the workspace: <repo>/dashboard/dist. */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/dist', import.meta.url));

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
