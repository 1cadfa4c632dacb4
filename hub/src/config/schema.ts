import { fileURLToPath } from 'node:url';
import { z } from 'zod';

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
    })
    .prefault({}),
  store: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .default('./data/sightline.duckdb')
        .describe('DuckDB database file (created with its directory), or ":memory:"')
        .meta({ examples: ['./data/sightline.duckdb'] }),
    })
    .prefault({}),
  samples: SamplesConfig.prefault({}).describe(
    'sample images agents send over MQTT: where they are kept and how much disk they may use',
  ),
  export: ExportConfig.prefault({}).describe('limits of GET /api/export'),
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
