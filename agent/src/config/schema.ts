import { z } from 'zod';
import { ActionConfig } from '../act/config.ts';
import { RecipeConfig } from '../recipes/config.ts';
import { SamplesConfig } from '../samples/config.ts';
import { UpdateConfig } from '../update/config.ts';
import { CameraConfig, identifier } from './camera.ts';

export {
  CameraConfig,
  FolderSourceConfig,
  OpenCvSourceConfig,
  SourceConfig,
  SyntheticSourceConfig,
} from './camera.ts';

export const AgentConfig = z
  .object({
    site: identifier.describe('site (plant) id').meta({ examples: ['plant-1'] }),
    line: identifier.describe('production line id').meta({ examples: ['line-1'] }),
    agent: identifier.describe("this agent's id, unique on its line").meta({ examples: ['agent-1'] }),
    broker: z
      .object({
        url: z
          .string()
          .regex(/^(mqtts?|wss?|tcp):\/\//, 'expected an mqtt://, mqtts://, ws:// or wss:// URL')
          .default('mqtt://127.0.0.1:1883'),
        username: z
          .string()
          .optional()
          .describe('broker user: SITE/LINE/AGENT as `sightline-hub agents add` printed it'),
        password: z
          .string()
          .optional()
          .describe('the secret `sightline-hub agents add` printed (keep this file mode 0640)'),
        ca: z
          .string()
          .optional()
          .describe(
            "CA certificate (PEM) the broker's certificate must chain to, for mqtts:// or wss:// (default: the system's CAs); certificates are always verified",
          ),
        protocolVersion: z
          .union([z.literal('auto'), z.literal(4), z.literal(5)])
          .default('auto')
          .describe('MQTT protocol: 5, 4 (3.1.1), or auto = 5, falling back to 4 when the broker refuses 5'),
      })
      .default({ url: 'mqtt://127.0.0.1:1883', protocolVersion: 'auto' }),
    model: z
      .object({
        dir: z
          .string()
          .optional()
          .describe('directory with manifest.json + model; default: the bundled default model'),
      })
      .default({}),
    inference: z
      .object({
        runtime: z
          .enum(['auto', 'onnxruntime-node', 'onnxruntime-web'])
          .default('auto')
          .describe('auto measures the runtimes that load on this device at start-up and keeps the fastest'),
        threads: z.number().int().min(1).max(64).default(1).describe('CPU threads for one inference'),
      })
      .default({ runtime: 'auto', threads: 1 }),
    thresholds: z
      .object({
        defect: z
          .number()
          .optional()
          .describe("score at or above which a part is a defect; default: the model manifest's"),
        uncertainBand: z
          .number()
          .nonnegative()
          .default(0)
          .describe('scores within this distance of the threshold are "uncertain"'),
      })
      .default({ uncertainBand: 0 }),
    cameras: z.array(CameraConfig).min(1, 'expected at least one camera'),
    actions: z
      .array(ActionConfig)
      .max(8)
      .default([])
      .describe(
        'local actions on a verdict (reject gate, andon light, PLC); they never wait for the network',
      ),
    samples: SamplesConfig.default({
      enabled: false,
      maxPerHour: { defect: 120, near: 60, ok: 30 },
      maxMB: 1024,
      okShare: 0.01,
      nearBand: 0.05,
      jpegQuality: 85,
      upload: { enabled: true, bytesPerSecond: 262_144 },
    }),
    publish: z
      .object({
        batchSize: z.number().int().min(1).max(1000).default(50).describe('results per MQTT message at most'),
        batchMs: z
          .number()
          .int()
          .min(0)
          .max(60_000)
          .default(250)
          .describe('wait at most this long to fill a batch'),
        replayPerSecond: z
          .number()
          .int()
          .min(1)
          .default(500)
          .describe('results sent per second at most when catching up after an outage'),
        confirmTimeoutS: z
          .number()
          .positive()
          .max(3600)
          .default(15)
          .describe(
            'a result the broker acknowledged is sent again when the hub has not confirmed it within this (hubs that confirm; the hub stores it once)',
          ),
        maxUnconfirmed: z
          .number()
          .int()
          .min(1)
          .default(10_000)
          .describe("results sent and awaiting the hub's confirmation at most; sending pauses beyond it"),
      })
      .default({
        batchSize: 50,
        batchMs: 250,
        replayPerSecond: 500,
        confirmTimeoutS: 15,
        maxUnconfirmed: 10_000,
      }),
    outbox: z
      .object({
        fsync: z
          .enum(['always', 'interval', 'never'])
          .default('always')
          .describe(
            'always: each result is on disk before it counts (survives power loss); interval: fsync every 200 ms; never: the OS decides',
          ),
        maxMB: z
          .number()
          .positive()
          .default(256)
          .describe('disk quota for unsent results; beyond it the oldest are dropped and counted'),
        maxAgeHours: z
          .number()
          .positive()
          .default(168)
          .describe('unsent results older than this are dropped and counted'),
      })
      .default({ fsync: 'always', maxMB: 256, maxAgeHours: 168 }),
    recipes: z
      .array(RecipeConfig)
      .max(256)
      .default([])
      .refine((r) => new Set(r.map((x) => x.id)).size === r.length, 'recipe ids must differ')
      .describe(
        'product types: each with its model, thresholds, regions and trigger timing; changeover by cmd/recipe, HTTP, the PLC or the line',
      ),
    recipe: z.string().optional().describe('the recipe at start (default: the first)'),
    http: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('serve POST /trigger, POST /recipe and GET /status for the PLC or MES'),
        host: z.string().default('127.0.0.1').describe('listen address; 0.0.0.0 to accept the line network'),
        port: z.number().int().min(0).max(65535).default(8091),
        token: z
          .string()
          .min(16)
          .optional()
          .describe(
            'bearer token the PLC or MES must send (Authorization: Bearer <token>); required when host is not loopback. Make one with: openssl rand -base64 32',
          ),
      })
      .default({ enabled: false, host: '127.0.0.1', port: 8091 }),
    plc: z
      .object({
        enabled: z
          .boolean()
          .default(false)
          .describe('serve the PLC handshake over Modbus TCP (see agent/README.md, "PLC handshake")'),
        host: z.string().default('0.0.0.0'),
        port: z
          .number()
          .int()
          .min(0)
          .max(65535)
          .default(1502)
          .describe('502 is the standard port but needs root; 1502 does not'),
        unitId: z
          .number()
          .int()
          .min(0)
          .max(255)
          .default(1)
          .describe('Modbus unit id the agent answers to (0 = any)'),
      })
      .default({ enabled: false, host: '0.0.0.0', port: 1502, unitId: 1 }),
    update: UpdateConfig.prefault({}).describe(
      'model updates from the hub: signed bundles over MQTT, shadow comparison, probation, rollback',
    ),
    stateDir: z
      .string()
      .default('./data/agent')
      .describe('where the agent keeps its sequence number and outbox'),
    statsIntervalS: z.number().min(1).max(3600).default(5).describe('seconds between stats messages'),
    mode: z
      .enum(['pilot', 'live'])
      .default('live')
      .describe(
        'live: act on verdicts (actions:, the PLC result, reject timing); pilot: observe only — decide and report, never act. The hub sets it per line (cmd/set-mode); the last mode it set is kept in <stateDir>/mode.json and wins over this key (delete that file to return to it)',
      ),
  })
  .superRefine((c, ctx) => {
    // Settings that parse alone but cannot work together: each names its key and the fix.
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    // A port on the line network that triggers parts and changes recipes must not be open to anyone there.
    const loopback = ['127.0.0.1', '::1', 'localhost'].includes(c.http.host);
    if (c.http.enabled && !loopback && !c.http.token)
      issue(
        ['http', 'token'],
        `required when http.host is ${c.http.host} (not loopback): anyone on the line network could trigger parts and change recipes; make one with \`openssl rand -base64 32\` and give it to the PLC or MES`,
      );
    const cameraIds = new Set(c.cameras.map((cam) => cam.id));
    const recipeIds = new Set(c.recipes.map((r) => r.id));
    c.cameras.forEach((cam, i) => {
      const source = cam.source;
      const conveyor = source.kind === 'conveyor';
      if (cam.trigger.kind === 'conveyor' && !conveyor)
        issue(
          ['cameras', i, 'trigger', 'kind'],
          'the conveyor trigger is the simulated photo-eye and needs source kind conveyor; on a line, wire the photo-eye to a GPIO input (kind gpio) or the PLC (kind plc)',
        );
      if (cam.trigger.kind === 'plc' && !c.plc.enabled)
        issue(
          ['cameras', i, 'trigger', 'kind'],
          'a plc trigger comes through the PLC handshake: set plc.enabled: true (and plc.port)',
        );
      if (cam.trigger.kind === 'http' && !c.http.enabled)
        issue(
          ['cameras', i, 'trigger', 'kind'],
          "an http trigger comes to the agent's HTTP port: set http.enabled: true (and http.port)",
        );
      if (cam.encoder?.kind === 'conveyor' && !conveyor)
        issue(
          ['cameras', i, 'encoder', 'kind'],
          'only the conveyor simulation reports its encoder with the frames; on a line, let the PLC count (kind plc)',
        );
      if (cam.encoder?.kind === 'plc' && !c.plc.enabled)
        issue(
          ['cameras', i, 'encoder', 'kind'],
          'the PLC writes the encoder count through the handshake: set plc.enabled: true',
        );
      if (source.kind === 'conveyor') {
        const h = 320;
        const fits = (r: { x: number; y: number; w: number; h: number }) =>
          r.x + r.w <= source.width && r.y + r.h <= h;
        if (cam.trigger.kind === 'presence' && !fits(cam.trigger.region))
          issue(
            ['cameras', i, 'trigger', 'region'],
            `the region must lie inside the ${source.width} × ${h} view`,
          );
        cam.regions.forEach((r, j) => {
          if (!r.corners && !fits(r))
            issue(
              ['cameras', i, 'regions', j],
              `region ${r.name} must lie inside the ${source.width} × ${h} view`,
            );
        });
        source.recipes.forEach((run, j) => {
          if (!recipeIds.has(run.recipe))
            issue(
              ['cameras', i, 'source', 'recipes', j, 'recipe'],
              `recipe "${run.recipe}" is not in recipes: (known: ${[...recipeIds].join(', ') || 'none'})`,
            );
        });
      }
    });
    c.actions.forEach((a, i) => {
      if (a.camera !== undefined && !cameraIds.has(a.camera))
        issue(['actions', i, 'camera'], `no camera "${a.camera}" (cameras: ${[...cameraIds].join(', ')})`);
      if (a.delayCounts !== undefined) {
        const without = c.cameras.filter(
          (cam) => (a.camera === undefined || cam.id === a.camera) && !cam.encoder,
        );
        if (without.length)
          issue(
            ['actions', i, 'delayCounts'],
            `needs an encoder on camera ${without.map((cam) => cam.id).join(', ')} (cameras[].encoder), or use delayMs`,
          );
      }
    });
    if (c.recipe !== undefined && !recipeIds.has(c.recipe))
      issue(
        ['recipe'],
        `no recipe "${c.recipe}" in recipes: (known: ${[...recipeIds].join(', ') || 'none'})`,
      );
    c.recipes.forEach((r, i) => {
      for (const cam of Object.keys(r.cameras))
        if (!cameraIds.has(cam))
          issue(['recipes', i, 'cameras', cam], `no camera "${cam}" (cameras: ${[...cameraIds].join(', ')})`);
    });
  });

export type AgentConfig = z.infer<typeof AgentConfig>;
export type AgentConfigInput = z.input<typeof AgentConfig>;
